import Domain
import Fluent
import Foundation
import Store
import Vapor

/// Users' accounts: making them, their passwords, signing in with the lock after repeated
/// failures. Shared by the API, the sign-in pages and the command line.
public struct Accounts: Sendable {
    let db: any Database
    /// bcrypt's cost: 12 in production (about a quarter of a second a hash), lower in tests.
    let cost: Int

    public init(db: any Database, cost: Int) { self.db = db; self.cost = cost }

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
        let user = try await UserStore(db: db).create(username: username, displayName: displayName, role: role, unit: unit,
                                                      passwordHash: try await hash(chosen), mustChangePassword: oneTime != nil)
        try await AuditStore(db: db).append(actor: actor, action: "user.created", target: user.id.apiString,
                                            detail: "role \(role.rawValue)")
        return (user, oneTime)
    }

    /// Sets a new password the user chose (after checking the current one, when given).
    public func changePassword(of user: UserAccount, current: String?, new: String, by actor: String) async throws {
        if let current {
            guard let (_, stored) = try await UserStore(db: db).credentials(username: user.username),
                  try await verify(current, stored) else {
                throw ValidationFailure(pointer: "/currentPassword", message: "the current password is not right")
            }
            if current == new { throw ValidationFailure(pointer: "/newPassword", message: "the new password must differ from the current one") }
        }
        if let problem = PasswordPolicy.problem(with: new, username: user.username) {
            throw ValidationFailure(pointer: "/newPassword", message: problem)
        }
        try await UserStore(db: db).setPassword(user.id, hash: try await hash(new), mustChange: false)
        try await SessionStore(db: db).deleteAll(of: user.id)
        try await AuditStore(db: db).append(actor: actor, action: "password.changed", target: user.id.apiString)
    }

    /// Gives a user a new one-time password (an administrator's reset): their sessions end.
    public func resetPassword(of user: UserAccount, by actor: String) async throws -> String {
        let oneTime = Self.oneTimePassword()
        try await UserStore(db: db).setPassword(user.id, hash: try await hash(oneTime), mustChange: true)
        try await SessionStore(db: db).deleteAll(of: user.id)
        try await AuditStore(db: db).append(actor: actor, action: "password.reset", target: user.id.apiString)
        return oneTime
    }

    /// Disables or enables an account; disabling ends its sessions and revokes its tokens.
    public func setDisabled(_ user: UserAccount, _ disabled: Bool, by actor: String) async throws -> UserAccount {
        let updated = try await UserStore(db: db).update(user.id, role: nil, unit: nil, displayName: nil, disabled: disabled)
        if disabled {
            try await SessionStore(db: db).deleteAll(of: user.id)
            try await TokenStore(db: db).revokeAll(of: user.id, now: nowMs())
        }
        try await AuditStore(db: db).append(actor: actor, action: disabled ? "user.disabled" : "user.enabled", target: user.id.apiString)
        return updated
    }

    /// Checks a username and password. Five failures in a row lock the account for 15 minutes;
    /// while locked even the right password is refused. Every outcome is audited.
    public func signIn(username: String, password: String, from address: String?) async throws -> SignIn {
        let users = UserStore(db: db), audit = AuditStore(db: db)
        guard let (user, stored) = try await users.credentials(username: username) else {
            _ = try await hash(password) // as much work as checking a real user's: no timing tell
            try await audit.append(actor: "anonymous", action: "signIn.failed", detail: "unknown username from \(address ?? "?")")
            return .refused
        }
        let now = nowMs()
        if let until = user.lockedUntil, until > now {
            try await audit.append(actor: "anonymous", action: "signIn.locked", target: user.id.apiString,
                                   detail: "attempt while locked from \(address ?? "?")")
            return .refused
        }
        guard try await verify(password, stored), !user.disabled else {
            if try await users.noteFailedSignIn(user.id, now: now) {
                try await audit.append(actor: "anonymous", action: "account.locked", target: user.id.apiString,
                                       detail: "\(UserStore.lockAfterFailures) failed sign-ins; locked for \(UserStore.lockDuration / 60_000) minutes")
            } else {
                try await audit.append(actor: "anonymous", action: "signIn.failed", target: user.id.apiString,
                                       detail: user.disabled ? "disabled account" : "wrong password from \(address ?? "?")")
            }
            return .refused
        }
        try await users.noteSignIn(user.id)
        try await audit.append(actor: user.id.apiString, action: "signIn", target: user.id.apiString)
        return .signedIn(try await users.get(user.id))
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await Task.detached { try Bcrypt.hash(password, cost: cost) }.value
    }

    func verify(_ password: String, _ hash: String) async throws -> Bool {
        try await Task.detached { (try? Bcrypt.verify(password, created: hash)) ?? false }.value
    }

    static func checkUsername(_ username: String) throws {
        let allowed = CharacterSet.lowercaseLetters.union(.decimalDigits).union(CharacterSet(charactersIn: "._-"))
        guard (3...64).contains(username.count), username.unicodeScalars.allSatisfy(allowed.contains) else {
            throw ValidationFailure(pointer: "/username",
                                    message: "a username has 3 to 64 characters: lowercase letters, digits, '.', '_' or '-'")
        }
    }

    /// 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
    static func oneTimePassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
