import Cases
import Domain
import Presentation
import Store
import Vapor

/// The sign-in, sign-out and password pages. The sign-in form is protected from cross-site
/// posting by a double-submit token (a cookie and a hidden field that must match); once signed
/// in, every form carries the session's CSRF token, which `AuthorizationMiddleware` checks.
struct SignInPages {
    static let csrfCookie = "qorgau_csrf"

    struct SignInContext: Encodable { var frame: PublicFrame; var csrf: String; var username: String; var error: String?; var kept: Bool; var alerted: Bool; var codeExpired: Bool; var signedOut: Bool }
    struct PasswordContext: Encodable {
        struct Token: Encodable { var id: String; var name: String; var scopes: String; var created: String; var expires: String }
        var frame: PageFrame; var csrf: String; var mustChange: Bool; var error: String?
        var notice: String?
        var tokens: [Token]
        /// The second factor's state, in words.
        var secondFactor: String
        var contact: ContactForm.View
    }
    struct HomeContext: Encodable { var frame: PublicFrame; var displayName: String; var role: String; var unit: String?; var csrf: String }

    func signInForm(req: Request) async throws -> Response {
        try await signInPage(req, username: "", error: nil, status: .ok)
    }

    func signIn(req: Request) async throws -> Response {
        struct Form: Content { var username: String?; var password: String?; var csrf: String? }
        let form = req.form(Form.self) ?? Form()
        let username = String((form.username ?? "").prefix(64))
        guard let sent = form.csrf, let expected = req.cookies[Self.csrfCookie]?.string, sent == expected else {
            try await req.application.refusals.record(req, actor: "anonymous", action: "csrf.refused")
            return try await signInPage(req, username: username, error: PublicFrame(req).t["form_expired"], status: .forbidden)
        }
        do { try req.spendPasswordAttempt() } catch {
            return try await signInPage(req, username: username, error: PublicFrame(req).t["too_many_attempts"], status: .tooManyRequests)
        }
        guard case .signedIn(let user) = try await req.accounts.signIn(username: username, password: form.password ?? "",
                                                                          from: req.sourceAddress) else {
            return try await signInPage(req, username: username, status: .unauthorized,
                                        error: (PublicFrame(req).t["wrong_password"] ?? "")
                                            .replacingOccurrences(of: "{attempts}", with: String(SignInLimiter.failuresPerSource))
                                            .replacingOccurrences(of: "{minutes}", with: String(UserStore.lockDuration / 60_000)))
        }
        if user.secondFactorSince != nil { return try await SecondFactorPages.askForCode(req, user: user) }
        return try await Self.startSession(req, for: user)
    }

    func signOut(req: Request) async throws -> Response {
        let signedIn = try req.signedIn
        if let session = signedIn.session { try await SessionStore(db: req.db).delete(secret: session.secret) }
        try await AuditStore(db: req.db).append(actor: signedIn.principal.subject, action: "signOut")
        let response = req.redirect(to: "/login?out=1")
        response.cookies[SessionCookie.name] = SessionCookie.make("", for: req, maxAge: 0)
        return response
    }

    func home(req: Request) async throws -> Response {
        let signedIn = try req.signedIn
        if signedIn.user.mustChangePassword { return req.redirect(to: "/password") }
        let user = signedIn.user
        var frame = PublicFrame(req)
        frame.safety = user.role == .victim
        frame.discreet = frame.discreet || (user.role == .victim && req.application.qorgauConfig.discreet != .off)
        var unit = user.unit
        if let code = unit { unit = try await UnitStore(db: req.db).find(code)?.name(in: frame.lang) ?? code }
        return try await render(req, "home", HomeContext(frame: frame, displayName: user.displayName, role: user.role.rawValue, unit: unit,
                                                         csrf: signedIn.session?.csrfToken ?? ""), status: .ok)
    }

    func passwordForm(req: Request) async throws -> Response {
        try await passwordPage(req, error: nil, status: .ok)
    }

