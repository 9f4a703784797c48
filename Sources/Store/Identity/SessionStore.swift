import Domain
import Fluent
import Foundation

/// Browser sessions. The cookie holds a random secret; the table holds its SHA-256, so a copy of
/// the database does not hand out live sessions.
public struct SessionStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// A session unused this long is over.
    public static let idleTimeout: Int64 = 30 * 60 * 1000
    /// A session ends after this long however busy it is.
    public static let absoluteTimeout: Int64 = 12 * 60 * 60 * 1000

    public struct Session: Sendable {
        public var user: UserAccount
        public var csrfToken: String
    }

    public enum Lookup: Sendable {
        case live(Session)
        case expired(UserAccount)
        case unknown
    }

    /// Starts a session for a user; returns the cookie's secret and the CSRF token.
    public func create(for userID: UUID, now: Int64) async throws -> (secret: String, csrfToken: String) {
        let secret = Secret.make(prefix: "qs_")
        let model = SessionModel()
        model.id = Secret.hash(secret)
        model.userID = userID
        model.csrfToken = Secret.make()
        model.createdAt = now
        model.lastSeen = now
        try await model.create(on: db)
        return (secret, model.csrfToken)
    }

    /// The session a cookie's secret names, if it is still alive; an idle or old one is ended here.
    public func find(secret: String, now: Int64) async throws -> Lookup {
        guard let model = try await SessionModel.find(Secret.hash(secret), on: db),
              let user = try await UserModel.find(model.userID, on: db) else { return .unknown }
        let account = try user.account()
        if now - model.lastSeen > Self.idleTimeout || now - model.createdAt > Self.absoluteTimeout || account.disabled {
            try await model.delete(on: db)
            return .expired(account)
        }
        if now - model.lastSeen > 60_000 {
            model.lastSeen = now
            try await model.update(on: db)
        }
        return .live(Session(user: account, csrfToken: model.csrfToken))
    }

    public func delete(secret: String) async throws {
        try await SessionModel.query(on: db).filter(\.$id == Secret.hash(secret)).delete()
    }

    /// A user's live sessions, newest first: when each began and was last used (never its secret).
    public func live(of userID: UUID, now: Int64) async throws -> [(createdAt: Int64, lastSeen: Int64)] {
        try await SessionModel.query(on: db).filter(\.$userID == userID).sort(\.$createdAt, .descending).all()
            .filter { now - $0.lastSeen <= Self.idleTimeout && now - $0.createdAt <= Self.absoluteTimeout }
            .map { ($0.createdAt, $0.lastSeen) }
    }

    /// Ends every session of a user (a new password, a disabled account).
    public func deleteAll(of userID: UUID) async throws {
        try await SessionModel.query(on: db).filter(\.$userID == userID).delete()
    }
}
