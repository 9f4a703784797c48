import Domain
import Store
import Vapor

/// Who is making a request: a bearer token (the API) or a session cookie (the web pages). A
/// request without either gets 401 from the API and is sent to the sign-in page from the web.
/// Refusals are audited: an unknown, revoked or expired token, an ended session.
struct AuthenticationMiddleware: AsyncMiddleware {
    /// Web pages redirect an anonymous visitor to the sign-in page instead of answering 401.
    var redirectsToSignIn = false

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let signedIn = try await identify(request) {
            request.storage[SignedInKey.self] = signedIn
            return try await Auditing.$actor.withValue(signedIn.principal.subject) { try await next.respond(to: request) }
        }
        if redirectsToSignIn {
            if let user = request.storage[ExpiredSessionUserKey.self], let rescued = await DiaryDrafts.rescue(request, expired: user) {
                return rescued
            }
            let response = request.redirect(to: "/login")
            if QuickExit.marked(request) {
                response.cookies[SessionCookie.name] = SessionCookie.make("", for: request, maxAge: 0)
                QuickExit.forgetMark(request, response)
            }
            return response
        }
        throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"], reason: "sign in: send a bearer token (POST /api/v1/auth/tokens makes one)")
    }

    func identify(_ request: Request) async throws -> SignedIn? {
        let audit = request.application.refusals
        if let bearer = request.headers.bearerAuthorization?.token {
            let now = nowMilliseconds()
            if let cached = request.application.tokenCache.get(bearer, now: now) { return cached }
            switch try await TokenStore(db: request.db).find(secret: bearer, now: now) {
            case .live(let user, let token) where !user.disabled:
                let principal = try await AccessStore(db: request.db).principal(for: user, mayWrite: token.mayWrite)
                let signedIn = SignedIn(user: user, principal: principal, session: nil)
                request.application.tokenCache.put(bearer, signedIn, now: now, notAfter: token.expiresAt)
                return signedIn
            case .live(let user, _):
                try await audit.record(request, actor: user.id.apiString, action: "token.refused", detail: "disabled account")
            case .revoked(let user, let token):
                try await audit.record(request, actor: user.id.apiString, action: "token.refused", detail: "revoked token \(token.id.apiString)")
            case .expired(let user, let token):
                try await audit.record(request, actor: user.id.apiString, action: "token.refused", detail: "expired token \(token.id.apiString)")
            case .unknown:
                try await audit.record(request, actor: "anonymous", action: "token.refused", detail: "unknown token")
            }
            return nil
        }
        if let cookie = request.cookies[SessionCookie.name]?.string {
            if QuickExit.marked(request) { // she left by the quick exit: this session is over
                try await QuickExit.endSession(cookie, request)
                return nil
            }
            switch try await SessionStore(db: request.db).find(secret: cookie, now: nowMilliseconds()) {
            case .live(let session):
                let principal = try await AccessStore(db: request.db).principal(for: session.user)
                return SignedIn(user: session.user, principal: principal,
                                session: .init(secret: cookie, csrfToken: session.csrfToken))
            case .expired(let user):
                request.storage[ExpiredSessionUserKey.self] = user
                try await audit.record(request, actor: user.id.apiString, action: "session.expired")
            case .unknown:
                try await audit.record(request, actor: "anonymous", action: "session.refused",
                                       detail: "a session that ended (signed out) or never was")
            }
            return nil
        }
        try await audit.record(request, actor: "anonymous", action: "anonymous.refused")
        return nil
    }
}

/// The signed-in user of a request, with the principal they act as.
struct SignedIn: Sendable {
    struct Session: Sendable {
        var secret: String
        var csrfToken: String
    }

    var user: UserAccount
    var principal: Principal
    /// Set when signed in through the web pages (a cookie), nil for a bearer token.
    var session: Session?
}

struct SignedInKey: StorageKey { typealias Value = SignedIn }
/// The user whose session this request's cookie named, when it has just ended.
struct ExpiredSessionUserKey: StorageKey { typealias Value = UserAccount }

enum SessionCookie {
    static let name = "qorgau_session"

    /// HttpOnly, SameSite=Lax, Secure when the request came over TLS (directly or through a proxy
    /// that says so) or the deployment says cookies must be secure.
    static func make(_ value: String, for request: Request, maxAge: Int? = nil) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, path: "/", isSecure: isSecure(request),
                          isHTTPOnly: true, sameSite: .lax)
    }

    static func isSecure(_ request: Request) -> Bool {
        request.application.qorgauConfig.secureCookies || request.url.scheme == "https"
            || request.headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }
}

extension Request {
    var signedIn: SignedIn {
        get throws {
            guard let signedIn = storage[SignedInKey.self] else { throw Abort(.unauthorized) }
            return signedIn
        }
    }

    /// The principal of the signed-in user; a route without one is refused.
    var principal: Principal {
        get throws { try signedIn.principal }
    }
}
