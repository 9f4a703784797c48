import Domain

/// Where a case stands on risk at an instant: the current level, when the next assessment is
/// due and why, the measures for the level, the level's history, and the answers the case
/// suggests for a new assessment.
public struct RiskStatus: Codable, Equatable, Sendable {
    public var instrument: String
    public var at: ZonedDateTime
    /// The level of the latest assessment, or notAssessed.
    public var level: RiskLevel
    public var computedLevel: RiskLevel?
    public var assessment: String?
    public var assessedAt: ZonedDateTime?
    public var assessor: String?
    /// How many assessments the case has: a new one must say it saw this many (expectedVersion).
    public var version: Int
    /// Whether the instrument's rule of use holds (or the case was assessed already).
    public var applies: Bool
    /// When the next assessment is due; nil while the instrument does not apply.
    public var due: ZonedDateTime?
    public var dueNow: Bool
    /// Why it is due: the interval of the level and every event since the last assessment that
    /// calls for a new one, earliest first.
    public var reasons: [Reason]
    public var measures: [String]
    public var history: [Point]
    public var prefill: [Prefill]
    /// Figures this rests on that are not verified (the level rule's cut-offs, the levels' data).
    public var unverified: [String]

    public struct Reason: Codable, Equatable, Sendable {
        public enum Code: String, Codable, Sendable {
            case notAssessed, interval, threatOrViolence, orderViolation, monitoringAlert, respondentRelease
        }
        public var code: Code
        public var at: ZonedDateTime
        /// The incident or verdict (case-file id) behind it.
        public var record: String?
        public var text: String
    }

    public struct Point: Codable, Equatable, Sendable {
        public var assessment: String
        public var at: ZonedDateTime
        public var level: RiskLevel
    }

    public struct Prefill: Codable, Equatable, Sendable {
        public var question: String
        public var text: String
        /// What the case suggests; nil when it cannot tell (the officer must ask).
        public var answer: Bool?
        /// The incidents (or administrative cases) the suggestion comes from.
        public var sources: [String]
    }
}