    func changePassword(req: Request) async throws -> Response {
        struct Form: Content { var current: String?; var new: String?; var confirm: String? }
        let form = req.form(Form.self) ?? Form(current: nil, new: nil, confirm: nil)
        let user = try req.signedIn.user
        guard let new = form.new, new == form.confirm else {
            return try await passwordPage(req, error: PublicFrame(req).t["passwords_differ"], status: .unprocessableEntity)
        }
        let revoked: Int
        do { try req.spendPasswordAttempt() } catch {
            return try await passwordPage(req, error: PublicFrame(req).t["too_many_attempts"], status: .tooManyRequests)
        }
        do {
            revoked = try await req.accounts.changePassword(of: user, current: form.current ?? "", new: new, by: user.id.apiString)
            req.forgetCachedTokens() // the user's tokens were revoked with the old password
        } catch let failure as ValidationFailure {
            return try await passwordPage(req, error: Self.wording(of: failure, new: new, user: user, t: PublicFrame(req).t),
                                          status: .unprocessableEntity)
        }
        // a new password ends every session, this one too: start a fresh one
        let response = try await Self.startSession(req, for: try await UserStore(db: req.db).get(user.id))
        if !user.mustChangePassword { // a first password goes on to the work; a changed one says what it ended
            response.headers.replaceOrAdd(name: .location, value: "/password?changed=\(revoked)")
        }
        return response
    }

    /// The emergency number a victim's pages show: her case's jurisdiction's.
    private func emergencyNumber(_ req: Request) async throws -> String? {
        guard try req.principal.role == .victim else { return nil }
        let packs = req.application.packs
        let cases = try await CaseStore(db: req.db).list(CaseFilter(), scope: req.principal.scope, limit: 1, after: nil)
        return cases.items.first.flatMap { try? packs.pack(for: $0.jurisdiction).emergencyNumber } ?? "102"
    }

    /// A refused change in the page's words: the password policy's reason, or the current
    /// password's problem; anything else as the account service put it.
    static func wording(of failure: ValidationFailure, new: String, user: UserAccount, t: [String: String]) -> String {
        if failure.problems.contains(where: { $0.pointer == "/currentPassword" }) {
            return failure.problems.contains { $0.message == Accounts.tooManyWrong } ? t["too_many_attempts"] ?? "" : t["current_password_wrong"] ?? ""
        }
        if failure.problems.contains(where: { $0.message == Accounts.sameAsCurrent }) { return t["password_same"] ?? "" }
        if let refusal = PasswordPolicy.refusal(of: new, username: user.username), let text = t[refusal.rawValue] {
            return text.replacingOccurrences(of: "{min}", with: String(PasswordPolicy.minimumLength))
        }
        return failure.problems.map(\.message).joined(separator: "; ")
    }

    /// `POST /tokens/{id}/revoke`: one of the user's own API tokens, from the password page.
    func revokeToken(req: Request) async throws -> Response {
        let user = try req.signedIn.user
        let id = try req.uuid("tokenID", what: "token")
        _ = try await TokenStore(db: req.db).revoke(id, of: user.id, now: nowMilliseconds())
        req.forgetCachedTokens()
        try await AuditStore(db: req.db).append(actor: user.id.apiString, action: "token.revoked", target: id.apiString)
        return req.redirect(to: "/password?revoked=1#tokens")
    }

    /// A new session with a new secret every time (no fixation), replacing any the browser had.
    /// A one-time password is changed first, then a second factor the policy requires is set up.
    static func startSession(_ req: Request, for user: UserAccount) async throws -> Response {
        if let old = req.cookies[SessionCookie.name]?.string { try await SessionStore(db: req.db).delete(secret: old) }
        let (secret, _) = try await SessionStore(db: req.db).create(for: user.id, now: nowMilliseconds())
        let next = user.mustChangePassword ? "/password" : SecondFactor.mustEnrol(user, req.application) ? "/account/second-factor" : "/"
        let response = req.redirect(to: next)
        response.cookies[SessionCookie.name] = SessionCookie.make(secret, for: req)
        response.cookies[Self.csrfCookie] = SessionCookie.make("", for: req, maxAge: 0)
        QuickExit.forgetMark(req, response)
        if user.role == .victim { response.cookies[PublicFrame.discreetCookie] = SessionCookie.make("1", for: req, maxAge: 365 * 86_400) }
        return response
    }

