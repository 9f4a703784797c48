import Domain
import Fluent
import Foundation
import HummingbirdBcrypt
import Store

/// Users' accounts: making them, their passwords, signing in with the lock after repeated
/// failures. Shared by the API, the sign-in pages and the command line.
public struct Accounts: Sendable {
    let db: any Database
    /// bcrypt's cost: 12 in production (about a quarter of a second a hash), lower in tests.
    let cost: Int
    /// The server's limits on guessing (none for the command line).
    let limiter: (any SignInGuard)?

    public init(db: any Database, cost: Int, limiter: (any SignInGuard)? = nil) {
        self.db = db; self.cost = cost; self.limiter = limiter
    }

    /// bcrypt's cost from `QORGAU_BCRYPT_COST` (10 to 16), 12 when it is not set.
    public static func cost(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        guard let raw = environment["QORGAU_BCRYPT_COST"] else { return 12 }
        guard let cost = Int(raw), (10...16).contains(cost) else {
            throw ConfigurationError("QORGAU_BCRYPT_COST must be a number from 10 to 16; got \"\(raw)\"")
        }
        return cost
    }

    public enum SignIn: Sendable {
        case signedIn(UserAccount)
        /// Wrong username or password, a disabled account, or a locked one: the caller says the same for all.
        case refused
    }

    /// Makes a user. Without a password a one-time password is made, returned, and must be
    /// changed at first sign-in.
    public func create(username: String, displayName: String, role: Role, unit: String?, password: String?,
                       by actor: String) async throws -> (UserAccount, oneTimePassword: String?) {
        try Self.checkUsername(username)
        let oneTime = password == nil ? Self.oneTimePassword() : nil
        let chosen = password ?? oneTime!
        if password != nil, let problem = PasswordPolicy.problem(with: chosen, username: username) {
            throw ValidationFailure(pointer: "/password", message: problem)
        }
        if let unit { try await UnitStore(db: db).ensure(unit, now: nowMilliseconds()) } // the command line's and the demo's users
        let user = try await UserStore(db: db).create(username: username, displayName: displayName, role: role, unit: unit,
                                                      passwordHash: try await hash(chosen), mustChangePassword: oneTime != nil)
        try await AuditStore(db: db).append(actor: actor, action: "user.created", target: user.id.apiString,
                                            detail: "role \(role.rawValue)")
        return (user, oneTime)
    }

    /// Why a password change is refused, besides the policy (the pages put them in their language).
    public static let wrongCurrent = "the current password is not right"
    public static let tooManyWrong = "too many wrong passwords: try again in \(UserStore.lockDuration / 60_000) minutes"
    public static let sameAsCurrent = "the new password must differ from the current one"

    /// Sets a new password the user chose (after checking the current one, when given). Every
    /// session ends and every API token is revoked: whoever knew the old password may have made
    /// one. A wrong current password counts toward the lock like a failed sign-in, and is audited.
    /// Returns how many tokens were revoked.
    @discardableResult
    public func changePassword(of user: UserAccount, current: String?, new: String, by actor: String) async throws -> Int {
        if let current {
            let users = UserStore(db: db)
            guard let (account, stored) = try await users.credentials(username: user.username) else { throw DomainError.notFound("user") }
            let right = try await verify(current, stored) // constant work: checked even while locked
            if let until = account.lockedUntil, until > nowMilliseconds() {
                try await AuditStore(db: db).append(actor: actor, action: "password.change.locked", target: user.id.apiString)
                throw ValidationFailure(pointer: "/currentPassword", message: Self.tooManyWrong)
            }
            guard right else {
                let locked = try await users.noteFailedSignIn(user.id, now: nowMilliseconds())
                try await AuditStore(db: db).append(actor: actor, action: locked ? "account.locked" : "password.change.failed",
                                                    target: user.id.apiString, detail: "wrong current password")
                throw ValidationFailure(pointer: "/currentPassword", message: Self.wrongCurrent)
            }
            if current == new { throw ValidationFailure(pointer: "/newPassword", message: Self.sameAsCurrent) }
        }
        if let problem = PasswordPolicy.problem(with: new, username: user.username) {
            throw ValidationFailure(pointer: "/newPassword", message: problem)
        }
        return try await setPassword(of: user, hash: try await hash(new), mustChange: false, action: "password.changed", by: actor)
    }

    /// Gives a user a new one-time password (an administrator's reset): their sessions end and
    /// their API tokens are revoked. Returns the password and how many tokens were revoked.
    public func resetPassword(of user: UserAccount, by actor: String) async throws -> (password: String, tokensRevoked: Int) {
        let oneTime = Self.oneTimePassword()
        return (oneTime, try await setPassword(of: user, hash: try await hash(oneTime), mustChange: true, action: "password.reset", by: actor))
    }

    /// A new password hash in one transaction with its consequences: every session ends and every
    /// API token is revoked (whoever knew the old password may have made one). Returns how many.
    private func setPassword(of user: UserAccount, hash: String, mustChange: Bool, action: String, by actor: String) async throws -> Int {
        try await db.transaction { db in
            try await UserStore(db: db).setPassword(user.id, hash: hash, mustChange: mustChange)
            try await SessionStore(db: db).deleteAll(of: user.id)
            let revoked = try await TokenStore(db: db).revokeAll(of: user.id, now: nowMilliseconds())
            // a device subscribed by whoever knew the old password would go on hearing her warnings
            let devices = try await PushSubscriptionStore(db: db).removeAll(of: user.id)
            try await AuditStore(db: db).append(actor: actor, action: action, target: user.id.apiString,
                                                detail: "sessions ended, \(revoked) API tokens revoked, \(devices) push devices forgotten")
            return revoked
        }
    }

