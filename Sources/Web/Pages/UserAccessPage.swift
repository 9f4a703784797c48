import Domain
import Foundation
import Presentation
import Store
import Vapor

/// `GET /users/{id}/access`: an administrator's view of how one user is signed in — the live
/// browser sessions (when each began and was last used) and the API tokens — with ending every
/// session and revoking a token. Nothing of any case.
struct UserAccessPage {
    struct SessionView: Encodable { var started: String; var lastSeen: String }
    struct TokenView: Encodable { var id: String; var name: String; var scopes: String; var created: String; var expires: String; var state: String; var live: Bool }
    struct Context: Encodable {
        var frame: PageFrame; var id: String; var name: String; var username: String; var role: String
        var sessions: [SessionView]; var tokens: [TokenView]; var done: String?
    }

    func page(req: Request) async throws -> Response {
        let user = try await UserStore(db: req.db).get(try req.uuid("userID", what: "user"))
        let frame = try PageFrame.make(req)
        let t = frame.t
        let format = LocaleFormat(language: frame.lang, timeZone: TimeZone(identifier: "Asia/Almaty") ?? .current)
        func when(_ ms: Int64) -> String { format.dateTime(ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 0)) }
        let now = nowMilliseconds()
        let sessions = try await SessionStore(db: req.db).live(of: user.id, now: now).map { SessionView(started: when($0.createdAt), lastSeen: when($0.lastSeen)) }
        let tokens = try await TokenStore(db: req.db).list(of: user.id).sorted { $0.createdAt > $1.createdAt }.map { token in
            let live = token.revokedAt == nil && token.expiresAt > now
            let state = token.revokedAt.map { (t["access_token_revoked"] ?? "").replacingOccurrences(of: "{date}", with: when($0)) }
                ?? (token.expiresAt <= now ? t["access_token_expired"] ?? "" : t["access_token_live"] ?? "")
            return TokenView(id: token.id.apiString, name: token.name, scopes: t[token.mayWrite ? "token_read_write" : "token_read_only"] ?? "",
                             created: when(token.createdAt), expires: when(token.expiresAt), state: state, live: live)
        }
        let done = req.query[String.self, at: "done"].flatMap { ["ended", "revoked"].contains($0) ? t["access_done_\($0)"] : nil }
        return try await req.renderPage("user-access", Context(frame: frame, id: user.id.apiString, name: user.displayName, username: user.username,
                                                               role: t["userrole_\(user.role.rawValue)"] ?? user.role.rawValue,
                                                               sessions: sessions, tokens: tokens, done: done))
    }

    /// `POST /users/{id}/sessions/end`: every browser session of the user ends (their tokens stay).
    func endSessions(req: Request) async throws -> Response {
        let user = try await UserStore(db: req.db).get(try req.uuid("userID", what: "user"))
        try await SessionStore(db: req.db).deleteAll(of: user.id)
        try await AuditStore(db: req.db).append(actor: try req.principal.subject, action: "sessions.ended", target: user.id.apiString)
        return req.redirect(to: "/users/\(user.id.apiString)/access?done=ended")
    }

    /// `POST /users/{id}/tokens/{tokenID}/revoke`: one API token of the user.
    func revokeToken(req: Request) async throws -> Response {
        let user = try await UserStore(db: req.db).get(try req.uuid("userID", what: "user"))
        let id = try req.uuid("tokenID", what: "token")
        _ = try await TokenStore(db: req.db).revoke(id, of: user.id, now: nowMilliseconds())
        req.forgetCachedTokens()
        try await AuditStore(db: req.db).append(actor: try req.principal.subject, action: "token.revoked", target: id.apiString,
                                                detail: "of user \(user.id.apiString)")
        return req.redirect(to: "/users/\(user.id.apiString)/access?done=revoked#tokens")
    }
}
