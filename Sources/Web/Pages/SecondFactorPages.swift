import Domain
import Foundation
import Presentation
import Store
import Vapor

/// The second factor in the browser: the code asked after a right password (`/login/code`), and
/// one's own second factor (`/account/second-factor`): set it up from a QR code made here, get
/// recovery codes once, make new ones, turn it off where the policy does not require it.
struct SecondFactorPages {
    /// The cookie of a sign-in whose password was right and whose code is awaited.
    static let challengeCookie = "qorgau_2fa"

    struct CodeContext: Encodable { var frame: PublicFrame; var error: String? }
    struct EnrolContext: Encodable {
        var frame: PageFrame
        /// Whether it is on; since when, in words; how many recovery codes are left.
        var on: Bool; var since: String; var recoveryLeft: String
        /// Whether the policy requires it for this role (then it cannot be turned off).
        var required: Bool; var mustEnrol: Bool
        /// For setting it up: the QR code's side and path, the secret to type by hand.
        var qrSize: Int; var qrPath: String; var secret: String
        /// Recovery codes just made, shown this once.
        var recoveryCodes: [String]
        var notice: String?; var error: String?
    }

    // MARK: signing in

    /// After a right password, for a user with a second factor: the code is asked before a session starts.
    static func askForCode(_ req: Request, user: UserAccount) async throws -> Response {
        let secret = try await req.secondFactors.challenge(for: user.id, now: nowMilliseconds())
        let response = req.redirect(to: "/login/code")
        var cookie = SessionCookie.make(secret, for: req, maxAge: Int(SecondFactorStore.challengeLifetime / 1000))
        cookie.sameSite = .strict // a form posted from another site does not carry it
        response.cookies[challengeCookie] = cookie
        return response
    }

    /// `GET /login/code`.
    func codeForm(req: Request) async throws -> Response {
        guard try await challengedUser(req) != nil else { return req.redirect(to: "/login") }
        return try await req.renderPage("login-code", CodeContext(frame: PublicFrame(req), error: nil), status: .ok)
    }

    /// `POST /login/code`: the code from the app, or a recovery code; five wrong ones end the attempt.
    func checkCode(req: Request) async throws -> Response {
        struct Form: Decodable { var code: String? }
        let t = PublicFrame(req).t
        guard let secret = req.cookies[Self.challengeCookie]?.string, let userID = try await challengedUser(req) else {
            return req.redirect(to: "/login")
        }
        do { try req.spendPasswordAttempt() } catch {
            return try await req.renderPage("login-code", CodeContext(frame: PublicFrame(req), error: t["too_many_attempts"]), status: .tooManyRequests)
        }
        let user = try await UserStore(db: req.db).get(userID)
        let typed = String((req.form(Form.self)?.code ?? "").prefix(40))
        let store = req.secondFactors
        let verdict = user.disabled ? .wrong : try await SecondFactor.verify(typed, of: user, req: req)
        guard case .proven(let how) = verdict else {
            let left = verdict == .locked ? 0 : try await store.noteWrongCode(secret)
            try await req.application.refusals.record(req, actor: user.id.apiString, action: "signIn.codeRefused",
                                                      detail: verdict == .locked ? "codes locked" : "\(left) tries left")
            if verdict == .locked {
                try await store.endChallenge(secret)
                return try await req.renderPage("login-code", CodeContext(frame: PublicFrame(req), error: t["second_factor_locked"]), status: .tooManyRequests)
            }
            guard left > 0 else { return req.redirect(to: "/login?code=expired") }
            let error = (t["second_factor_wrong"] ?? "").replacingOccurrences(of: "{left}", with: String(left))
            return try await req.renderPage("login-code", CodeContext(frame: PublicFrame(req), error: error), status: .unauthorized)
        }
        try await store.endChallenge(secret)
        try await AuditStore(db: req.db).append(actor: user.id.apiString, action: "signIn.secondFactor", detail: how)
        let response = try await SignInPages.startSession(req, for: user)
        response.cookies[Self.challengeCookie] = SessionCookie.make("", for: req, maxAge: 0)
        if how == "recovery code", !user.mustChangePassword { // say how many are left, and how to make new ones
            response.headers.replaceOrAdd(name: .location, value: "/account/second-factor?done=recovery")
        }
        return response
    }

    private func challengedUser(_ req: Request) async throws -> UUID? {
        guard let secret = req.cookies[Self.challengeCookie]?.string else { return nil }
        return try await req.secondFactors.challengedUser(secret, now: nowMilliseconds())
    }

    // MARK: one's own second factor

    /// `GET /account/second-factor`.
    func page(req: Request) async throws -> Response {
        let notice = req.query[String.self, at: "done"].flatMap { ["on", "off", "codes", "recovery"].contains($0) ? "second_factor_done_\($0)" : nil }
        return try await render(req, notice: notice)
    }

