/// What a server adds to `Accounts`: bcrypt run on threads of its own with a bounded queue, and a
/// source shut out of an account after repeated wrong passwords. The command line has none.
public protocol SignInGuard: Sendable {
    /// How many wrong passwords from one source shut it out of the account.
    var failuresPerSource: Int { get }
    /// For how long, in milliseconds.
    var sourceLockMs: Int64 { get }
    /// Runs a hash or a check of one.
    func hash<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T
    func isLocked(account: String, source: String, now: Int64) -> Bool
    /// Counts a wrong password; true when it shuts the source out.
    func fail(account: String, source: String, now: Int64) -> Bool
    func succeed(account: String, source: String)
}
