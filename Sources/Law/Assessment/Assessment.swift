import Domain

/// The assessment of a case at a date (contract: CASEFILE.md, "The assessment"). It informs an
/// officer; it never decides guilt, and its text says so.
public struct Assessment: Codable, Equatable, Sendable {
    public var jurisdiction: String
    public var at: LocalDate
    public var packVersion: String
    public var language: Language
    public var offences: [OffenceAssessment]
    public var alsoConsider: [AlsoConsider]
    /// The next steps as sentences in `language`.
    public var nextSteps: [String]
    /// The same steps with a stable code and the incidents they concern, for programs.
    public var steps: [NextStep]
    public var disclaimer: String
}

public enum Conclusion: String, Codable, Sendable, CaseIterable {
    case grounds, insufficient, notApplicable
}

public enum ElementStatus: String, Codable, Sendable, CaseIterable {
    case met, notMet, unknown
}

public struct OffenceAssessment: Codable, Equatable, Sendable {
    public var offence: String
    public var title: String
    public var citation: String
    public var inForce: LocalDate
    public var conclusion: Conclusion
    public var elements: [ElementResult]
    public var episodes: Episodes
    public var limitation: LimitationResult
    public var sanction: SanctionResult
    public var mandatoryPaymentMrp: Int?
    /// Names of the unverified pack figures the conclusion rests on.
    public var unverified: [String]
    /// Readable prose in the assessment's language, citing the article.
    public var explanation: String
    /// The day the wording applied came into force, when the offence has had several (conduct is
    /// judged under the wording in force when it ended); `inForce` is then the first wording's.
    public var wording: LocalDate?
}

public struct ElementResult: Codable, Equatable, Sendable {
    public var element: String
    public var name: String
    public var status: ElementStatus
    public var incidents: [String]
    public var note: String
}

public struct Episodes: Codable, Equatable, Sendable {
    public var counted: [String]
    public var beforeInForce: [String]
    public var timeBarred: [String]
    /// Episodes of the conduct in time that an episode element keeps out, with why.
    public var excluded: [ExcludedEpisode]
    /// Episodes a verdict already judged (ne bis in idem): never counted again.
    public var adjudicated: [String]
    /// Counted episodes already sanctioned under the administrative code (an order's breach), so
    /// that an officer decides knowingly whether the same act is charged twice.
    public var administrativelySanctioned: [String]
    /// Episodes up to a verdict under the offence that it did not cover: the course it ended, not
    /// counted with the conduct that followed (which is a new course).
    public var beforeVerdict: [String]
}

public struct ExcludedEpisode: Codable, Equatable, Sendable {
    public var incident: String
    public var element: String

    public init(incident: String, element: String) { self.incident = incident; self.element = element }
}

public struct LimitationResult: Codable, Equatable, Sendable {
    public var earliestExpiry: LocalDate?
    /// The last day each counted episode (and each judged one whose verdict is not yet in force)
    /// can be prosecuted, soonest first.
    public var byEpisode: [EpisodeExpiry]
    /// The date the limitation was counted to: the assessment date (a verdict's entry into force
    /// stops the clock of the episodes it judged, which are no longer counted).
    public var countedTo: LocalDate
}

public struct EpisodeExpiry: Codable, Equatable, Sendable {
    public var incident: String
    public var expires: LocalDate
}

public struct SanctionResult: Codable, Equatable, Sendable {
    public var alternatives: [SanctionAlternative]
}

/// One principal punishment the offence allows, written as the contract shows:
/// `{"type": "fine", "minMrp": 25, "maxMrp": 200}`; an unlimited fine is `{"type": "fine", "unlimited": true}`.
public struct SanctionAlternative: Codable, Equatable, Sendable {
    public var type: String
    public var unit: String
    public var min: Int?
    public var max: Int?

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    var unitSuffix: String { unit.prefix(1).uppercased() + unit.dropFirst() }

    public init(type: String, unit: String, min: Int?, max: Int?) {
        self.type = type; self.unit = unit; self.min = min; self.max = max
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(type, forKey: Key("type"))
        try c.encode(unit, forKey: Key("unit"))
        if let min { try c.encode(min, forKey: Key("min" + unitSuffix)) }
        if let max { try c.encode(max, forKey: Key("max" + unitSuffix)) } else { try c.encode(true, forKey: Key("unlimited")) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        type = try c.decode(String.self, forKey: Key("type"))
        unit = try c.decode(String.self, forKey: Key("unit"))
        let suffix = unit.prefix(1).uppercased() + unit.dropFirst()
        min = try c.decodeIfPresent(Int.self, forKey: Key("min" + suffix))
        max = try c.decodeIfPresent(Int.self, forKey: Key("max" + suffix))
    }
}

public struct AlsoConsider: Codable, Equatable, Sendable {
    public var norm: String
    public var title: String
    public var incidents: [String]
    public var reason: String
    public var verified: Bool
}

public struct NextStep: Codable, Equatable, Sendable {
    public enum Code: String, Codable, Sendable {
        case registerCriminalCase, issueProtectiveOrder, referViolations, documentHarm, limitationSoon,
             keepLogging, collectMandatoryPayment, reviewUncharged
    }

    public var code: Code
    public var incidents: [String]
    public var text: String
}