    /// `POST /account/second-factor`: the first code from the app turns it on; recovery codes are shown once.
    func enrol(req: Request) async throws -> Response {
        let user = try req.signedIn.user
        let store = req.secondFactors
        guard let factor = try await store.factor(of: user.id), factor.confirmedAt == nil else { return req.redirect(to: "/account/second-factor") }
        guard let step = SecondFactor.matchingStep(of: Self.code(req), secret: factor.secret, lastStep: 0, now: nowMilliseconds()) else {
            return try await render(req, error: "second_factor_code_wrong", status: .unprocessableEntity)
        }
        let codes = RecoveryCode.make()
        try await store.confirm(user.id, step: step, recoveryCodes: codes, now: nowMilliseconds())
        try await AuditStore(db: req.db).append(actor: user.id.apiString, action: "secondFactor.enrolled", target: user.id.apiString)
        return try await render(req, recoveryCodes: codes, notice: "second_factor_done_on")
    }

    /// `POST /account/second-factor/recovery-codes`: new codes for a current code; the old ones end.
    func newRecoveryCodes(req: Request) async throws -> Response {
        let user = try req.signedIn.user
        switch try await SecondFactor.verify(Self.code(req), of: user, req: req) {
        case .proven: break
        case .wrong: return try await render(req, error: "second_factor_code_wrong", status: .unprocessableEntity)
        case .locked: return try await render(req, error: "second_factor_locked", status: .tooManyRequests)
        }
        let codes = RecoveryCode.make()
        try await req.secondFactors.replaceRecoveryCodes(of: user.id, with: codes)
        try await AuditStore(db: req.db).append(actor: user.id.apiString, action: "secondFactor.recoveryCodesRenewed", target: user.id.apiString)
        return try await render(req, recoveryCodes: codes, notice: "second_factor_done_codes")
    }

    /// `POST /account/second-factor/off`: for a current code, where the policy allows.
    func turnOff(req: Request) async throws -> Response {
        let user = try req.signedIn.user
        guard !req.application.qorgauConfig.secondFactorRoles.contains(user.role) else {
            return try await render(req, error: "second_factor_required_keep", status: .forbidden)
        }
        switch try await SecondFactor.verify(Self.code(req), of: user, req: req) {
        case .proven: break
        case .wrong: return try await render(req, error: "second_factor_code_wrong", status: .unprocessableEntity)
        case .locked: return try await render(req, error: "second_factor_locked", status: .tooManyRequests)
        }
        try await req.secondFactors.remove(of: user.id)
        try await AuditStore(db: req.db).append(actor: user.id.apiString, action: "secondFactor.turnedOff", target: user.id.apiString)
        return req.redirect(to: "/account/second-factor?done=off")
    }

    private static func code(_ req: Request) -> String {
        struct Form: Decodable { var code: String? }
        return String((req.form(Form.self)?.code ?? "").prefix(40))
    }

    private func render(_ req: Request, recoveryCodes: [String] = [], notice: String? = nil, error: String? = nil,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let signedIn = try req.signedIn
        let user = try await UserStore(db: req.db).get(signedIn.user.id) // as it is now, not as the session began
        let frame = try PageFrame.make(req)
        let t = frame.t
        let store = req.secondFactors
        let required = req.application.qorgauConfig.secondFactorRoles.contains(user.role)
        var context = EnrolContext(frame: frame, on: user.secondFactorSince != nil, since: "", recoveryLeft: "", required: required,
                                   mustEnrol: SecondFactor.mustEnrol(user, req.application), qrSize: 0, qrPath: "", secret: "",
                                   recoveryCodes: recoveryCodes, notice: notice.flatMap { t[$0] }, error: error.flatMap { t[$0] })
        if let since = user.secondFactorSince {
            let format = LocaleFormat(language: frame.lang, timeZone: TimeZone(identifier: "Asia/Almaty") ?? .current)
            context.since = (t["second_factor_on_since"] ?? "").replacingOccurrences(
                of: "{date}", with: format.dateTime(ZonedDateTime(epochMilliseconds: since, offsetSeconds: 0)))
            context.recoveryLeft = (t["second_factor_recovery_left"] ?? "").replacingOccurrences(
                of: "{count}", with: String(try await store.recoveryCodesLeft(of: user.id)))
        } else {
            // the secret waiting to be confirmed, or a new one (kept, so a reload shows the code already scanned)
            let secret: Data
            if let pending = try await store.factor(of: user.id), pending.confirmedAt == nil {
                secret = pending.secret
            } else {
                secret = SecondFactor.newSecret()
                try await store.begin(user.id, secret: secret, now: nowMilliseconds())
            }
            let issuer = user.role == .victim && req.application.qorgauConfig.discreet != .off ? (t["neutral_title"] ?? "Notes") : "Qorgau"
            let qr = try QRCode(SecondFactor.address(secret: secret, account: user.username, issuer: issuer))
            context.qrSize = qr.size + 8
            context.qrPath = qr.svgPath
            context.secret = SecondFactor.base32(secret).chunked(4).joined(separator: " ")
        }
        return try await req.renderPage("second-factor", context, status: status)
    }
}

private extension String {
    func chunked(_ size: Int) -> [String] {
        stride(from: 0, to: count, by: size).map { start in
            let from = index(startIndex, offsetBy: start)
            return String(self[from..<(index(from, offsetBy: size, limitedBy: endIndex) ?? endIndex)])
        }
    }
}
