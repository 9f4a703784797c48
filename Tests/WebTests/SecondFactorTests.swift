import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The second factor: TOTP against RFC 6238's own test vectors, and in the browser's way — the
/// policy sending an officer to set it up, a wrong code, the first code turning it on, a code
/// replayed, a recovery code used twice, the API's tokens, an administrator's reset.
@Suite struct SecondFactorTests {
    typealias Browser = SignInPageTests.Browser

    /// RFC 6238, appendix B: the SHA-1 column, eight digits, the key "12345678901234567890".
    @Test func totpMatchesRFC6238() {
        let secret = Data("12345678901234567890".utf8)
        let vectors: [(Int64, String)] = [(59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
                                          (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")]
        for (seconds, expected) in vectors {
            #expect(SecondFactor.code(secret: secret, step: SecondFactor.step(at: seconds * 1000), digits: .eight) == expected, "T = \(seconds)")
        }
        // six digits are the last six of the same value
        #expect(SecondFactor.code(secret: secret, step: 1) == "287082")
        // a step already spent, or two away, is not matched
        let now: Int64 = 1_111_111_111_000, step = SecondFactor.step(at: now)
        let code = SecondFactor.code(secret: secret, step: step)
        #expect(SecondFactor.matchingStep(of: code, secret: secret, lastStep: 0, now: now) == step)
        #expect(SecondFactor.matchingStep(of: code, secret: secret, lastStep: step, now: now) == nil)
        #expect(SecondFactor.matchingStep(of: SecondFactor.code(secret: secret, step: step - 2), secret: secret, lastStep: 0, now: now) == nil)
        #expect(SecondFactor.matchingStep(of: "12345", secret: secret, lastStep: 0, now: now) == nil)
    }

    /// RFC 4648's base32 test vectors (padding left out, as authenticator apps take keys).
    @Test func base32MatchesRFC4648() {
        let vectors = ["": "", "f": "MY", "fo": "MZXQ", "foo": "MZXW6", "foob": "MZXW6YQ", "fooba": "MZXW6YTB", "foobar": "MZXW6YTBOI"]
        for (text, expected) in vectors { #expect(SecondFactor.base32(Data(text.utf8)) == expected) }
        let address = SecondFactor.address(secret: Data("foobar".utf8), account: "officer one", issuer: "Qorgau")
        #expect(address == "otpauth://totp/Qorgau:officer%20one?secret=MZXW6YTBOI&issuer=Qorgau&algorithm=SHA1&digits=6&period=30")
    }

    /// The key shown on the set-up page, as the user would type it into the app.
    static func secret(on page: String) throws -> Data {
        let start = try #require(page.range(of: #"id="secret">"#))
        let typed = page[start.upperBound...].prefix { $0 != "<" }.filter { $0 != " " }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = [], buffer = 0, bits = 0
        for letter in typed {
            buffer = buffer << 5 | (alphabet.firstIndex(of: letter) ?? 0); bits += 5
            if bits >= 8 { bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF)); bits -= 8 }
        }
        return Data(bytes)
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test(arguments: TestDatabase.available)
    func anOfficerSetsItUpAndSignsInWithIt(_ database: TestDatabase) async throws {
        try await withQorgauApp(database, settings: { $0.secondFactorRoles = [.officer, .administrator]; $0.signInPerMinute = 100 }) { app in
            let officer = try await app.makeUser(.officer, username: "officer.totp", unit: "Almaty")
            let browser = Browser(app)

            // the policy: after the password, the set-up page and nothing else
            let signedIn = try await browser.signIn("officer.totp", officer.password)
            #expect(signedIn.headers.first(name: .location) == "/account/second-factor")
            #expect(try await browser.send(.GET, "/").headers.first(name: .location) == "/account/second-factor")
            #expect(try await browser.send(.GET, "/search?q=x").headers.first(name: .location) == "/account/second-factor", "a page leads to the set-up")
            let setUp = try await browser.send(.GET, "/account/second-factor?lang=ru")
            #expect(setUp.status == .ok)
            #expect(setUp.text.contains("Для вашей роли нужен второй фактор"))
            #expect(setUp.text.contains("<svg") && setUp.text.contains(#"<path d="M4 4h1v1h-1z"#), "the QR code, drawn here")
            let secret = try Self.secret(on: setUp.text)
            #expect(secret.count == 20)
            #expect(try await Self.secret(on: browser.send(.GET, "/account/second-factor").text) == secret, "a reload shows the same key")
            let csrf = try #require(Browser.csrf(in: setUp.text))
            let refused = try await browser.send(.POST, "/cases", form: ["csrf": csrf, "number": "X-1"])
            #expect(refused.status == .forbidden && refused.text.contains("second factor"), "and nothing is done meanwhile")

            // a wrong code changes nothing
            let wrong = try await browser.send(.POST, "/account/second-factor?lang=ru", form: ["csrf": csrf, "code": "000000"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("Код неверен"))
            #expect(try await UserStore(db: app.db).get(officer.account.id).secondFactorSince == nil)

            // the first right code turns it on and shows ten recovery codes once
            let step = SecondFactor.step(at: Self.now())
            let on = try await browser.send(.POST, "/account/second-factor", form: ["csrf": csrf, "code": SecondFactor.code(secret: secret, step: step)])
            #expect(on.status == .ok)
            let codes = on.text.components(separatedBy: #"<li><code class="secret">"#).dropFirst().map { String($0.prefix(11)) }
            #expect(codes.count == 10)
            #expect(try await UserStore(db: app.db).get(officer.account.id).secondFactorSince != nil)
            #expect(try await browser.send(.GET, "/").status == .ok, "the officer's pages open now")
            #expect(!(try await browser.send(.GET, "/account/second-factor").text.contains(codes[0])), "recovery codes are shown once")

            // signing in again: the password, then the code
            _ = try await browser.send(.POST, "/logout", form: ["csrf": Browser.csrf(in: try await browser.send(.GET, "/").text) ?? ""])
            let password = try await browser.signIn("officer.totp", officer.password)
            #expect(password.headers.first(name: .location) == "/login/code")
            #expect(browser.cookies["qorgau_session"] == nil, "no session before the code")
            #expect(try await browser.send(.GET, "/").headers.first(name: .location) == "/login")
            let replayed = try await browser.send(.POST, "/login/code?lang=kk", form: ["code": SecondFactor.code(secret: secret, step: step)])
            #expect(replayed.status == .unauthorized, "the code that turned it on cannot be used again")
            #expect(replayed.text.contains("Қалған әрекет саны: 4"))
            // the next code not yet spent: the step after the first, or the current one when a
            // loaded machine took more than a step to get here (a step two away is not accepted)
            let unspent = max(step + 1, SecondFactor.step(at: Self.now()))
            let next = try await browser.send(.POST, "/login/code", form: ["code": SecondFactor.code(secret: secret, step: unspent)])
            #expect(next.status == .seeOther && next.headers.first(name: .location) == "/")
            #expect(browser.cookies["qorgau_session"] != nil)
            #expect(browser.cookies[SecondFactorPages.challengeCookie] == nil)

            // a recovery code works once
            let other = Browser(app)
            _ = try await other.signIn("officer.totp", officer.password)
            let recovered = try await other.send(.POST, "/login/code", form: ["code": codes[3].uppercased()])
            #expect(recovered.headers.first(name: .location) == "/account/second-factor?done=recovery", "told how many codes are left")
            let third = Browser(app)
            _ = try await third.signIn("officer.totp", officer.password)
            #expect(try await third.send(.POST, "/login/code", form: ["code": codes[3]]).status == .unauthorized, "a recovery code used twice")
            for _ in 0..<4 { _ = try await third.send(.POST, "/login/code", form: ["code": "123456"]) }
            #expect(try await third.send(.GET, "/login/code").headers.first(name: .location) == "/login", "five wrong codes end the attempt")
            #expect(try await SecondFactorStore(db: app.db, sealer: app.blobs.secretSealer).recoveryCodesLeft(of: officer.account.id) == 9)

            // the API: a token needs the code too
            var body: [String: Any] = ["username": "officer.totp", "password": officer.password, "name": "script"]
            #expect(try await app.request(.POST, "/api/v1/auth/tokens", json: body, anonymous: true).status == .unauthorized)
            body["code"] = codes[5]
            #expect(try await app.request(.POST, "/api/v1/auth/tokens", json: body, anonymous: true).status == .created)

            // required: it cannot be turned off; an administrator resets it, which ends the sessions
            let page = try await browser.send(.GET, "/account/second-factor")
            let off = try await browser.send(.POST, "/account/second-factor/off", form: ["csrf": Browser.csrf(in: page.text) ?? "", "code": codes[6]])
            #expect(off.status == .forbidden)
            let admin = try await app.makeUser(.administrator, username: "admin.totp")
            let users = try await PageTests.page(app, "/users?lang=ru", as: admin)
            #expect(users.text.contains("Сбросить второй фактор"))
            #expect(try await app.request(.DELETE, "/api/v1/users/\(officer.account.id.apiString)/second-factor", as: admin).status == .ok)
            #expect(try await browser.send(.GET, "/").headers.first(name: .location) == "/login", "the officer's session ended")
            #expect(try await UserStore(db: app.db).get(officer.account.id).secondFactorSince == nil)
            let audit = try await AuditStore(db: app.db).list(limit: 100, after: nil).items.map(\.action)
            for action in ["secondFactor.enrolled", "signIn.secondFactor", "signIn.codeRefused", "secondFactor.reset"] {
                #expect(audit.contains(action), "\(action) is audited")
            }
        }
    }

    @Test func anyoneMayTurnItOnAndOffWhereThePolicyDoesNotRequireIt() async throws {
        try await withQorgauApp { app in
            let victim = try await app.makeUser(.victim, username: "victim.totp")
            let browser = Browser(app)
            #expect(try await browser.signIn("victim.totp", victim.password).headers.first(name: .location) == "/")
            let setUp = try await browser.send(.GET, "/account/second-factor?lang=ru")
            #expect(setUp.text.contains("otpauth") == false, "the address is in the QR code only")
            #expect(!PageTests.visibleText(setUp.text).contains("Qorgau"), "her pages stay discreet")
            let secret = try Self.secret(on: setUp.text)
            let step = SecondFactor.step(at: Self.now())
            let csrf = Browser.csrf(in: setUp.text) ?? ""
            _ = try await browser.send(.POST, "/account/second-factor", form: ["csrf": csrf, "code": SecondFactor.code(secret: secret, step: step)])
            let off = try await browser.send(.POST, "/account/second-factor/off",
                                             form: ["csrf": csrf, "code": SecondFactor.code(secret: secret, step: step + 1)])
            #expect(off.headers.first(name: .location) == "/account/second-factor?done=off")
            #expect(try await UserStore(db: app.db).get(victim.account.id).secondFactorSince == nil)
        }
    }

    /// Someone who knows the password cannot guess codes sign-in after sign-in: ten wrong codes in
    /// a row, whichever sign-ins they came in, stop codes being checked for 15 minutes.
    @Test func wrongCodesAcrossSignInsLockTheCodes() async throws {
        try await withQorgauApp(settings: { $0.signInPerMinute = 100 }) { app in
            let judge = try await app.makeUser(.judge, username: "judge.totp")
            let store = SecondFactorStore(db: app.db, sealer: app.blobs.secretSealer)
            let secret = SecondFactor.newSecret()
            try await store.begin(judge.account.id, secret: secret, now: Self.now())
            try await store.confirm(judge.account.id, step: 0, recoveryCodes: RecoveryCode.make(), now: Self.now())
            for _ in 0..<2 {
                let browser = Browser(app)
                #expect(try await browser.signIn("judge.totp", judge.password).headers.first(name: .location) == "/login/code")
                for _ in 0..<5 { _ = try await browser.send(.POST, "/login/code?lang=ru", form: ["code": "000000"]) }
            }
            let browser = Browser(app)
            _ = try await browser.signIn("judge.totp", judge.password)
            let right = try await browser.send(.POST, "/login/code?lang=ru", form: ["code": SecondFactor.code(secret: secret, step: SecondFactor.step(at: Self.now()))])
            #expect(right.status == .tooManyRequests, "even the right code waits out the lock")
            #expect(right.text.contains("коды не проверяются 15 минут"))
            #expect(browser.cookies["qorgau_session"] == nil)
            #expect(try await store.factor(of: judge.account.id)?.lockedUntil ?? 0 > Self.now())
        }
    }

    @Test func thePolicyNamesRolesOnly() throws {
        let config = try AppConfig.fromEnvironment(["QORGAU_MFA_ROLES": "officer, judge"], database: .sqliteMemory)
        #expect(config.secondFactorRoles == [.officer, .judge])
        #expect(throws: (any Error).self) { try AppConfig.fromEnvironment(["QORGAU_MFA_ROLES": "officers"], database: .sqliteMemory) }
        #expect(throws: (any Error).self) { try AppConfig.fromEnvironment(["QORGAU_MFA_ROLES": "gateway"], database: .sqliteMemory) }
        #expect(try AppConfig.fromEnvironment(["QORGAU_MFA_ROLES": "none"], database: .sqliteMemory).secondFactorRoles.isEmpty)
    }
}
