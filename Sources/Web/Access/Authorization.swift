import Domain
import Store
import Vapor

extension Route {
    /// Names what a route needs. A route without a permission is refused to everyone (and the
    /// authorization matrix test fails), so a new route cannot be open by accident.
    @discardableResult
    func requires(_ permission: Permission) -> Route {
        userInfo[PermissionKey.key] = permission
        return self
    }

    var permission: Permission? { userInfo[PermissionKey.key] as? Permission }

    /// Marks a route that shows a victim's identifying data or a location: every answer it
    /// gives is written to the audit log (who read what of which case, never the data).
    @discardableResult
    func auditsRead(_ what: String) -> Route {
        userInfo[PermissionKey.auditedRead] = what
        return self
    }

    var auditedRead: String? { userInfo[PermissionKey.auditedRead] as? String }

    /// A streamed form upload, whose CSRF token is a form field read by the handler before the
    /// file (or the `X-CSRF-Token` header, checked here when present).
    @discardableResult
    func checksCSRFInForm() -> Route {
        userInfo[PermissionKey.csrfInForm] = true
        return self
    }
}

enum PermissionKey {
    static let key = "qorgau.permission"
    static let auditedRead = "qorgau.auditedRead"
    static let csrfInForm = "qorgau.csrfInForm"
}

/// Checks the signed-in user against the route: the role must hold the route's permission, a
/// read-only token may only read, a session's unsafe request must carry its CSRF token, and a
/// case named in the path must be in scope (404 otherwise, so that its existence does not leak).
/// Every refusal is audited.
struct AuthorizationMiddleware: AsyncMiddleware {
    /// The largest web form (an incident with a phone photo); bigger uploads go through the API.
    static let maxFormBytes = 25 << 20

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let signedIn = try request.signedIn
        let principal = signedIn.principal
        func refuse(_ action: String, _ status: HTTPResponseStatus, _ reason: String, detail: String? = nil) async throws -> Never {
            try await request.application.refusals.record(request, actor: principal.subject, action: action, detail: detail ?? reason)
            throw Abort(status, reason: reason)
        }

        guard let permission = request.route?.permission else {
            request.logger.error("route without an access rule: \(request.routePattern)")
            try await refuse("access.denied", .forbidden, "this route has no access rule")
        }
        let unsafe = ![.GET, .HEAD].contains(request.method)
        let formChecksCSRF = request.route?.userInfo[PermissionKey.csrfInForm] as? Bool == true
            && request.headers.first(name: "X-CSRF-Token") == nil
        if let session = signedIn.session, unsafe, !formChecksCSRF {
            if request.body.data == nil, request.headers.first(name: "X-CSRF-Token") == nil {
                // A form's body may still be arriving: its token is in it.
                _ = try await request.body.collect(max: Self.maxFormBytes).get()
            }
            guard request.sentCSRFToken == session.csrfToken else {
                try await refuse("csrf.refused", .forbidden, "the form is missing its CSRF token or it is not this session's: reload the page")
            }
        }
        if signedIn.session != nil, request.headers.first(name: .upgrade)?.lowercased() == "websocket", !Self.sameOrigin(request) {
            // A browser opens a WebSocket from any page with the cookies it holds: only Qorgau's own pages may.
            try await refuse("access.denied", .forbidden, "a WebSocket with a session must be opened from Qorgau's own pages")
        }
        // a page opened before the one-time password is changed or a required second factor is on
        // leads there, rather than to a refusal
        if signedIn.session != nil, request.method == .GET, permission != .ownAccount, !request.url.path.hasPrefix("/api/") {
            if signedIn.user.mustChangePassword { return request.redirect(to: "/password") }
            if SecondFactor.mustEnrol(signedIn.user, request.application) { return request.redirect(to: "/account/second-factor") }
        }
        if signedIn.user.mustChangePassword, permission != .ownAccount {
            try await refuse("access.denied", .forbidden, "change your one-time password first (POST /api/v1/auth/password)")
        }
        if signedIn.session != nil, permission != .ownAccount, SecondFactor.mustEnrol(signedIn.user, request.application) {
            try await refuse("access.denied", .forbidden, "set up your second factor first (/account/second-factor)")
        }
        guard principal.may(permission) else {
            try await refuse("access.denied", .forbidden, "a \(principal.role?.rawValue ?? "user") may not do this",
                             detail: "needs \(permission.rawValue)")
        }
        if unsafe, !principal.mayWrite {
            try await refuse("access.denied", .forbidden, "this token may only read")
        }
        let caseID = request.parameters.get("caseID").flatMap(UUID.init(uuidString:))
        if let caseID {
            switch try await request.unit(ofCase: caseID) {
            case .none:
                try await refuse("case.refused", .notFound, "case not found", detail: "no case \(caseID.apiString)")
            case .some(let unit) where !principal.scope.allows(caseID, unit: unit):
                try await refuse("case.refused", .notFound, "case not found", detail: "case \(caseID.apiString) is outside the scope")
            default:
                request.storage[SignedInKey.self]?.principal.scope = principal.scope.including(caseID)
            }
        }
        let response = try await next.respond(to: request)
        // every read of a case's data is on record: the routes that name what they show, and any
        // other GET of a case under a name of its own
        let read = request.route?.auditedRead ?? (caseID != nil && request.method == .GET ? "caseData" : nil)
        if let what = read, (200..<300).contains(response.status.code) {
            try await AuditStore(db: request.db).append(actor: principal.subject, action: "read.\(what)",
                                                        target: request.routePattern, caseID: caseID)
        }
        return response
    }

    /// Whether the request's `Origin` is the host it was sent to.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers.first(name: .origin), let host = request.headers.first(name: .host),
              let url = URL(string: origin), let originHost = url.host else { return false }
        let port = url.port.map { ":\($0)" } ?? ""
        return (originHost + port).lowercased() == host.lowercased()
    }
}

extension Request {
    /// The unit a case belongs to (`.some(nil)`: none; `nil`: no such case), remembered for a few
    /// seconds by this instance, which forgets it at once when the case moves.
    func unit(ofCase caseID: UUID) async throws -> String?? {
        let cache = application.caseUnitCache, now = nowMilliseconds()
        if let known = cache.get(caseID, now: now) { return known }
        let unit = try await CaseStore(db: db).unit(of: caseID)
        if let unit { cache.put(caseID, unit, now: now) } // a missing case is not remembered: it may be made
        return unit
    }
}
