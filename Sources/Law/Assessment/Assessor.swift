import Domain
import Foundation

/// Assesses a case against every offence of its jurisdiction's pack. Pure and deterministic:
/// incidents are put in time order first, so the order they were given in never matters.
public struct Assessor: Sendable {
    public let pack: JurisdictionPack
    let legalDays: LegalDayCalendar
    /// By offence, a plan for each wording, oldest first (most offences have one).
    let plans: [[OffencePlan]]
    /// The pack's other norms as tests: by kind, or by the violence flag.
    let relatedNorms: [(kinds: UInt32, byViolence: Bool)]
    /// The steps proposing each of the pack's protective measures, by language; and the same when
    /// the respondent's relationship to the victim is not recorded.
    let issueMeasure: [[String]]
    let issueMeasureUnrecorded: [[String]]

    public init(pack: JurisdictionPack) {
        self.pack = pack
        self.legalDays = LegalDayCalendar(timeZone: pack.timeZone)
        self.plans = pack.offences.map { offence in
            let wordings = offence.allWordings
            return wordings.map { OffencePlan($0, pack: pack, countsFrom: wordings.count > 1 ? wordings[0].citation.inForce.value : nil) }
        }
        self.relatedNorms = pack.alsoConsider.map { (ImpactSet.kinds($0.kinds), $0.flags?.contains("violence") ?? false) }
        self.issueMeasure = pack.measures.map { NextSteps.issuing($0) }
        self.issueMeasureUnrecorded = pack.measures.map { NextSteps.issuing($0, recorded: false) }
    }

    public func assess(_ given: CaseFile, at date: LocalDate, language: Language = .en) -> Assessment {
        let timeline = Timeline(given.incidents, through: date, legalDays: legalDays)
        let file = asOf(given, date)
        let verdicts = file.verdicts.isEmpty ? nil : VerdictCover(file, timeline: timeline, at: date, legalDays: legalDays, rules: pack.verdicts)
        let sanctioned: Set<String> = file.administrativeCases.isEmpty ? [] : Set(file.administrativeCases.flatMap(\.incidents))
        let chosen = plans.map { wording(of: $0, timeline: timeline) }
        let offences = chosen.map {
            assess($0, file: file, timeline: timeline, verdicts: verdicts, sanctioned: sanctioned, at: date, language: language)
        }
        let related = alsoConsider(timeline, language: language)
        let respondent = file.persons.first { $0.role == .respondent }?.relationshipToVictim
        let measure = pack.measures.indices.first { pack.measures[$0].covers(respondent) }
        let steps = NextSteps(file: file, at: date, legalDays: legalDays, language: language, measure: measure.map { pack.measures[$0] },
                              issueMeasure: measure.map { (respondent == nil ? issueMeasureUnrecorded : issueMeasure)[$0][language.position] },
                              measures: pack.measures)
            .steps(offences: offences, plans: chosen, timeline: timeline)
        return Assessment(jurisdiction: pack.code, at: date, packVersion: pack.version, language: language,
                          offences: offences, alsoConsider: related, nextSteps: steps.map(\.text), steps: steps,
                          disclaimer: Phrases(language).disclaimer)
    }

    /// The wording an offence's conduct is judged under: the one in force on the day of its last
    /// episode (StGB § 2(2)); the first when every episode is before it.
    func wording(of plans: [OffencePlan], timeline t: Timeline) -> OffencePlan {
        guard plans.count > 1 else { return plans[0] }
        // the last act that is conduct under some wording and passes its episode elements (an act
        // not against her will does not decide which law judges the course)
        func acts(_ entry: Timeline.Entry) -> Bool {
            plans.contains { plan in plan.conductKinds & entry.kindBits != 0 && plan.episodeRules.allSatisfy { $0.rule.accepts(entry) } }
        }
        let kinds = plans.reduce(0) { $0 | $1.conductKinds }
        guard let last = t.entries.lastIndex(where: acts) ?? t.entries.lastIndex(where: { $0.kindBits & kinds != 0 }) else {
            return plans[plans.count - 1]
        }
        let day = t.entries[last].day
        return plans.last { $0.inForce <= day } ?? plans[0]
    }

