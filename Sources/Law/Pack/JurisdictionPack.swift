import Domain

/// One jurisdiction's law as data (Resources/jurisdictions/CODE.yaml).
public struct JurisdictionPack: Codable, Sendable {
    public var code: String
    public var version: String
    public var name: Localized
    public var timeZone: String
    public var currency: String
    public var emergencyNumber: String?
    /// Where a victim can turn besides the police: national lines (a deployment adds its local
    /// crisis centres in its own copy of the pack), each with its source and whether it is verified.
    public var helpLines: [HelpLine]?
    /// The statutory unit fines are expressed in (KZ: MRP), with its value by period.
    public var unit: StatutoryUnit?
    /// Offence categories, least grave first.
    public var categories: [String]
    public var mandatoryPayment: MandatoryPaymentRule?
    public var offences: [Offence]
    public var alsoConsider: [RelatedNorm]
    public var measures: [ProtectiveMeasure]
    public var administrativeOffences: [AdministrativeOffence]?
    public var registrationNumberPattern: Figure<String>?
    /// When a verdict enters into force (and so stops the limitation of the episodes it covers).
    public var verdicts: VerdictRules?
    /// Offsets the host's time-zone data must give in the pack's zone: a missing change (Kazakhstan
    /// moved to UTC+5 on 1 March 2024) would put a late-evening incident on the wrong legal day.
    public var timeZoneChecks: [TimeZoneCheck]?

    public func offence(_ id: String) -> Offence? { offences.first { $0.id == id } }
}

public struct VerdictRules: Codable, Sendable {
    /// Days after its pronouncement a verdict may be appealed; unappealed, it enters into force
    /// the day after.
    public var appealDays: Figure<Int>
}


public struct HelpLine: Codable, Sendable {
    public var number: String
    public var name: Localized
    public var verified: Bool
    public var source: String
}

public struct StatutoryUnit: Codable, Sendable {
    public var id: String
    public var name: Localized
    public var values: [UnitValue]

    /// The value in force on `date`: the latest period that started on or before it.
    public func value(on date: LocalDate) -> UnitValue? {
        values.filter { $0.from <= date }.max { $0.from < $1.from }
    }
}

public struct UnitValue: Codable, Sendable, Hashable {
    public var from: LocalDate
    public var value: Int
    public var verified: Bool
    public var source: String
}

public struct MandatoryPaymentRule: Codable, Sendable {
    public var citation: String
    /// Days after the verdict the payment is due; overdue after that.
    public var dueDays: Figure<Int>?
    /// The day the due days run from: `verdict` (its pronouncement) or `final` (its entry into force).
    public var dueFrom: Figure<String>?
    /// The day whose unit value converts the payment into money: `verdict` or `final`.
    public var unitValueOn: Figure<String>?
    /// Amount in the statutory unit for each category.
    public var byCategory: [String: Figure<Int>]
}

public struct Offence: Codable, Sendable {
    public var id: String
    public var title: Localized
    public var citation: Citation
    public var category: String
    public var parameters: [String: Figure<Int>]
    public var elements: [Element]
    public var sanctions: [Sanction]
    /// Which day's unit value converts a fine: the day of the offence (KZ CC art. 41(1)).
    public var fineRateDate: String?
    public var limitation: Limitation?
    /// Earlier wordings of the offence, oldest first, each in force from its day until the next
    /// (or until `citation.inForce`, the current wording's day). Conduct is judged under the
    /// wording in force when it ended (StGB § 2(2)); before the first wording it is not this offence.
    public var wordings: [Wording]?

    /// The episode element that names the kinds of conduct the offence is about.
    public var conductElement: Element? { elements.first { $0.scope == .episode && $0.kinds != nil } }
}

/// An earlier wording of an offence: what it changes of the current one.
public struct Wording: Codable, Sendable {
    public var from: Figure<LocalDate>
    public var law: String
    public var parameters: [String: Figure<Int>]?
    public var elements: [Element]?
    public var sanctions: [Sanction]?
    public var limitation: Limitation?
}

extension Offence {
    /// Every wording as an offence of its own, oldest first, the current one last.
    public var allWordings: [Offence] {
        guard let wordings, !wordings.isEmpty else { return [self] }
        var versions: [Offence] = wordings.map { wording in
            var old = self
            old.citation.law = wording.law
            old.citation.inForce = wording.from
            if let parameters = wording.parameters { old.parameters = parameters }
            if let elements = wording.elements { old.elements = elements }
            if let sanctions = wording.sanctions { old.sanctions = sanctions }
            if let limitation = wording.limitation { old.limitation = limitation }
            old.wordings = nil
            return old
        }
        var current = self
        current.wordings = nil
        versions.append(current)
        return versions
    }
}

