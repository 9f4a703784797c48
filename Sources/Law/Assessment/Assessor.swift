import Domain
import Foundation

/// Assesses a case against every offence of its jurisdiction's pack. Pure and deterministic:
/// incidents are put in time order first, so the order they were given in never matters.
public struct Assessor: Sendable {
    public let pack: JurisdictionPack
    let legalDays: LegalDayCalendar
    let plans: [OffencePlan]

    public init(pack: JurisdictionPack) {
        self.pack = pack
        self.legalDays = LegalDayCalendar(timeZone: pack.timeZone)
        self.plans = pack.offences.map { OffencePlan($0, pack: pack) }
    }

    public func assess(_ given: CaseFile, at date: LocalDate, language: Language = .en) -> Assessment {
        let timeline = Timeline(given.incidents, through: date, legalDays: legalDays)
        let file = asOf(given, date, incidents: timeline)
        let offences = plans.map { assess($0, file: file, timeline: timeline, at: date, language: language) }
        let related = alsoConsider(timeline, language: language)
        let steps = NextSteps(pack: pack, file: file, at: date, legalDays: legalDays, language: language)
            .steps(offences: offences, incidents: file.incidents)
        return Assessment(jurisdiction: pack.code, at: date, packVersion: pack.version, language: language,
                          offences: offences, alsoConsider: related, nextSteps: steps.map(\.text), steps: steps,
                          disclaimer: Phrases(language).disclaimer)
    }

    func assess(_ plan: OffencePlan, file: CaseFile, timeline t: Timeline, at date: LocalDate,
                language: Language) -> OffenceAssessment {
        let offence = plan.offence
        let conductKinds = plan.conductKinds
        let inForce = offence.citation.inForce.value
        let countedTo = limitationDate(for: offence, file: file, at: date)
        let limitationMonths = plan.limitationMonths

        var beforeInForce: [String] = [], timeBarred: [String] = []
        var window: [Int] = [] // positions in the timeline of conduct in time
        var expiries = [LocalDate?](repeating: nil, count: t.count)
        for i in 0..<t.count where conductKinds & t.kindBits[i] != 0 {
            if t.days[i] < inForce { beforeInForce.append(t.ids[i]); continue }
            if let months = limitationMonths {
                let expiry = LegalDayCalendar.adding(months: months, to: t.days[i])
                if countedTo > expiry { timeBarred.append(t.ids[i]); continue }
                expiries[i] = expiry
            }
            window.append(i)
        }

        let episodeRules = plan.episodeRules
        var counted: [Int] = []
        var excluded: [ExcludedEpisode] = []
        for i in window {
            if let failing = episodeRules.first(where: { !$0.accepts(t, i) }) {
                excluded.append(ExcludedEpisode(incident: t.ids[i], element: failing.id))
            } else {
                counted.append(i)
            }
        }

        let phrases = Phrases(language)
        var results: [ElementResult] = []
        results.reserveCapacity(offence.elements.count)
        for element in offence.elements {
            let (status, support) = element.scope == .episode
                ? episodeStatus(EpisodeRule(element), window: window, timeline: t)
                : courseStatus(element, counted: counted, timeline: t, offence: offence)
            results.append(ElementResult(element: element.id, name: element.name[language], status: status,
                                         incidents: support.map { t.ids[$0] },
                                         note: phrases.elementNote(element, status: status, support: support.count,
                                                                   threshold: threshold(element, offence))))
        }

        let conclusion: Conclusion = window.isEmpty ? .notApplicable
            : results.allSatisfy { $0.status == .met } ? .grounds : .insufficient
        let byEpisode = counted.compactMap { i in expiries[i].map { EpisodeExpiry(incident: t.ids[i], expires: $0) } }
        // Episodes are in time order, so the first expires first.
        let limitation = LimitationResult(earliestExpiry: byEpisode.first?.expires, byEpisode: byEpisode, countedTo: countedTo)
        let episodes = Episodes(counted: counted.map { t.ids[$0] }, beforeInForce: beforeInForce,
                                timeBarred: timeBarred, excluded: excluded)
        let explanation = Explanation(pack: pack, offence: offence, language: language).text(
            conclusion: conclusion, elements: results, episodes: episodes, limitation: limitation,
            closing: plan.closing[language], at: date)
        return OffenceAssessment(
            offence: offence.id, title: offence.title[language], citation: plan.citation[language],
            inForce: inForce, conclusion: conclusion, elements: results, episodes: episodes, limitation: limitation,
            sanction: SanctionResult(alternatives: plan.alternatives), mandatoryPaymentMrp: plan.payment,
            unverified: plan.unverified, explanation: explanation)
    }