    private func signInPage(_ req: Request, username: String, error: String?, status: HTTPResponseStatus) async throws -> Response {
        let csrf = Secret.make()
        var alerted = false
        if let alertID = req.query[String.self, at: "r"].flatMap(UUID.init(uuidString:)) {
            alerted = try await PanicButton.confirmation(alertID, db: req.db) != nil
        }
        let response = try await render(req, "login", SignInContext(frame: PublicFrame(req), csrf: csrf, username: username, error: error,
                                                                    kept: req.query[String.self, at: "kept"] != nil,
                                                                    alerted: alerted, codeExpired: req.query[String.self, at: "code"] == "expired",
                                                                    signedOut: req.query[String.self, at: "out"] != nil && error == nil),
                                status: status)
        var cookie = SessionCookie.make(csrf, for: req)
        cookie.sameSite = .strict
        response.cookies[Self.csrfCookie] = cookie
        return response
    }

    private func signInPage(_ req: Request, username: String, status: HTTPResponseStatus, error: String) async throws -> Response {
        try await signInPage(req, username: username, error: error, status: status)
    }

    /// `POST /contact`: the account page's contact details and channels.
    func saveContact(req: Request) async throws -> Response {
        let (contact, errors) = ContactForm.read(req)
        if let contact, errors.isEmpty {
            try await ContactStore(db: req.db).save(contact, now: nowMilliseconds())
            return req.redirect(to: "/password?contact=saved#contact")
        }
        return try await passwordPage(req, error: nil, status: .unprocessableEntity, contact: (contact, errors))
    }

    private func passwordPage(_ req: Request, error: String?, status: HTTPResponseStatus,
                              contact posted: (Contact?, [String: String])? = nil) async throws -> Response {
        let signedIn = try req.signedIn
        let frame = try PageFrame.make(req, emergencyNumber: try await emergencyNumber(req))
        let format = LocaleFormat(language: frame.lang, timeZone: TimeZone(identifier: "Asia/Almaty") ?? .current)
        let now = nowMilliseconds()
        let tokens = try await TokenStore(db: req.db).list(of: signedIn.user.id)
            .filter { $0.revokedAt == nil && $0.expiresAt > now }
            .map { token in
                PasswordContext.Token(id: token.id.apiString, name: token.name,
                                      scopes: frame.t[token.mayWrite ? "token_read_write" : "token_read_only"] ?? "",
                                      created: format.dateTime(ZonedDateTime(epochMilliseconds: token.createdAt, offsetSeconds: 0)),
                                      expires: format.dateTime(ZonedDateTime(epochMilliseconds: token.expiresAt, offsetSeconds: 0)))
            }
        var notice: String?
        if let changed = req.query[Int.self, at: "changed"] {
            notice = (frame.t["password_changed_tokens"] ?? "").replacingOccurrences(of: "{count}", with: String(changed))
        } else if req.query[String.self, at: "revoked"] != nil {
            notice = frame.t["token_revoked"]
        }
        return try await render(req, "password", PasswordContext(frame: frame, csrf: signedIn.session?.csrfToken ?? "",
                                                                 mustChange: signedIn.user.mustChangePassword, error: error,
                                                                 notice: notice, tokens: tokens,
                                                                 secondFactor: frame.t[signedIn.user.secondFactorSince != nil ? "second_factor_state_on" : "second_factor_state_off"] ?? "",
                                                                 contact: try await ContactForm.view(req, t: frame.t, posted: posted?.0,
                                                                                                     errors: posted?.1 ?? [:])),
                                status: status)
    }

    private func render(_ req: Request, _ name: String, _ context: some Encodable, status: HTTPResponseStatus) async throws -> Response {
        try await req.renderPage(name, context, status: status)
    }
}
