import Domain
import Fluent
import Foundation

/// API bearer tokens: shown once when made, stored as SHA-256, expiring, revocable.
public struct TokenStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Token: Sendable, Codable, Equatable {
        public var id: UUID
        public var name: String
        public var mayWrite: Bool
        public var createdAt: Int64
        public var expiresAt: Int64
        public var revokedAt: Int64?
    }

    public enum Lookup: Sendable {
        case live(UserAccount, Token)
        case revoked(UserAccount, Token)
        case expired(UserAccount, Token)
        case unknown
    }

    /// Makes a token; the secret is returned here and never again.
    public func create(for userID: UUID, name: String, mayWrite: Bool, expiresAt: Int64, now: Int64) async throws -> (secret: String, token: Token) {
        let secret = Secret.make(prefix: "qgt_")
        let model = APITokenModel()
        model.id = UUID()
        model.userID = userID
        model.name = name
        model.tokenHash = Secret.hash(secret)
        model.mayWrite = mayWrite
        model.createdAt = now
        model.expiresAt = expiresAt
        try await model.create(on: db)
        return (secret, try model.token())
    }

    public func find(secret: String, now: Int64) async throws -> Lookup {
        guard let model = try await APITokenModel.query(on: db)
            .join(UserModel.self, on: \APITokenModel.$userID == \UserModel.$id)
            .filter(\.$tokenHash == Secret.hash(secret)).first() else { return .unknown }
        let account = try model.joined(UserModel.self).account(), token = try model.token()
        if model.revokedAt != nil { return .revoked(account, token) }
        if model.expiresAt <= now { return .expired(account, token) }
        return .live(account, token)
    }

    public func list(of userID: UUID) async throws -> [Token] {
        try await APITokenModel.query(on: db).filter(\.$userID == userID).sort(\.$createdAt).all().map { try $0.token() }
    }

    /// Revokes one of a user's tokens; another user's token is reported as not found.
    public func revoke(_ id: UUID, of userID: UUID, now: Int64) async throws -> Token {
        guard let model = try await APITokenModel.find(id, on: db), model.userID == userID else {
            throw DomainError.notFound("token")
        }
        if model.revokedAt == nil {
            model.revokedAt = now
            try await model.update(on: db)
        }
        return try model.token()
    }

    /// Revokes every live token of a user; returns how many there were.
    @discardableResult
    public func revokeAll(of userID: UUID, now: Int64) async throws -> Int {
        let count = try await APITokenModel.query(on: db).filter(\.$userID == userID).filter(\.$revokedAt == nil).count()
        try await APITokenModel.query(on: db).filter(\.$userID == userID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
        return count
    }
}

extension APITokenModel {
    func token() throws -> TokenStore.Token {
        .init(id: try requireID(), name: name, mayWrite: mayWrite, createdAt: createdAt, expiresAt: expiresAt, revokedAt: revokedAt)
    }
}
