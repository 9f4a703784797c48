import Cases
import Domain
import Store
import Vapor

/// `/api/v1/auth`: tokens for the API (made with a username and password), one's own account,
/// and changing one's password (a one-time password must be changed before anything else).
struct AuthController {
    /// Tokens live 90 days unless asked otherwise, at most a year.
    static let defaultDays = 90, maxDays = 365

    /// Body: `{"username", "password", "code" (the second factor's, for a user who has one), "name",
    /// "scopes": ["read", "write"] (opt), "expiresInDays": 90 (opt)}`. A user whose role requires a
    /// second factor sets it up in the browser before making a token.
    func createToken(req: Request) async throws -> Response {
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let username = body["username"].string(maxLength: 64)
        let password = body["password"].string(maxLength: 1000)
        let name = body["name"].string(maxLength: 200)
        let scopes = body["scopes"].array(required: false) { $0.string(maxLength: 10) } ?? ["read", "write"]
        let days = body["expiresInDays"].int(required: false, in: 1...Self.maxDays) ?? Self.defaultDays
        let code = body["code"].string(required: false, maxLength: 40)
        if let bad = scopes.first(where: { !["read", "write"].contains($0) }) {
            body["scopes"].fail("unknown scope \"\(bad)\" (expected read, write)")
        }
        if !scopes.contains("read") { body["scopes"].fail("a token needs the read scope") }
        try body.throwIfInvalid()
        let user = try await signIn(req, username: username!, password: password!)
        guard !user.mustChangePassword else {
            throw Abort(.forbidden, reason: "change your one-time password first (POST /api/v1/auth/password)")
        }
        if user.secondFactorSince != nil {
            var verdict = SecondFactor.Verdict.wrong
            if let code { verdict = try await SecondFactor.verify(code, of: user, req: req) }
            guard case .proven = verdict else {
                try await req.application.refusals.record(req, actor: user.id.apiString, action: "signIn.codeRefused", detail: "token")
                if verdict == .locked {
                    throw Abort(.tooManyRequests, reason: "too many wrong second-factor codes: try again in \(SecondFactorStore.lockDuration / 60_000) minutes")
                }
                throw Abort(.unauthorized, reason: "this user signs in with a second factor: send its current code (or a recovery code) as \"code\"")
            }
        } else if SecondFactor.mustEnrol(user, req.application) {
            throw Abort(.forbidden, reason: "your role requires a second factor: set it up in the browser (/account/second-factor) first")
        }
        let now = nowMilliseconds()
        let (secret, token) = try await TokenStore(db: req.db).create(
            for: user.id, name: name!, mayWrite: scopes.contains("write"), expiresAt: now + Int64(days) * 86_400_000, now: now)
        try await AuditStore(db: req.db).append(actor: user.id.apiString, action: "token.created", target: token.id.apiString)
        return try NewTokenResponse(token: secret, details: TokenResponse(token)).created(at: "/api/v1/auth/tokens/\(token.id.apiString)")
    }

    /// Body: `{"username", "currentPassword", "newPassword"}`.
    func changePassword(req: Request) async throws -> HTTPStatus {
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let username = body["username"].string(maxLength: 64)
        let current = body["currentPassword"].string(maxLength: 1000)
        let new = body["newPassword"].string(maxLength: 1000)
        try body.throwIfInvalid()
        let user = try await signIn(req, username: username!, password: current!)
        try await req.accounts.changePassword(of: user, current: current!, new: new!, by: user.id.apiString)
        req.forgetCachedTokens() // every token of the user was revoked with the old password
        return .noContent
    }

    func me(req: Request) async throws -> UserResponse { UserResponse(try req.signedIn.user) }

    func listTokens(req: Request) async throws -> PageResponse<TokenResponse> {
        let tokens = try await TokenStore(db: req.db).list(of: try req.signedIn.user.id)
        return PageResponse(items: tokens.map(TokenResponse.init), nextCursor: nil)
    }

    func revokeToken(req: Request) async throws -> TokenResponse {
        let id = try req.uuid("tokenID", what: "token")
        let user = try req.signedIn.user
        let token = try await TokenStore(db: req.db).revoke(id, of: user.id, now: nowMilliseconds())
        req.forgetCachedTokens()
        try await AuditStore(db: req.db).append(actor: user.id.apiString, action: "token.revoked", target: id.apiString)
        return TokenResponse(token)
    }

    private func signIn(_ req: Request, username: String, password: String) async throws -> UserAccount {
        try req.spendPasswordAttempt()
        guard case .signedIn(let user) = try await req.accounts.signIn(username: username, password: password,
                                                                         from: req.sourceAddress) else {
            throw Abort(.unauthorized, reason: "wrong username or password, or the account is locked after \(UserStore.lockAfterFailures) failed attempts (for \(UserStore.lockDuration / 60_000) minutes)")
        }
        return user
    }
}

struct NewTokenResponse: Content {
    /// The bearer token: shown here once, never again.
    var token: String
    var details: TokenResponse
}

struct TokenResponse: Content {
    var id: String
    var name: String
    var scopes: [String]
    var createdAt: String
    var expiresAt: String
    var revokedAt: String?

    init(_ token: TokenStore.Token) {
        id = token.id.apiString; name = token.name
        scopes = token.mayWrite ? ["read", "write"] : ["read"]
        createdAt = Timestamp.text(token.createdAt); expiresAt = Timestamp.text(token.expiresAt)
        revokedAt = token.revokedAt.map(Timestamp.text)
    }
}

struct UserResponse: Content {
    var id: String
    var username: String
    var displayName: String
    var role: String
    var unit: String?
    var mustChangePassword: Bool
    var disabled: Bool
    var lockedUntil: String?
    var createdAt: String
    /// Since when the user signs in with a second factor; absent when they do not.
    var secondFactorSince: String?

    init(_ user: UserAccount) {
        id = user.id.apiString; username = user.username; displayName = user.displayName; role = user.role.rawValue
        unit = user.unit; mustChangePassword = user.mustChangePassword; disabled = user.disabled
        lockedUntil = user.lockedUntil.flatMap { $0 > nowMilliseconds() ? Timestamp.text($0) : nil }
        createdAt = Timestamp.text(user.createdAt)
        secondFactorSince = user.secondFactorSince.map(Timestamp.text)
    }
}

/// Instants of the system's own records (not of a case), in UTC.
enum Timestamp {
    static func text(_ ms: Int64) -> String {
        ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 0).description
    }
}

extension Request {
    var accounts: Accounts {
        Accounts(db: db, cost: application.qorgauConfig.bcryptCost, limiter: application.storage[SignInLimiterKey.self])
    }
}
