import Domain
import Foundation

/// Assesses a case against every offence of its jurisdiction's pack. Pure and deterministic:
/// incidents are put in time order first, so the order they were given in never matters.
public struct Assessor: Sendable {
    public let pack: JurisdictionPack
    let legalDays: LegalDayCalendar
    let plans: [OffencePlan]
    /// The pack's other norms as tests: by kind, or by the violence flag.
    let relatedNorms: [(kinds: UInt32, byViolence: Bool)]
    /// The next step proposing the pack's protective measure, by language.
    let issueMeasure: [String]?

    public init(pack: JurisdictionPack) {
        self.pack = pack
        self.legalDays = LegalDayCalendar(timeZone: pack.timeZone)
        self.plans = pack.offences.map { OffencePlan($0, pack: pack) }
        self.relatedNorms = pack.alsoConsider.map { (ImpactSet.kinds($0.kinds), $0.flags?.contains("violence") ?? false) }
        self.issueMeasure = pack.measures.first.map(NextSteps.issuing)
    }

    public func assess(_ given: CaseFile, at date: LocalDate, language: Language = .en) -> Assessment {
        let timeline = Timeline(given.incidents, through: date, legalDays: legalDays)
        let file = asOf(given, date)
        let offences = plans.map { assess($0, file: file, timeline: timeline, at: date, language: language) }
        let related = alsoConsider(timeline, language: language)
        let steps = NextSteps(file: file, at: date, legalDays: legalDays, language: language, measure: pack.measures.first,
                              issueMeasure: issueMeasure?[language.position])
            .steps(offences: offences, plans: plans, timeline: timeline)
        return Assessment(jurisdiction: pack.code, at: date, packVersion: pack.version, language: language,
                          offences: offences, alsoConsider: related, nextSteps: steps.map(\.text), steps: steps,
                          disclaimer: Phrases(language).disclaimer)
    }

    func assess(_ plan: OffencePlan, file: CaseFile, timeline t: Timeline, at date: LocalDate,
                language: Language) -> OffenceAssessment {
        let countedTo = limitationDate(for: plan.offence, file: file, at: date)
        var beforeInForce: [String] = [], timeBarred: [String] = []
        // The conduct in time: positions in the timeline.
        var window: [Int] = []
        window.reserveCapacity(t.count)
        for i in 0..<t.count where plan.conductKinds & t.entries[i].kindBits != 0 {
            let day = t.entries[i].day
            if day < plan.inForce { beforeInForce.append(t.ids[i]); continue }
            if let months = plan.limitationMonths, countedTo > LegalDayCalendar.adding(months: months, to: day) {
                timeBarred.append(t.ids[i])
                continue
            }
            window.append(i)
        }

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
                    byEpisode.append(EpisodeExpiry(incident: t.ids[i], expires: LegalDayCalendar.adding(months: months, to: t.entries[i].day)))
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
        let limitation = LimitationResult(earliestExpiry: byEpisode.first?.expires, byEpisode: byEpisode, countedTo: countedTo)
        let episodes = Episodes(counted: countedIds, beforeInForce: beforeInForce, timeBarred: timeBarred, excluded: excluded)
        let explanation = plan.explanation[language.position].text(
            date: date, conclusion: conclusion, elements: results, episodes: episodes, earliestExpiry: limitation.earliestExpiry)
        return OffenceAssessment(
            offence: plan.offence.id, title: plan.offence.title[language], citation: plan.citation[language],
            inForce: plan.inForce, conclusion: conclusion, elements: results, episodes: episodes, limitation: limitation,
            sanction: SanctionResult(alternatives: plan.alternatives), mandatoryPaymentMrp: plan.payment,
            unverified: plan.unverified, explanation: explanation)
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

    /// Limitation runs until the verdict: after a verdict under this offence it is counted to the verdict's day.
    func limitationDate(for offence: Offence, file: CaseFile, at date: LocalDate) -> LocalDate {
        var countedTo = date
        for verdict in file.verdicts {
            guard file.criminalProceedings.contains(where: { $0.id == verdict.proceeding && $0.article == offence.id }) else { continue }
            let day = legalDays.date(of: verdict.decidedAt)
            if day < countedTo { countedTo = day }
        }
        return countedTo
    }

    static func unverifiedFigures(_ offence: Offence, pack: JurisdictionPack) -> [String] {
        var names: [String] = []
        if !offence.citation.inForce.verified { names.append("inForce") }
        for (name, figure) in offence.parameters.sorted(by: { $0.key < $1.key }) where !figure.verified { names.append(name) }
        if let years = offence.limitation?.years, !years.verified { names.append("limitation.years") }
        if let months = offence.limitation?.months, !months.verified { names.append("limitation.months") }
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
