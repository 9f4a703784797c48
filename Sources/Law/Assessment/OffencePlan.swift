import Domain

/// What the assessment of one offence needs that does not depend on the case, worked out once
/// when the assessor is made: rules as bit tests, the figures it rests on, and the fixed text in
/// each language.
final class OffencePlan: Sendable {
    let offence: Offence
    let conductKinds: UInt32
    /// The day this wording came into force; conduct from `countsFrom` (the offence's first
    /// wording) on is counted, earlier conduct is before the norm.
    let inForce: LocalDate
    let countsFrom: LocalDate
    /// The wording's day when the offence has several.
    let wording: LocalDate?
    let fromLastEpisode: Bool
    let elements: [ElementPlan]
    /// The episode elements' rules with their places in `elements`, in pack order, kept apart
    /// as plain values because every episode is tested against each.
    let episodeRules: [(rule: EpisodeRule, element: Int)]
    let limitationMonths: Int?
    let unverified: [String]
    let alternatives: [SanctionAlternative]
    let payment: Int?
    let citation: Localized
    /// Course elements about harm (impacts) and about the pattern (a count), for the next steps.
    let harmElements: [Int]
    let patternElements: [Int]
    let explanation: [ExplanationTemplate]

    init(_ offence: Offence, pack: JurisdictionPack, countsFrom: LocalDate? = nil) {
        self.offence = offence
        conductKinds = ImpactSet.kinds(offence.conductElement?.kinds ?? [])
        inForce = offence.citation.inForce.value
        self.countsFrom = countsFrom ?? offence.citation.inForce.value
        wording = countsFrom.map { _ in offence.citation.inForce.value }
        fromLastEpisode = offence.limitation?.fromLastEpisode ?? false
        let elements = offence.elements.map { ElementPlan($0, offence: offence) }
        self.elements = elements
        episodeRules = elements.indices.compactMap { e in elements[e].episodeRule.map { ($0, e) } }
        limitationMonths = offence.limitation.map { ($0.years?.value ?? 0) * 12 + ($0.months?.value ?? 0) }
        let unverified = Assessor.unverifiedFigures(offence, pack: pack)
        self.unverified = unverified
        alternatives = offence.sanctions.map {
            SanctionAlternative(type: $0.type, unit: $0.unit, min: $0.min?.value, max: $0.max?.value)
        }
        payment = pack.mandatoryPayment?.byCategory[offence.category]?.value
        func each(_ make: (Language) -> String) -> Localized { Localized(ru: make(.ru), kk: make(.kk), en: make(.en)) }
        let citation = each { Explanation.citation(offence, $0) }
        self.citation = citation
        harmElements = offence.elements.indices.filter {
            offence.elements[$0].scope == .course && (offence.elements[$0].impacts != nil || offence.elements[$0].anyOf != nil)
        }
        patternElements = offence.elements.indices.filter {
            let e = offence.elements[$0]
            return e.scope == .course && e.minimumEpisodes != nil && e.impacts == nil
        }
        explanation = Language.allCases.map { language in
            ExplanationTemplate(offence: offence, language: language, citation: citation[language],
                                closing: Explanation.closing(pack: pack, offence: offence, language: language),
                                countsFrom: countsFrom)
        }
    }
}

/// One element of an offence, ready to test: an episode element as a rule on one incident, a
/// course element as its alternatives over the counted episodes; with its notes in each language.
final class ElementPlan: Sendable {
    let id: String
    let name: Localized
    let episodeRule: EpisodeRule?
    /// The element's own rule, if it has a count or impacts.
    let own: AlternativeRule?
    /// Alternatives of which any suffices.
    let anyOf: [AlternativeRule]?
    let note: ElementNote

    init(_ element: Element, offence: Offence) {
        id = element.id
        name = element.name
        let threshold = element.minimumEpisodes.map { Self.value(of: $0, offence) }
        if element.scope == .episode {
            episodeRule = EpisodeRule(element)
            own = nil
            anyOf = nil
        } else {
            episodeRule = nil
            own = element.minimumEpisodes != nil || element.impacts != nil
                ? AlternativeRule(kinds: element.kinds, minimumEpisodes: element.minimumEpisodes, impacts: element.impacts, offence: offence)
                : nil
            anyOf = element.anyOf?.map {
                AlternativeRule(kinds: $0.kinds, minimumEpisodes: $0.minimumEpisodes, impacts: $0.impacts, offence: offence)
            }
        }
        if let threshold, element.impacts == nil, element.anyOf == nil {
            let parts = Language.allCases.map { Phrases($0).countedNote(threshold: threshold) }
            note = .count(parts, written: parts.map { part in (0..<Self.notesWritten).map { part.before + String($0) + part.after } })
        } else {
            note = .fixed(Language.allCases.map { language in
                ElementStatus.allCases.map { Phrases(language).elementNote(element, status: $0) }
            })
        }
    }

