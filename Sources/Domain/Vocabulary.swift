/// The fixed vocabularies of the case file (contract: CASEFILE.md). Raw values are the wire words.
public protocol Vocabulary: RawRepresentable, CaseIterable, Codable, Hashable, Sendable where RawValue == String {
    /// The name used in error messages, e.g. "kind".
    static var vocabularyName: String { get }
}

extension Vocabulary {
    /// All the words of the vocabulary, in declaration order, for messages and documentation.
    public static var words: [String] { allCases.map(\.rawValue) }
}

public enum PersonRole: String, Vocabulary {
    case victim, respondent, witness, applicant
    public static let vocabularyName = "role"
}

public enum Relationship: String, Vocabulary {
    case spouse, formerSpouse, partner, formerPartner, relative, colleague, acquaintance, neighbour, stranger, other
    public static let vocabularyName = "relationshipToVictim"
}

public enum IncidentKind: String, Vocabulary {
    case contact, tracking, threat, privacyIntrusion, publicConflict, propertyDamage, violence, other
    public static let vocabularyName = "kind"
}

public enum IncidentChannel: String, Vocabulary {
    case inPerson, phoneCall, sms, messenger, socialNetwork, email, thirdParty, gpsTracker, other
    public static let vocabularyName = "channel"
}

public enum Impact: String, Vocabulary {
    case fear, changedResidence, changedJob, soughtProtection, psychologicalOrMedicalHelp, lostIncome, restrictedMovement
    public static let vocabularyName = "impact"
}

public enum ReportedBy: String, Vocabulary {
    case victim, officer, witness, monitoring
    public static let vocabularyName = "reportedBy"
}

public enum OrderType: String, Vocabulary {
    /// Police protective order (KZ: защитное предписание).
    case protectiveOrder
    /// Court special requirements (KZ: особые требования, КоАП art. 54).
    case specialRequirements
    /// England & Wales Stalking Protection Order.
    case stalkingProtectionOrder
    public static let vocabularyName = "type"
}

public enum ProceedingStage: String, Vocabulary {
    case preTrial, inCourt, decided, closed
    public static let vocabularyName = "stage"
}

public enum VerdictOutcome: String, Vocabulary {
    case guilty, acquitted
    public static let vocabularyName = "outcome"
}

public enum PunishmentType: String, Vocabulary {
    case fine, correctionalWorks, communityService, arrest, imprisonment
    public static let vocabularyName = "type"
}

public enum AdministrativeSanctionType: String, Vocabulary {
    case fine, arrest, warning
    public static let vocabularyName = "type"
}

public enum DeviceKind: String, Vocabulary {
    case bracelet, phone
    public static let vocabularyName = "kind"
}

public enum CaseStatus: String, Vocabulary {
    case open, closed
    public static let vocabularyName = "status"
}

extension ProceedingStage {
    /// Where a proceeding may go from each stage: to court or closed before trial; decided,
    /// closed, or sent back for further investigation from court; closed once decided.
    public static let transitions: [ProceedingStage: [ProceedingStage]] = [
        .preTrial: [.inCourt, .closed],
        .inCourt: [.decided, .closed, .preTrial],
        .decided: [.closed],
        .closed: [],
    ]

    public func canMove(to next: ProceedingStage) -> Bool { Self.transitions[self]?.contains(next) ?? false }
}