public struct Citation: Codable, Sendable {
    public var code: Localized
    public var article: String
    public var law: String
    public var inForce: Figure<LocalDate>
}

/// An element of the offence. Episode elements decide which incidents count; course elements
/// are judged over the counted episodes together.
public struct Element: Codable, Sendable {
    public enum Scope: String, Codable, Sendable { case episode, course }

    public var id: String
    public var scope: Scope
    public var name: Localized
    /// Episode: the incident's kind is one of these. Course: only episodes of these kinds are looked at.
    public var kinds: [IncidentKind]?
    /// Episode: flags the incident must have (againstWill: true, violence: false).
    public var requires: [String: Bool]?
    /// Course: at least this many episodes; an integer or the name of an offence parameter.
    public var minimumEpisodes: Threshold?
    /// Course: impacts recorded on the episodes that show the element (met) or hint at it (unknown).
    public var impacts: ImpactRule?
    /// Course: the element is met when any of these alternatives is.
    public var anyOf: [Alternative]?
}

public struct Alternative: Codable, Sendable {
    public var kinds: [IncidentKind]?
    public var minimumEpisodes: Threshold?
    public var impacts: ImpactRule?
}

public struct ImpactRule: Codable, Sendable {
    /// Impacts of which one episode shows the element.
    public var met: [Impact]
    /// Impacts that show it only when recorded on at least so many episodes (seeking protection
    /// repeatedly); on fewer they hint at it.
    public var repeated: [RepeatedImpact]?
    public var unknown: [Impact]?
    /// Reading consequences as the element is an interpretation of practice: its basis, its
    /// source, and whether it was checked.
    public var verified: Bool?
    public var basis: String?
    public var source: String?
}

public struct RepeatedImpact: Codable, Sendable {
    public var impact: Impact
    public var episodes: Int
}

/// A count given as a number or as the name of a pack parameter.
public enum Threshold: Codable, Sendable {
    case literal(Int)
    case parameter(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .literal(n) } else { self = .parameter(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .literal(let n): try c.encode(n)
        case .parameter(let name): try c.encode(name)
        }
    }
}

public struct Sanction: Codable, Sendable {
    /// fine, correctionalWorks, communityService, arrest, imprisonment.
    public var type: String
    /// mrp, hours, days, weeks, months, dailyRates, or a currency (gbp) for unlimited fines.
    public var unit: String
    public var min: Figure<Int>?
    public var max: Figure<Int>?
    public var verified: Bool?
    public var source: String?
}

public struct Limitation: Codable, Sendable {
    public var years: Figure<Int>?
    public var months: Figure<Int>?
    /// Where the period runs from: `episode` (each episode its own, the default) or `lastEpisode`
    /// (the last act of the course of conduct, for every episode of it).
    public var runsFrom: Figure<String>?
    public var note: Localized?

    public var fromLastEpisode: Bool { runsFrom?.value == "lastEpisode" }
}

public struct RelatedNorm: Codable, Sendable {
    public var norm: String
    public var title: Localized
    public var kinds: [IncidentKind]
    /// Incident flags that also bring the norm in (violence).
    public var flags: [String]?
    public var verified: Bool
}

public struct ProtectiveMeasure: Codable, Sendable {
    public var id: String
    public var orderType: OrderType
    public var title: Localized
    public var law: String
    /// The law's name in each language, for the text (`law` otherwise).
    public var lawTitle: Localized?
    public var termDays: Figure<Int>?
    public var minMonths: Figure<Int>?
    public var maxMonths: Figure<Int>?
    public var violation: String
    /// The respondent's relationships to the victim the measure covers (a domestic-violence order:
    /// family and household); absent, it covers anyone.
    public var relationships: Figure<[Relationship]>?

    /// Whether the measure can protect against a respondent in this relationship (unknown: yes).
    public func covers(_ relationship: Relationship?) -> Bool {
        guard let relationship, let relationships else { return true }
        return relationships.value.contains(relationship)
    }
}

public struct AdministrativeOffence: Codable, Sendable {
    public var id: String
    public var title: Localized
    public var sanctions: [Sanction]
    /// Whether `sanctions` is known to be every kind the article provides: when it is not, a
    /// sanction of another kind is kept with a warning (KZ: whether a warning is still among 461's
    /// penalties is unverified).
    public var sanctionKindsVerified: Bool?
    public var repeatWithinYearMonths: Figure<Int>?
}
