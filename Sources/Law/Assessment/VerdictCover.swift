import Domain

/// The episodes the case's verdicts have judged, each with when its limitation clock stopped.
///
/// A verdict covers the episodes of its proceeding: they are judged and never counted again (ne bis
/// in idem), and what the respondent does afterwards is a new course of conduct. Their limitation
/// clock runs until the verdict enters into force (УК РК art. 71: the day recorded, or the day
/// after the pack's appeal period), so an episode whose year ends while an appeal is possible is
/// time-barred, whatever the outcome; no verdict stops the clock of episodes it does not cover.
struct VerdictCover {
    struct Cover {
        /// The day the verdict entered (or, unappealed, will enter) into force.
        var final: LocalDate
        var guilty: Bool
        /// The verdict's incidents in the timeline, for limitation counted from its last act of
        /// an offence's conduct.
        var positions: [Int]
    }

    private var covers: [String: Cover] = [:]
    /// The day of the latest conviction: conduct up to then that it did not cover belongs to the
    /// course it ended, not to the one that follows (under any of the pack's offences).
    private(set) var lastConviction: LocalDate?
    /// Whether some entry into force was worked out from the appeal period (no day recorded).
    private(set) var restsOnAppealPeriod = false

    init(_ file: CaseFile, timeline t: Timeline, at date: LocalDate, legalDays: LegalDayCalendar, rules: VerdictRules?) {
        let proceedings = Dictionary(file.criminalProceedings.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let position = Dictionary(t.ids.indices.map { (t.ids[$0], $0) }, uniquingKeysWith: { first, _ in first })
        for verdict in file.verdicts {
            guard let proceeding = proceedings[verdict.proceeding] else { continue }
            let pronounced = legalDays.date(of: verdict.decidedAt)
            if verdict.outcome == .guilty { lastConviction = max(lastConviction ?? pronounced, pronounced) }
            let final = Self.entryIntoForce(verdict, legalDays: legalDays, rules: rules)
            if verdict.enteredIntoForce == nil { restsOnAppealPeriod = true }
            let positions = proceeding.incidents.compactMap { position[$0] }
            guard !positions.isEmpty else { continue }
            let cover = Cover(final: final, guilty: verdict.outcome == .guilty, positions: positions)
            for incident in proceeding.incidents where position[incident] != nil {
                // judged twice (a record that should not be): a conviction holds over an
                // acquittal, and of two the one in force first
                if let kept = covers[incident], (kept.guilty && !cover.guilty) || (kept.guilty == cover.guilty && kept.final <= final) { continue }
                covers[incident] = cover
            }
        }
    }

    subscript(incident: String) -> Cover? { covers.isEmpty ? nil : covers[incident] }

    /// The day a verdict entered (or will enter) into force: the day recorded, or the day after
    /// the appeal period (the day of pronouncement without a pack figure).
    static func entryIntoForce(_ verdict: Verdict, legalDays: LegalDayCalendar, rules: VerdictRules?) -> LocalDate {
        if let recorded = verdict.enteredIntoForce { return recorded }
        let pronounced = legalDays.date(of: verdict.decidedAt)
        guard let days = rules?.appealDays.value else { return pronounced }
        return pronounced.adding(days: days + 1)
    }
}

extension JurisdictionPack {
    /// The day a verdict entered (or, unappealed, will enter) into force.
    public func entryIntoForce(of verdict: Verdict) -> LocalDate {
        VerdictCover.entryIntoForce(verdict, legalDays: LegalDayCalendar(timeZone: timeZone), rules: verdicts)
    }
}
