import Domain
import Fluent
import Foundation

/// Users: add, find, change. Passwords arrive hashed; hashing belongs to the web layer.
public struct UserStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// After this many failed sign-ins in a row, from all sources together, an account is locked
    /// for `lockDuration` (one source is shut out of it after five: see the server's limiter).
    public static let lockAfterFailures = 50
    public static let lockDuration: Int64 = 15 * 60 * 1000

    public func count() async throws -> Int { try await UserModel.query(on: db).count() }

    public func create(username: String, displayName: String, role: Role, unit: String?, passwordHash: String,
                       mustChangePassword: Bool) async throws -> UserAccount {
        guard try await UserModel.query(on: db).filter(\.$username == username).first() == nil else {
            throw ValidationFailure([ValidationProblem(pointer: "/username", message: "the username \"\(username)\" is taken", code: .usernameTaken,
                                                       values: ["value": username])])
        }
        let model = UserModel()
        model.id = UUID()
        model.username = username
        model.displayName = displayName
        model.role = role.rawValue
        model.unit = unit
        model.passwordHash = passwordHash
        model.mustChangePassword = mustChangePassword
        model.disabled = false
        model.failedAttempts = 0
        model.createdAt = nowMilliseconds()
        try await model.create(on: db)
        return try model.account()
    }

    public func get(_ id: UUID) async throws -> UserAccount { try await model(id).account() }

    /// The display names of these users (those that exist).
    public func displayNames(_ ids: Set<UUID>) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return try await UserModel.query(on: db).filter(\.$id ~~ ids).all().reduce(into: [:]) { $0[try $1.requireID()] = $1.displayName }
    }

    /// The user and their password hash, for signing in.
    public func credentials(username: String) async throws -> (UserAccount, passwordHash: String)? {
        guard let model = try await UserModel.query(on: db).filter(\.$username == username).first() else { return nil }
        return (try model.account(), model.passwordHash)
    }

    public func find(username: String) async throws -> UserAccount {
        guard let model = try await UserModel.query(on: db).filter(\.$username == username).first() else {
            throw DomainError.notFound("user \(username)")
        }
        return try model.account()
    }

    public func list() async throws -> [UserAccount] {
        try await UserModel.query(on: db).sort(\.$username).all().map { try $0.account() }
    }

    public func setPassword(_ id: UUID, hash: String, mustChange: Bool) async throws {
        let model = try await model(id)
        model.passwordHash = hash
        model.mustChangePassword = mustChange
        model.failedAttempts = 0
        model.lockedUntil = nil
        try await model.update(on: db)
    }

    public func update(_ id: UUID, role: Role?, unit: String??, displayName: String?, disabled: Bool?) async throws -> UserAccount {
        let model = try await model(id)
        if let role { model.role = role.rawValue }
        if let unit { model.unit = unit }
        if let displayName { model.displayName = displayName }
        if let disabled { model.disabled = disabled }
        try await model.update(on: db)
        return try model.account()
    }

    /// Counts a failed sign-in; returns true when this failure locked the account.
    public func noteFailedSignIn(_ id: UUID, now: Int64) async throws -> Bool {
        let model = try await model(id)
        model.failedAttempts += 1
        let locks = model.failedAttempts >= Self.lockAfterFailures
        if locks {
            model.lockedUntil = now + Self.lockDuration
            model.failedAttempts = 0
        }
        try await model.update(on: db)
        return locks
    }

    public func noteSignIn(_ id: UUID) async throws {
        let model = try await model(id)
        guard model.failedAttempts != 0 || model.lockedUntil != nil else { return }
        model.failedAttempts = 0
        model.lockedUntil = nil
        try await model.update(on: db)
    }

    private func model(_ id: UUID) async throws -> UserModel {
        guard let model = try await UserModel.find(id, on: db) else { throw DomainError.notFound("user") }
        return model
    }
}

extension UserModel {
    func account() throws -> UserAccount {
        guard let role = Role(rawValue: role) else { throw DomainError.notFound("role \(role)") }
        return UserAccount(id: try requireID(), username: username, displayName: displayName, role: role, unit: unit,
                           mustChangePassword: mustChangePassword, disabled: disabled, lockedUntil: lockedUntil,
                           createdAt: createdAt, secondFactorSince: secondFactorSince)
    }
}
