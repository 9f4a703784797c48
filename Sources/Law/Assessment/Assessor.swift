import Domain
import Foundation

/// Assesses a case against every offence of its jurisdiction's pack. Pure and deterministic:
/// incidents are put in time order first, so the order they were given in never matters.
public struct Assessor: Sendable {
    public let pack: JurisdictionPack
    let legalDays: LegalDayCalendar

    public init(pack: JurisdictionPack) {
        self.pack = pack
        self.legalDays = LegalDayCalendar(timeZone: pack.timeZone)
    }

    public func assess(_ given: CaseFile, at date: LocalDate, language: Language = .en) -> Assessment {
        let file = asOf(given, date)
        let incidents = file.incidents.sorted {
            ($0.occurredAt.epochMilliseconds, $0.id) < ($1.occurredAt.epochMilliseconds, $1.id)
        }
        let days = incidents.map { legalDays.date(of: $0.occurredAt) }
        let offences = pack.offences.map { assess($0, file: file, incidents: incidents, days: days, at: date, language: language) }
        let related = alsoConsider(incidents, language: language)
        let steps = NextSteps(pack: pack, file: file, at: date, legalDays: legalDays, language: language)
            .steps(offences: offences, incidents: incidents)
        return Assessment(jurisdiction: pack.code, at: date, packVersion: pack.version, language: language,
                          offences: offences, alsoConsider: related, nextSteps: steps.map(\.text), steps: steps,
                          disclaimer: Phrases(language).disclaimer)
    }

    func assess(_ offence: Offence, file: CaseFile, incidents: [Incident], days: [LocalDate], at date: LocalDate,
                language: Language) -> OffenceAssessment {
        let conductKinds = Set(offence.conductElement?.kinds ?? [])
        let inForce = offence.citation.inForce.value
        let countedTo = limitationDate(for: offence, file: file, at: date, days: days, incidents: incidents)

        var beforeInForce: [String] = [], timeBarred: [String] = []
        var window: [Int] = [] // indices into incidents of conduct in time
        var expiries: [Int: LocalDate] = [:]
        for (i, incident) in incidents.enumerated() where conductKinds.contains(incident.kind) {
            if days[i] < inForce { beforeInForce.append(incident.id); continue }
            if let expiry = expiry(of: days[i], offence.limitation) {
                if countedTo > expiry { timeBarred.append(incident.id); continue }
                expiries[i] = expiry
            }
            window.append(i)
        }

        let episodeElements = offence.elements.filter { $0.scope == .episode }
        var counted: [Int] = []
        var excluded: [ExcludedEpisode] = []
        for i in window {
            if let failing = episodeElements.first(where: { !Self.satisfies(incidents[i], $0) }) {
                excluded.append(ExcludedEpisode(incident: incidents[i].id, element: failing.id))
            } else {
                counted.append(i)
            }
        }

        let phrases = Phrases(language)
        var results: [ElementResult] = []
        for element in offence.elements {
            let (status, support) = element.scope == .episode
                ? episodeStatus(element, window: window, incidents: incidents)
                : courseStatus(element, counted: counted, incidents: incidents, offence: offence)
            results.append(ElementResult(element: element.id, name: element.name[language], status: status,
                                         incidents: support.map { incidents[$0].id },
                                         note: phrases.elementNote(element, status: status, support: support.count,
                                                                   threshold: threshold(element, offence))))
        }

        let conclusion: Conclusion = window.isEmpty ? .notApplicable
            : results.allSatisfy { $0.status == .met } ? .grounds : .insufficient
        let byEpisode = Dictionary(uniqueKeysWithValues: counted.compactMap { i in expiries[i].map { (incidents[i].id, $0) } })
        let limitation = LimitationResult(earliestExpiry: byEpisode.values.min(), byEpisode: byEpisode, countedTo: countedTo)
        let payment = pack.mandatoryPayment?.byCategory[offence.category]
        let episodes = Episodes(counted: counted.map { incidents[$0].id }, beforeInForce: beforeInForce,
                                timeBarred: timeBarred, excluded: excluded)
        let alternatives = offence.sanctions.map {
            SanctionAlternative(type: $0.type, unit: $0.unit, min: $0.min?.value, max: $0.max?.value)
        }
        let unverified = unverifiedFigures(offence)
        func explain(_ language: Language) -> String {
            Explanation(pack: pack, offence: offence, language: language).text(
                conclusion: conclusion, elements: results, episodes: episodes, limitation: limitation,
                payment: payment?.value, unverified: unverified, at: date)
        }
        let explanations = Localized(ru: explain(.ru), kk: explain(.kk), en: explain(.en))
        return OffenceAssessment(
            offence: offence.id, title: offence.title[language], citation: Explanation.citation(offence, language),
            inForce: inForce, conclusion: conclusion, elements: results, episodes: episodes, limitation: limitation,
            sanction: SanctionResult(alternatives: alternatives), mandatoryPaymentMrp: payment?.value,
            unverified: unverified, explanation: explanations[language], explanations: explanations)
    }