    /// Count notes are written out in advance for up to this many episodes.
    static let notesWritten = 64

    static func value(of threshold: Threshold, _ offence: Offence) -> Int {
        switch threshold {
        case .literal(let n): n
        case .parameter(let name): offence.parameters[name]?.value ?? 1
        }
    }

    /// The note on the element's result in a language.
    func note(_ status: ElementStatus, support: Int, language: Language) -> String {
        switch note {
        case .fixed(let byLanguage):
            return byLanguage[language.position][status.position]
        case .count(let byLanguage, let written):
            if support < Self.notesWritten { return written[language.position][support] }
            let (before, after) = byLanguage[language.position]
            return TextWriter.text(capacity: before.utf8.count + after.utf8.count + 20) { out in
                out.write(before)
                out.write(number: support)
                out.write(after)
            }
        }
    }
}

/// An element's note: fixed by status, or the count of episodes between two texts (by language,
/// with the notes for small counts written out).
enum ElementNote: Sendable {
    case fixed([[String]])
    case count([(before: String, after: String)], written: [[String]])
}

/// An episode element as a test on one incident of the timeline.
struct EpisodeRule: Sendable {
    let kinds: UInt32?
    let againstWill: Bool?
    let violence: Bool?

    init(_ element: Element) {
        kinds = element.kinds.map(ImpactSet.kinds)
        againstWill = element.requires?["againstWill"]
        violence = element.requires?["violence"]
    }

    @inline(__always)
    func accepts(_ entry: Timeline.Entry) -> Bool {
        if let kinds, entry.kindBits & kinds == 0 { return false }
        if let againstWill, entry.againstWill != againstWill { return false }
        if let violence, entry.violence != violence { return false }
        return true
    }
}

/// A course element's rule (or one of its alternatives): enough counted episodes of its kinds,
/// with the impacts that show it (met) or hint at it (unknown).
struct AlternativeRule: Sendable {
    let kinds: UInt32?
    let needed: Int
    let metBits: UInt32?
    let hintBits: UInt32

    /// Impacts that show the element only on at least so many episodes.
    let repeated: [(bit: UInt32, episodes: Int)]

    init(kinds: [IncidentKind]?, minimumEpisodes: Threshold?, impacts: ImpactRule?, offence: Offence) {
        self.kinds = kinds.map(ImpactSet.kinds)
        needed = minimumEpisodes.map { ElementPlan.value(of: $0, offence) } ?? 1
        metBits = impacts.map { ImpactSet.impacts($0.met) }
        repeated = (impacts?.repeated ?? []).map { (ImpactSet.impacts([$0.impact]), $0.episodes) }
        hintBits = impacts.map { ImpactSet.impacts($0.met + ($0.unknown ?? []) + ($0.repeated ?? []).map(\.impact)) } ?? 0
    }

    func evaluate(counted: [Int], timeline t: Timeline) -> (ElementStatus, [Int]) {
        let pool = kinds.map { kinds in t.select(counted) { $0.kindBits & kinds != 0 } } ?? counted
        guard var metBits else { return pool.count >= needed ? (.met, pool) : (.notMet, pool) }
        // A repeated impact recorded on enough episodes counts as a met one.
        for (bit, episodes) in repeated where pool.reduce(0, { t.entries[$1].impactBits & bit != 0 ? $0 + 1 : $0 }) >= episodes {
            metBits |= bit
        }
        let met = t.select(pool) { $0.impactBits & metBits != 0 }
        if met.count >= needed { return (.met, met) }
        let hinted = t.select(pool) { $0.impactBits & hintBits != 0 }
        if hinted.count >= needed, !hinted.isEmpty { return (.unknown, hinted) }
        return (.notMet, met)
    }
}

extension Language {
    /// 0, 1, 2 in `allCases` order, for tables by language.
    var position: Int {
        switch self {
        case .ru: 0
        case .kk: 1
        case .en: 2
        }
    }
}

extension ElementStatus {
    var position: Int {
        switch self {
        case .met: 0
        case .notMet: 1
        case .unknown: 2
        }
    }
}