    /// The case as it stood at the end of `date`: later incidents, orders, proceedings and verdicts
    /// are left out, so an assessment at a past date sees only what had happened by then.
    func asOf(_ file: CaseFile, _ date: LocalDate, incidents timeline: Timeline) -> CaseFile {
        var file = file
        let after = { (time: ZonedDateTime) in legalDays.date(of: time) > date }
        if timeline.count < file.incidents.count { file.incidents = timeline.kept.map { file.incidents[$0] } }
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

    func episodeStatus(_ rule: EpisodeRule, window: [Int], timeline t: Timeline) -> (ElementStatus, [Int]) {
        let support = window.filter { rule.accepts(t, $0) }
        return (support.isEmpty ? .notMet : .met, support)
    }

    func courseStatus(_ element: Element, counted: [Int], timeline t: Timeline, offence: Offence) -> (ElementStatus, [Int]) {
        var outcomes: [(ElementStatus, [Int])] = []
        if element.minimumEpisodes != nil || element.impacts != nil {
            let own = Alternative(kinds: element.kinds, minimumEpisodes: element.minimumEpisodes, impacts: element.impacts)
            outcomes.append(evaluate(own, counted: counted, timeline: t, offence: offence))
        }
        if let anyOf = element.anyOf {
            // Any alternative suffices: take the strongest.
            let alternatives = anyOf.map { evaluate($0, counted: counted, timeline: t, offence: offence) }
            outcomes.append(alternatives.first { $0.0 == .met } ?? alternatives.first { $0.0 == .unknown } ?? (.notMet, []))
        }
        // An element with its own rule and alternatives needs both.
        if let notMet = outcomes.first(where: { $0.0 == .notMet }) { return notMet }
        if let unknown = outcomes.first(where: { $0.0 == .unknown }) { return unknown }
        return (.met, outcomes.count == 1 ? outcomes[0].1 : Array(Set(outcomes.flatMap(\.1))).sorted())
    }

    func evaluate(_ rule: Alternative, counted: [Int], timeline t: Timeline, offence: Offence) -> (ElementStatus, [Int]) {
        let pool = rule.kinds.map { ImpactSet.kinds($0) }.map { kinds in counted.filter { t.kindBits[$0] & kinds != 0 } } ?? counted
        let needed = rule.minimumEpisodes.map { value(of: $0, offence) } ?? 1
        guard let impacts = rule.impacts else { return pool.count >= needed ? (.met, pool) : (.notMet, pool) }
        let metBits = ImpactSet.impacts(impacts.met)
        let met = pool.filter { t.impactBits[$0] & metBits != 0 }
        if met.count >= needed { return (.met, met) }
        let hintBits = metBits | ImpactSet.impacts(impacts.unknown ?? [])
        let hinted = pool.filter { t.impactBits[$0] & hintBits != 0 }
        if hinted.count >= needed, !hinted.isEmpty { return (.unknown, hinted) }
        return (.notMet, met)
    }

    func value(of threshold: Threshold, _ offence: Offence) -> Int {
        switch threshold {
        case .literal(let n): n
        case .parameter(let name): offence.parameters[name]?.value ?? 1
        }
    }

    func threshold(_ element: Element, _ offence: Offence) -> Int? {
        element.minimumEpisodes.map { value(of: $0, offence) }
    }

    /// Limitation runs until the verdict: after a verdict under this offence it is counted to the verdict's day.
    func limitationDate(for offence: Offence, file: CaseFile, at date: LocalDate) -> LocalDate {
        let proceedings = Set(file.criminalProceedings.filter { $0.article == offence.id }.map(\.id))
        let verdictDays = file.verdicts.filter { proceedings.contains($0.proceeding) }.map { legalDays.date(of: $0.decidedAt) }
        return ([date] + verdictDays.filter { $0 <= date }).min()!
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
        pack.alsoConsider.compactMap { norm in
            let kinds = ImpactSet.kinds(norm.kinds)
            let byViolence = norm.flags?.contains("violence") ?? false
            let matching = (0..<t.count).filter { t.kindBits[$0] & kinds != 0 || (byViolence && t.violence[$0]) }
            guard !matching.isEmpty else { return nil }
            let ids = matching.map { t.ids[$0] }
            return AlsoConsider(norm: norm.norm, title: norm.title[language], incidents: ids,
                                reason: Phrases(language).alsoConsider(norm.title[language], ids), verified: norm.verified)
        }
    }
}

/// The incidents up to a date in time order (then by id), with what the rules look at computed
/// once: the legal day, the flags, and the kind and impacts as bit sets.
struct Timeline {
    /// Positions in the given incidents, in time order.
    let kept: [Int]
    let ids: [String]
    let days: [LocalDate]
    let kindBits: [UInt32]
    let impactBits: [UInt32]
    let againstWill: [Bool]
    let violence: [Bool]
    var count: Int { ids.count }

