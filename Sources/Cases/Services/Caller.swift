import Domain
import Store

/// Who asks for a write: the principal every store checks scope against and, when someone signed
/// in, their account (the unit they work in, the role a grant is for). The command line has no
/// account: it owns the database and sees every case.
public struct Caller: Sendable {
    public var principal: Principal
    public var user: UserAccount?

    /// Someone signed in: the web always names the account.
    public init(principal: Principal, user: UserAccount) { self.principal = principal; self.user = user }

    private init(commandLine principal: Principal) { self.principal = principal; self.user = nil }

    /// The only caller without an account, and so the only one not held to a unit.
    public static let commandLine = Caller(commandLine: .commandLine)

    var isVictim: Bool { principal.role == .victim }
}
