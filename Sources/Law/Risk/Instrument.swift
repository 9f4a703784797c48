import Domain

/// A risk instrument as data (S-DASH first; a deployment adds its own): questions translated,
/// the rule of when it applies, what pre-fills each answer from the case, and the rule that
/// turns answers into a level.
public struct Instrument: Codable, Sendable, Equatable {
    public var id: String
    public var title: Localized
    public var source: String
    public var ruleOfUse: RuleOfUse
    public var questions: [Question]
    public var levelRule: LevelRule

    public struct RuleOfUse: Codable, Sendable, Equatable {
        /// The instrument applies from this many incidents…
        public var minIncidents: Int
        /// …or once an incident had this impact (before any assessment)…
        public var orImpact: Impact?
        /// …or once a past assessment answered this question yes.
        public var orYes: String?
    }

    public struct Question: Codable, Sendable, Equatable {
        public var id: String
        public var text: Localized
        /// Ways the case can suggest "yes"; any of them is enough. None: the officer must ask.
        public var prefill: [Matcher]?
    }

    /// Incidents (or records) that suggest a yes. Every field given must hold.
    public struct Matcher: Codable, Sendable, Equatable {
        public var kinds: [IncidentKind]?
        public var channels: [IncidentChannel]?
        public var impacts: [Impact]?
        /// The incident's violence flag.
        public var violence: Bool?
        /// Within `withinMeters` of one of the victim's places of these kinds (home, work).
        public var nearPlaces: [String]?
        public var withinMeters: Double?
        /// Yes only when more than this many matching incidents fall within one week.
        public var morePerWeekThan: Int?
        /// Yes when the case has administrative cases (earlier sanctioned harassment).
        public var administrativeCases: Bool?
    }

    public struct LevelRule: Codable, Sendable, Equatable {
        public var source: String
        public var verified: Bool
        public var rules: [Rule]

        /// The first rule that holds gives the level.
        public struct Rule: Codable, Sendable, Equatable {
            public var level: RiskLevel
            public var minYes: Int?
            public var allYes: [String]?
            public var anyYes: [String]?
        }
    }

    /// The level the answers give, by the first rule that holds.
    public func level(for answers: [String: Bool]) -> RiskLevel {
        let yes = Set(answers.filter(\.value).keys)
        for rule in levelRule.rules {
            if let minYes = rule.minYes, yes.count < minYes { continue }
            if let all = rule.allYes, !Set(all).isSubset(of: yes) { continue }
            if let any = rule.anyYes, Set(any).isDisjoint(with: yes) { continue }
            return rule.level
        }
        return .low
    }
}

/// The levels: measures to consider and how soon to assess again, and what makes an assessment
/// due at once.
public struct RiskLevels: Codable, Sendable, Equatable {
    public var source: String
    public var verified: Bool
    public var levels: [Level]
    public var reassessImmediatelyOn: Triggers

    public struct Level: Codable, Sendable, Equatable {
        public var level: RiskLevel
        public var reassessAfterHours: Int
        public var measures: [Localized]
    }

    public struct Triggers: Codable, Sendable, Equatable {
        public var incidentKinds: [IncidentKind]
        public var violenceFlag: Bool
        public var orderViolation: Bool
        public var monitoringAlert: Bool
        public var respondentRelease: Bool
    }

    public subscript(level: RiskLevel) -> Level? { levels.first { $0.level == level } }
}
