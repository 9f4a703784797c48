import Domain

/// The episodes the case's verdicts have judged, each with when its limitation clock stopped.
///
/// A verdict covers the episodes of its proceeding. A guilty verdict stops their clock on the day
/// it enters into force (УК РК art. 71: the day recorded, or the day after the pack's appeal
/// period); an acquittal stops nothing. Either way the episodes are judged and never counted again
/// (ne bis in idem): what the respondent does afterwards is a new course of conduct.
struct VerdictCover {
    struct Cover {
        /// The day the episode's clock was counted to: the guilty verdict's entry into force, or
        /// the assessment date while it is not yet in force (or for an acquittal).
        var clockStops: LocalDate
        /// The last day of conduct the verdict covers, for limitation counted from the last act.
        var lastDay: LocalDate
    }

    private var covers: [String: Cover] = [:]
    /// Whether some entry into force was worked out from the appeal period (no day recorded).
    private(set) var restsOnAppealPeriod = false

    init(_ file: CaseFile, timeline t: Timeline, at date: LocalDate, legalDays: LegalDayCalendar, rules: VerdictRules?) {
        let proceedings = Dictionary(file.criminalProceedings.map { ($0.id, $0.incidents) }, uniquingKeysWith: { first, _ in first })
        let position = Dictionary(t.ids.indices.map { (t.ids[$0], $0) }, uniquingKeysWith: { first, _ in first })
        for verdict in file.verdicts {
            guard let incidents = proceedings[verdict.proceeding] else { continue }
            let final = Self.entryIntoForce(verdict, legalDays: legalDays, rules: rules)
            if verdict.enteredIntoForce == nil, verdict.outcome == .guilty { restsOnAppealPeriod = true }
            let stops = verdict.outcome == .guilty ? min(date, final) : date
            let days = incidents.compactMap { position[$0].map { t.entries[$0].day } }
            guard let lastDay = days.max() else { continue }
            for incident in incidents where position[incident] != nil {
                // covered twice: the earlier stop holds
                if let kept = covers[incident], kept.clockStops <= stops { continue }
                covers[incident] = Cover(clockStops: stops, lastDay: lastDay)
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
