import Foundation

/// Who is acting, and which cases they may see. Every store query takes the scope, so that the
/// identity issue changes who gets which scope, not the queries.
public struct Principal: Sendable, Equatable {
    /// A stable, non-identifying name for logs and audit records (a user id, "cli", "system").
    public var subject: String
    public var scope: CaseScope

    public init(subject: String, scope: CaseScope) { self.subject = subject; self.scope = scope }

    /// The local operator at the command line, who owns the database file.
    public static let commandLine = Principal(subject: "cli", scope: .all)
}

public enum CaseScope: Sendable, Equatable {
    case all
    case only(Set<UUID>)

    public func allows(_ caseID: UUID) -> Bool {
        switch self {
        case .all: true
        case .only(let ids): ids.contains(caseID)
        }
    }
}