    func assess(_ plan: OffencePlan, file: CaseFile, timeline t: Timeline, verdicts: VerdictCover?, sanctioned: Set<String>,
                at date: LocalDate, language: Language) -> OffenceAssessment {
        let sorted = sortConduct(plan, timeline: t, verdicts: verdicts, at: date)
        let (beforeInForce, adjudicated, beforeVerdict, candidates, running) =
            (sorted.beforeInForce, sorted.adjudicated, sorted.beforeVerdict, sorted.candidates, sorted.running)
        var timeBarred = sorted.timeBarred
        // A course of conduct runs out of time from its last act; otherwise each episode from its own.
        var lastAct: LocalDate?
        if plan.fromLastEpisode, plan.limitationMonths != nil {
            let accepted = candidates.last { i in plan.episodeRules.allSatisfy { $0.rule.accepts(t.entries[i]) } }
            lastAct = (accepted ?? candidates.last).map { t.entries[$0].day }
        }
        var window: [Int] = []
        window.reserveCapacity(candidates.count)
        for i in candidates {
            // an act after the course's last one (not an act of it) runs from its own day
            if let months = plan.limitationMonths, date > LegalDayCalendar.adding(months: months, to: max(lastAct ?? t.entries[i].day, t.entries[i].day)) {
                timeBarred.append(t.ids[i])
                continue
            }
            window.append(i)
        }
        // Judged and unjudged episodes were barred in two passes: back into time order.
        if verdicts != nil, timeBarred.count > 1 { timeBarred = t.ids.filter(Set(timeBarred).contains) }

        // The counted episodes are the window itself until one is excluded (the usual case: no
        // list of their own), and when each runs out of time.
        var counted: [Int] = [], countsWholeWindow = true, byEpisode: [EpisodeExpiry] = []
        var excluded: [ExcludedEpisode] = []
        byEpisode.reserveCapacity(plan.limitationMonths == nil ? 0 : window.count)
        for (w, i) in window.enumerated() {
            if let failing = plan.episodeRules.first(where: { !$0.rule.accepts(t.entries[i]) }) {
                if countsWholeWindow {
                    counted.reserveCapacity(window.count - 1)
                    counted.append(contentsOf: window[..<w])
                    excluded.reserveCapacity(window.count - w)
                    countsWholeWindow = false
                }
                excluded.append(ExcludedEpisode(incident: t.ids[i], element: plan.elements[failing.element].id))
            } else {
                if !countsWholeWindow { counted.append(i) }
                if let months = plan.limitationMonths {
                    byEpisode.append(EpisodeExpiry(incident: t.ids[i], expires: LegalDayCalendar.adding(months: months, to: max(lastAct ?? t.entries[i].day, t.entries[i].day))))
                }
            }
        }
        if countsWholeWindow { counted = window }

        // An element supported by every episode of the window or every counted one shares that list.
        let windowIds = t.ids(window)
        let countedIds = counted.count == window.count ? windowIds : t.ids(counted)
        var results: [ElementResult] = []
        results.reserveCapacity(plan.elements.count)
        var allMet = true
        for element in plan.elements {
            let status: ElementStatus, support: [Int], ids: [String]
            if let rule = element.episodeRule {
                support = t.select(window) { rule.accepts($0) }
                status = support.isEmpty ? .notMet : .met
                ids = support.count == window.count ? windowIds : t.ids(support)
            } else {
                (status, support) = courseStatus(element, counted: counted, timeline: t)
                ids = support.count == counted.count && support == counted ? countedIds : t.ids(support)
            }
            if status != .met { allMet = false }
            results.append(ElementResult(element: element.id, name: element.name[language], status: status, incidents: ids,
                                         note: element.note(status, support: support.count, language: language)))
        }

        let conclusion: Conclusion = window.isEmpty ? .notApplicable : allMet ? .grounds : .insufficient
        // Episodes are in time order, so the first expires first.
        if !running.isEmpty { byEpisode = (running + byEpisode).sorted { ($0.expires, $0.incident) < ($1.expires, $1.incident) } }
        let limitation = LimitationResult(earliestExpiry: byEpisode.first?.expires, byEpisode: byEpisode, countedTo: date)
        let alreadySanctioned = sanctioned.isEmpty ? [] : countedIds.filter(sanctioned.contains)
        let episodes = Episodes(counted: countedIds, beforeInForce: beforeInForce, timeBarred: timeBarred, excluded: excluded,
                                adjudicated: adjudicated, administrativelySanctioned: alreadySanctioned, beforeVerdict: beforeVerdict)
        var unverified = plan.unverified
        unverified.append(contentsOf: recordFigures(file, offence: plan.offence.id, counted: countedIds))
        if let verdicts, !adjudicated.isEmpty || !timeBarred.isEmpty, verdicts.restsOnAppealPeriod, let figure = pack.verdicts?.appealDays,
           !figure.verified {
            unverified.append("verdicts.appealDays")
        }
        let explanation = plan.explanation[language.position].text(
            date: date, conclusion: conclusion, elements: results, episodes: episodes, earliestExpiry: limitation.earliestExpiry,
            unverified: unverified)
        return OffenceAssessment(
            offence: plan.offence.id, title: plan.offence.title[language], citation: plan.citation[language],
            inForce: plan.countsFrom, conclusion: conclusion, elements: results, episodes: episodes, limitation: limitation,
            sanction: SanctionResult(alternatives: plan.alternatives), mandatoryPaymentMrp: plan.payment,
            unverified: unverified, explanation: explanation, wording: plan.wording)
    }