    /// Disables or enables an account; disabling ends its sessions and revokes its tokens.
    public func setDisabled(_ user: UserAccount, _ disabled: Bool, by actor: String) async throws -> UserAccount {
        let updated = try await UserStore(db: db).update(user.id, role: nil, unit: nil, displayName: nil, disabled: disabled)
        if disabled {
            try await SessionStore(db: db).deleteAll(of: user.id)
            try await TokenStore(db: db).revokeAll(of: user.id, now: nowMilliseconds())
            _ = try await PushSubscriptionStore(db: db).removeAll(of: user.id)
        }
        try await AuditStore(db: db).append(actor: actor, action: disabled ? "user.disabled" : "user.enabled", target: user.id.apiString)
        return updated
    }

    /// Checks a username and password. On the server, repeated failures from one source shut that
    /// source out of the account for a while (the `SignInGuard`'s numbers); `UserStore.lockAfterFailures` from all
    /// sources together lock the account itself; while locked even the right password is
    /// refused. Every path does the same work (one bcrypt check), so the time of the answer does
    /// not tell whether a username exists or is locked. Every outcome is audited.
    public func signIn(username: String, password: String, from address: String?) async throws -> SignIn {
        let users = UserStore(db: db), audit = AuditStore(db: db)
        let source = address ?? "local"
        guard let (user, stored) = try await users.credentials(username: username) else {
            _ = try await verify(password, try await Self.decoy(cost: cost, accounts: self))
            try await audit.append(actor: "anonymous", action: "signIn.failed", detail: "unknown username from \(source)")
            return .refused
        }
        let right = try await verify(password, stored)
        let now = nowMilliseconds(), account = user.id.apiString
        if let until = user.lockedUntil, until > now {
            try await audit.append(actor: "anonymous", action: "signIn.locked", target: account,
                                   detail: "attempt while locked from \(source)")
            return .refused
        }
        if limiter?.isLocked(account: account, source: source, now: now) == true {
            try await audit.append(actor: "anonymous", action: "signIn.locked", target: account,
                                   detail: "attempt from \(source), shut out after \(limiter?.failuresPerSource ?? 0) failures")
            return .refused
        }
        guard right, !user.disabled else {
            let sourceLocked = limiter?.fail(account: account, source: source, now: now) ?? false
            if try await users.noteFailedSignIn(user.id, now: now) {
                try await audit.append(actor: "anonymous", action: "account.locked", target: account,
                                       detail: "\(UserStore.lockAfterFailures) failed sign-ins; locked for \(UserStore.lockDuration / 60_000) minutes")
            } else if sourceLocked {
                try await audit.append(actor: "anonymous", action: "signIn.sourceLocked", target: account,
                                       detail: "\(limiter?.failuresPerSource ?? 0) failed sign-ins from \(source); it is shut out for \((limiter?.sourceLockMs ?? 0) / 60_000) minutes")
            } else {
                try await audit.append(actor: "anonymous", action: "signIn.failed", target: account,
                                       detail: user.disabled ? "disabled account" : "wrong password from \(source)")
            }
            return .refused
        }
        limiter?.succeed(account: account, source: source)
        try await users.noteSignIn(user.id)
        try await audit.append(actor: user.id.apiString, action: "signIn", target: user.id.apiString)
        return .signedIn(try await users.get(user.id))
    }

    /// A bcrypt hash (`$2b$`, as Vapor's made before, so stored hashes keep verifying). The cost
    /// is bcrypt's 4 to 31 (the server's settings take 10 to 16; tests use 4).
    public func hash(_ password: String) async throws -> String {
        let cost = UInt8(clamping: max(4, min(31, self.cost)))
        if let limiter { return try await limiter.hash { Bcrypt.hash(password, cost: cost) } }
        return await Task.detached { Bcrypt.hash(password, cost: cost) }.value
    }

    public func verify(_ password: String, _ hash: String) async throws -> Bool {
        if let limiter { return try await limiter.hash { Bcrypt.verify(password, hash: hash) } }
        return await Task.detached { Bcrypt.verify(password, hash: hash) }.value
    }

    /// Makes the decoy hash ahead of the first unknown username (so that that one costs no more).
    public func prepare() async { _ = try? await Self.decoy(cost: cost, accounts: self) }

    /// A hash at this cost of a password nobody has, checked for an unknown username so that it
    /// costs what a real one does.
    private static func decoy(cost: Int, accounts: Accounts) async throws -> String {
        if let known = Decoys.shared.get(cost) { return known }
        let made = try await accounts.hash(Accounts.oneTimePassword())
        Decoys.shared.put(cost, made)
        return made
    }

    private final class Decoys: @unchecked Sendable {
        static let shared = Decoys()
        private let lock = NSLock()
        private var hashes: [Int: String] = [:]
        func get(_ cost: Int) -> String? { lock.withLock { hashes[cost] } }
        func put(_ cost: Int, _ hash: String) { lock.withLock { hashes[cost] = hash } }
    }

    public static func checkUsername(_ username: String) throws {
        let allowed = CharacterSet.lowercaseLetters.union(.decimalDigits).union(CharacterSet(charactersIn: "._-"))
        guard (3...64).contains(username.count), username.unicodeScalars.allSatisfy(allowed.contains) else {
            throw ValidationFailure([ValidationProblem(pointer: "/username", message: "a username has 3 to 64 characters: lowercase letters, digits, '.', '_' or '-'",
                                                       code: .usernameFormat)])
        }
    }

    /// 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
    public static func oneTimePassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