    init(_ given: [Incident], through date: LocalDate, legalDays: LegalDayCalendar) {
        let ms = given.map(\.occurredAt.epochMilliseconds)
        // Sort plain (time, position) pairs, then order any equal times by id: no strings are
        // compared unless two incidents share a millisecond.
        var keyed = ms.enumerated().map { (time: $0.element, index: $0.offset) }
        keyed.sort { $0.time != $1.time ? $0.time < $1.time : $0.index < $1.index }
        var order = keyed.map(\.index)
        var start = 0
        while start < keyed.count {
            var end = start + 1
            while end < keyed.count, keyed[end].time == keyed[start].time { end += 1 }
            if end - start > 1 { order[start..<end].sort { given[$0].id < given[$1].id } }
            start = end
        }
        var offsets = legalDays.schedule(from: ms.min() ?? 0, to: ms.max() ?? 0)
        var kept: [Int] = []
        var days: [LocalDate] = []
        kept.reserveCapacity(order.count)
        days.reserveCapacity(order.count)
        for index in order {
            let day = given[index].occurredAt.localDate(atOffset: offsets.offset(at: ms[index]))
            if day > date { break } // sorted: everything after is later still
            kept.append(index)
            days.append(day)
        }
        self.kept = kept
        self.days = days
        ids = kept.map { given[$0].id }
        kindBits = kept.map { given[$0].kind.bit }
        impactBits = kept.map { given[$0].impact.reduce(0) { $0 | $1.bit } }
        againstWill = kept.map { given[$0].againstWill }
        violence = kept.map { given[$0].violence }
    }
}

/// Vocabulary words as bits, so rules test membership without allocating sets.
enum ImpactSet {
    static func kinds(_ kinds: [IncidentKind]) -> UInt32 { kinds.reduce(0) { $0 | $1.bit } }
    static func impacts(_ impacts: [Impact]) -> UInt32 { impacts.reduce(0) { $0 | $1.bit } }
}

extension IncidentKind {
    var bit: UInt32 {
        switch self {
        case .contact: 1 << 0
        case .tracking: 1 << 1
        case .threat: 1 << 2
        case .privacyIntrusion: 1 << 3
        case .publicConflict: 1 << 4
        case .propertyDamage: 1 << 5
        case .violence: 1 << 6
        case .other: 1 << 7
        }
    }
}

extension Impact {
    var bit: UInt32 {
        switch self {
        case .fear: 1 << 0
        case .changedResidence: 1 << 1
        case .changedJob: 1 << 2
        case .soughtProtection: 1 << 3
        case .psychologicalOrMedicalHelp: 1 << 4
        case .lostIncome: 1 << 5
        case .restrictedMovement: 1 << 6
        }
    }
}

/// An episode element as a test on one incident of the timeline.
struct EpisodeRule {
    let id: String
    let kinds: UInt32?
    let againstWill: Bool?
    let violence: Bool?

    init(_ element: Element) {
        id = element.id
        kinds = element.kinds.map(ImpactSet.kinds)
        againstWill = element.requires?["againstWill"]
        violence = element.requires?["violence"]
    }

    func accepts(_ t: Timeline, _ i: Int) -> Bool {
        if let kinds, t.kindBits[i] & kinds == 0 { return false }
        if let againstWill, t.againstWill[i] != againstWill { return false }
        if let violence, t.violence[i] != violence { return false }
        return true
    }
}

/// What the assessment of one offence needs that does not depend on the case, worked out once
/// when the assessor is made: rules as bit tests, the figures it rests on, and the fixed text.
struct OffencePlan: Sendable {
    let offence: Offence
    let conductKinds: UInt32
    let episodeRules: [EpisodeRule]
    let limitationMonths: Int?
    let unverified: [String]
    let alternatives: [SanctionAlternative]
    let payment: Int?
    let citation: Localized
    let closing: Localized

    init(_ offence: Offence, pack: JurisdictionPack) {
        self.offence = offence
        conductKinds = ImpactSet.kinds(offence.conductElement?.kinds ?? [])
        episodeRules = offence.elements.filter { $0.scope == .episode }.map(EpisodeRule.init)
        limitationMonths = offence.limitation.map { ($0.years?.value ?? 0) * 12 + ($0.months?.value ?? 0) }
        let unverified = Assessor.unverifiedFigures(offence, pack: pack)
        self.unverified = unverified
        alternatives = offence.sanctions.map {
            SanctionAlternative(type: $0.type, unit: $0.unit, min: $0.min?.value, max: $0.max?.value)
        }
        payment = pack.mandatoryPayment?.byCategory[offence.category]?.value
        func each(_ make: (Language) -> String) -> Localized { Localized(ru: make(.ru), kk: make(.kk), en: make(.en)) }
        citation = each { Explanation.citation(offence, $0) }
        closing = each { Explanation.closing(pack: pack, offence: offence, language: $0, unverified: unverified) }
    }
}
