/// The roles of the people who use Qorgau. A role decides which routes a user may call
/// (`Permission`); the scope decides which cases.
public enum Role: String, Vocabulary {
    public static let vocabularyName = "role"

    /// Her own cases only: she logs incidents and sees her orders' status.
    case victim
    /// The cases of their unit.
    case officer
    /// The cases assigned to them.
    case investigator
    /// The cases before their court (assigned to them).
    case judge
    /// The compensation-fund ledger; no case content.
    case fundOfficer
    /// Users and their units; no case content.
    case administrator
    /// The audit log, read-only.
    case auditor
    /// A monitoring gateway (the system that relays bracelets' and phones' pings): posts pings,
    /// sees nothing.
    case gateway

    /// Whether a user of this role sees cases through grants of single cases (not a unit).
    public var seesGrantedCases: Bool { [.victim, .investigator, .judge].contains(self) }
}
