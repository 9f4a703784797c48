import Foundation

/// Who is acting, and which cases they may see. Every store query takes the scope; the web layer
/// builds the principal from a session or a token, the command line acts as the local operator.
public struct Principal: Sendable, Equatable {
    /// A stable, non-identifying name for logs and audit records (a user id, "cli", "system").
    public var subject: String
    /// The signed-in user's role; nil for the command line and the system itself.
    public var role: Role?
    public var scope: CaseScope
    /// False for a read-only API token: it may call only GET routes.
    public var mayWrite: Bool

    public init(subject: String, role: Role? = nil, scope: CaseScope, mayWrite: Bool = true) {
        self.subject = subject; self.role = role; self.scope = scope; self.mayWrite = mayWrite
    }

    /// The local operator at the command line, who owns the database file.
    public static let commandLine = Principal(subject: "cli", scope: .all)

    /// Whether this principal's role grants `permission`; the command line may do everything.
    public func may(_ permission: Permission) -> Bool {
        guard let role else { return true }
        return permission.roles.contains(role)
    }
}

/// The cases a principal may see: all of them, or those of some units plus some cases granted
/// one by one (a victim's own case, an investigator's or a judge's assignment).
public enum CaseScope: Sendable, Equatable {
    case all
    case limited(units: Set<String>, cases: Set<UUID>)

    /// No case at all (a fund officer, an administrator, an auditor).
    public static let none = CaseScope.limited(units: [], cases: [])

    /// Exactly these cases.
    public static func only(_ ids: Set<UUID>) -> CaseScope { .limited(units: [], cases: ids) }

    /// This scope with one more case in it: a request whose case was already found in scope
    /// carries it so that the stores need not look up the case's unit again.
    public func including(_ caseID: UUID) -> CaseScope {
        switch self {
        case .all: .all
        case .limited(let units, let cases): .limited(units: units, cases: cases.union([caseID]))
        }
    }

    /// Whether the case with this id, belonging to `unit`, is in scope.
    public func allows(_ caseID: UUID, unit: String?) -> Bool {
        switch self {
        case .all: true
        case .limited(let units, let cases): cases.contains(caseID) || unit.map(units.contains) == true
        }
    }
}