    /// The case as it stood at the end of `date`: later incidents, orders, proceedings and verdicts
    /// are left out, so an assessment at a past date sees only what had happened by then.
    func asOf(_ file: CaseFile, _ date: LocalDate) -> CaseFile {
        var file = file
        file.incidents.removeAll { legalDays.date(of: $0.occurredAt) > date }
        file.protectiveOrders.removeAll { legalDays.date(of: $0.issuedAt) > date }
        file.administrativeCases.removeAll { legalDays.date(of: $0.decidedAt) > date }
        file.criminalProceedings.removeAll { legalDays.date(of: $0.registeredAt) > date }
        file.verdicts.removeAll { legalDays.date(of: $0.decidedAt) > date }
        for index in file.verdicts.indices {
            if let paid = file.verdicts[index].mandatoryPayment?.paidAt, legalDays.date(of: paid) > date {
                file.verdicts[index].mandatoryPayment?.paidAt = nil
            }
        }
        return file
    }

    static func satisfies(_ incident: Incident, _ element: Element) -> Bool {
        if let kinds = element.kinds, !kinds.contains(incident.kind) { return false }
        for (flag, required) in element.requires ?? [:] {
            let value = flag == "againstWill" ? incident.againstWill : incident.violence
            if value != required { return false }
        }
        return true
    }

    func episodeStatus(_ element: Element, window: [Int], incidents: [Incident]) -> (ElementStatus, [Int]) {
        let support = window.filter { Self.satisfies(incidents[$0], element) }
        return (support.isEmpty ? .notMet : .met, support)
    }

    func courseStatus(_ element: Element, counted: [Int], incidents: [Incident], offence: Offence) -> (ElementStatus, [Int]) {
        let own = Alternative(kinds: element.kinds, minimumEpisodes: element.minimumEpisodes, impacts: element.impacts)
        var outcomes: [(ElementStatus, [Int])] = []
        if element.minimumEpisodes != nil || element.impacts != nil {
            outcomes.append(evaluate(own, counted: counted, incidents: incidents, offence: offence))
        }
        let alternatives = (element.anyOf ?? []).map { evaluate($0, counted: counted, incidents: incidents, offence: offence) }
        if element.anyOf != nil {
            // Any alternative suffices: take the strongest.
            let best = alternatives.first { $0.0 == .met } ?? alternatives.first { $0.0 == .unknown }
                ?? (.notMet, [])
            outcomes.append(best)
        }
        // An element with its own rule and alternatives needs both.
        if let notMet = outcomes.first(where: { $0.0 == .notMet }) { return notMet }
        if let unknown = outcomes.first(where: { $0.0 == .unknown }) { return unknown }
        return (.met, Array(Set(outcomes.flatMap(\.1))).sorted())
    }

    func evaluate(_ rule: Alternative, counted: [Int], incidents: [Incident], offence: Offence) -> (ElementStatus, [Int]) {
        let pool = rule.kinds.map { kinds in counted.filter { kinds.contains(incidents[$0].kind) } } ?? counted
        let needed = rule.minimumEpisodes.map { value(of: $0, offence) } ?? 1
        guard let impacts = rule.impacts else {
            return pool.count >= needed ? (.met, pool) : (.notMet, pool)
        }
        let met = pool.filter { !Set(incidents[$0].impact).isDisjoint(with: impacts.met) }
        if met.count >= needed { return (.met, met) }
        let hinted = pool.filter { !Set(incidents[$0].impact).isDisjoint(with: impacts.met + (impacts.unknown ?? [])) }
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

    /// The last day an episode of `day` can still be prosecuted, or nil when the offence has no limitation.
    func expiry(of day: LocalDate, _ limitation: Limitation?) -> LocalDate? {
        guard let limitation else { return nil }
        let months = (limitation.years?.value ?? 0) * 12 + (limitation.months?.value ?? 0)
        return LegalDayCalendar.adding(months: months, to: day)
    }

    /// Limitation runs until the verdict: after a verdict under this offence it is counted to the verdict's day.
    func limitationDate(for offence: Offence, file: CaseFile, at date: LocalDate, days: [LocalDate],
                        incidents: [Incident]) -> LocalDate {
        let proceedings = Set(file.criminalProceedings.filter { $0.article == offence.id }.map(\.id))
        let verdictDays = file.verdicts.filter { proceedings.contains($0.proceeding) }.map { legalDays.date(of: $0.decidedAt) }
        return ([date] + verdictDays.filter { $0 <= date }).min()!
    }

    func unverifiedFigures(_ offence: Offence) -> [String] {
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

    func alsoConsider(_ incidents: [Incident], language: Language) -> [AlsoConsider] {
        pack.alsoConsider.compactMap { norm in
            let kinds = Set(norm.kinds)
            let flags = Set(norm.flags ?? [])
            let matching = incidents.filter {
                kinds.contains($0.kind) || (flags.contains("violence") && $0.violence)
            }.map(\.id)
            guard !matching.isEmpty else { return nil }
            return AlsoConsider(norm: norm.norm, title: norm.title[language], incidents: matching,
                                reason: Phrases(language).alsoConsider(norm.title[language], matching), verified: norm.verified)
        }
    }
}