    /// The case as it stood at the end of `date`: later orders, proceedings and verdicts are left
    /// out, so an assessment at a past date sees only what had happened by then. (Later incidents
    /// are left out by the timeline.)
    func asOf(_ file: CaseFile, _ date: LocalDate) -> CaseFile {
        var file = file
        let legalDays = legalDays
        let after = { (time: ZonedDateTime) in legalDays.date(of: time) > date }
        // Mutate only what changes: removeAll copies an array even when it removes nothing.
        if file.protectiveOrders.contains(where: { after($0.issuedAt) }) { file.protectiveOrders.removeAll { after($0.issuedAt) } }
        if file.administrativeCases.contains(where: { after($0.decidedAt) }) {
            file.administrativeCases.removeAll { after($0.decidedAt) }
        }
        if file.criminalProceedings.contains(where: { after($0.registeredAt) }) {
            file.criminalProceedings.removeAll { after($0.registeredAt) }
        }
        if file.verdicts.contains(where: { after($0.decidedAt) }) { file.verdicts.removeAll { after($0.decidedAt) } }
        for index in file.verdicts.indices {
            if let paid = file.verdicts[index].mandatoryPayment?.paidAt, after(paid) {
                file.verdicts[index].mandatoryPayment?.paidAt = nil
            }
        }
        return file
    }

    func courseStatus(_ element: ElementPlan, counted: [Int], timeline t: Timeline) -> (ElementStatus, [Int]) {
        // An element with its own rule and alternatives needs both; any alternative suffices, so
        // take the strongest.
        let own = element.own?.evaluate(counted: counted, timeline: t)
        let alternative = element.anyOf.map { anyOf -> (ElementStatus, [Int]) in
            let outcomes = anyOf.map { $0.evaluate(counted: counted, timeline: t) }
            return outcomes.first { $0.0 == .met } ?? outcomes.first { $0.0 == .unknown } ?? (.notMet, [])
        }
        switch (own, alternative) {
        case (nil, nil): return (.met, [])
        case (let one?, nil), (nil, let one?): return one
        case (let own?, let alternative?):
            for status in [ElementStatus.notMet, .unknown] {
                if own.0 == status { return own }
                if alternative.0 == status { return alternative }
            }
            return (.met, Array(Set(own.1 + alternative.1)).sorted())
        }
    }

    /// The unverified bounds that records concerning the offence fall outside and stand only
    /// because they are unverified: a proceeding under it whose number is not of the pack's form,
    /// an administrative case over counted episodes whose sanction is outside the pack's bounds.
    func recordFigures(_ file: CaseFile, offence: String, counted: [String]) -> [String] {
        guard !file.administrativeCases.isEmpty || !file.criminalProceedings.isEmpty else { return [] }
        let rules = ProceedingRules(pack: pack)
        var warnings: [ValidationProblem] = []
        for proceeding in file.criminalProceedings where proceeding.article == offence {
            warnings += rules.findings(proceeding).warnings
        }
        if !file.administrativeCases.isEmpty {
            let counted = Set(counted)
            for adm in file.administrativeCases where adm.incidents.contains(where: counted.contains) {
                warnings += rules.findings(adm).warnings
            }
        }
        var names: [String] = []
        for case let name? in warnings.map({ $0.values?["figure"] }) where !names.contains(name) { names.append(name) }
        return names
    }

    static func unverifiedFigures(_ offence: Offence, pack: JurisdictionPack) -> [String] {
        var names: [String] = []
        if !offence.citation.inForce.verified { names.append("inForce") }
        for (name, figure) in offence.parameters.sorted(by: { $0.key < $1.key }) where !figure.verified { names.append(name) }
        if let years = offence.limitation?.years, !years.verified { names.append("limitation.years") }
        if let months = offence.limitation?.months, !months.verified { names.append("limitation.months") }
        if let from = offence.limitation?.runsFrom, !from.verified { names.append("limitation.runsFrom") }
        for element in offence.elements {
            for rule in [element.impacts] + (element.anyOf ?? []).map(\.impacts) where rule?.verified == false {
                names.append("\(element.id).impacts")
                break
            }
        }
        for sanction in offence.sanctions {
            if let min = sanction.min, !min.verified { names.append("sanction.\(sanction.type).min") }
            if let max = sanction.max, !max.verified { names.append("sanction.\(sanction.type).max") }
        }
        if let payment = pack.mandatoryPayment?.byCategory[offence.category], !payment.verified {
            names.append("mandatoryPayment.\(offence.category)")
        }
        return names
    }

    func alsoConsider(_ t: Timeline, language: Language) -> [AlsoConsider] {
        var related: [AlsoConsider] = []
        related.reserveCapacity(relatedNorms.count)
        for n in relatedNorms.indices {
            let rule = relatedNorms[n]
            func matches(_ entry: Timeline.Entry) -> Bool { entry.kindBits & rule.kinds != 0 || (rule.byViolence && entry.violence) }
            let matching = t.entries.reduce(0) { matches($1) ? $0 + 1 : $0 }
            guard matching > 0 else { continue }
            var ids: [String] = []
            ids.reserveCapacity(matching)
            for i in 0..<t.count where matches(t.entries[i]) { ids.append(t.ids[i]) }
            let title = pack.alsoConsider[n].title[language]
            related.append(AlsoConsider(norm: pack.alsoConsider[n].norm, title: title, incidents: ids,
                                        reason: Phrases(language).alsoConsider(title, ids), verified: pack.alsoConsider[n].verified))
        }
        return related
    }
}
