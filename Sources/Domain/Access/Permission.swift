/// What a route needs. Each route of the server names one permission (or none, if it is public);
/// the roles that hold each are listed here, in one place.
public enum Permission: String, CaseIterable, Sendable {
    /// The case header, its persons, incidents and orders (with their status and violations).
    case readCase
    /// Log a new incident.
    case logIncident
    /// Open cases, correct headers, add and correct persons and incidents.
    case editCase
    /// What officers and courts work with: histories, the case file, the assessment, deadlines,
    /// administrative cases, proceedings and verdicts.
    case readCaseRecords
    /// Issue, extend and revoke orders; record administrative cases.
    case manageOrders
    /// Register criminal proceedings and move them between stages.
    case manageProceedings
    /// Save a risk assessment.
    case assessRisk
    /// Record a verdict.
    case recordVerdict
    /// Record that a mandatory payment was paid.
    case recordPayment
    /// Import whole case files.
    case importCaseFiles
    /// Reports across the cases in scope: deadlines, a respondent across cases.
    case readReports
    /// The Victims Compensation Fund ledger.
    case readFundLedger
    /// Record that a mandatory payment in the Fund's ledger was received (its date and document).
    case recordFundPayment
    /// Grant and withdraw single users' access to a case.
    case manageCaseAccess
    /// Post monitoring pings.
    case ingestPings
    /// Report what became of a message a gateway was handed (an SMS delivered or not).
    case reportDeliveries
    /// Follow and acknowledge monitoring alerts.
    case handleAlerts
    /// Users: add, disable, reset passwords.
    case manageUsers
    /// The audit log.
    case readAudit
    /// One's own account: who am I, my tokens.
    case ownAccount

    public var roles: Set<Role> {
        switch self {
        case .readCase: [.victim, .officer, .investigator, .judge]
        case .logIncident: [.victim, .officer, .investigator]
        case .editCase: [.officer, .investigator]
        case .readCaseRecords: [.officer, .investigator, .judge]
        case .manageOrders: [.officer]
        case .manageProceedings: [.officer, .investigator]
        case .assessRisk: [.officer, .investigator]
        case .recordVerdict: [.officer, .judge]
        case .recordPayment: [.officer, .judge]
        case .importCaseFiles: [.officer]
        case .readReports: [.officer, .investigator, .judge]
        case .readFundLedger: [.fundOfficer, .officer]
        case .recordFundPayment: [.fundOfficer]
        case .manageCaseAccess: [.officer]
        case .ingestPings: [.gateway]
        case .reportDeliveries: [.gateway]
        case .handleAlerts: [.officer, .investigator]
        case .manageUsers: [.administrator]
        case .readAudit: [.auditor]
        case .ownAccount: Set(Role.allCases)
        }
    }
}
