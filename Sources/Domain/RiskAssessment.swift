import Foundation

/// The risk levels of Spain's VioGén, which Qorgau follows: an assessment computes one from the
/// answers; an officer may raise it, never lower it.
public enum RiskLevel: String, Vocabulary, Comparable {
    case notAssessed, low, medium, high, extreme
    public static let vocabularyName = "risk level"

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool { lhs.rank < rhs.rank }
}

/// One risk assessment of a case (case file `riskAssessments`).
public struct RiskAssessment: Codable, Equatable, Sendable {
    public var id: String
    /// The instrument's id, e.g. "S-DASH".
    public var instrument: String
    public var assessedAt: ZonedDateTime
    /// Who assessed (a user id, or a name in a file from elsewhere).
    public var assessor: String
    /// Question id → yes (true) or no (false); a question left out was not answered.
    public var answers: [String: Bool]
    public var computedLevel: RiskLevel
    public var level: RiskLevel
    /// Why the level was raised above the computed one (required then).
    public var reason: String?
    /// The incidents known when it was made: any other is new to it, however long ago it happened
    /// (victims often report late). Without this list, incidents after `assessedAt` are the new ones.
    public var knownIncidents: [String]?

    public init(id: String, instrument: String, assessedAt: ZonedDateTime, assessor: String, answers: [String: Bool],
                computedLevel: RiskLevel, level: RiskLevel, reason: String? = nil, knownIncidents: [String]? = nil) {
        self.id = id; self.instrument = instrument; self.assessedAt = assessedAt; self.assessor = assessor
        self.answers = answers; self.computedLevel = computedLevel; self.level = level; self.reason = reason
        self.knownIncidents = knownIncidents
    }
}
