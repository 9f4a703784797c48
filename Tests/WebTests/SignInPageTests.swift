import Cases
import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
import Web

/// The browser's way in: the sign-in form, the session cookie, CSRF tokens, signing out.
@Suite struct SignInPageTests {
    /// A browser: keeps the cookies it is given and sends them back.
    final class Browser: @unchecked Sendable {
        let app: Application
        var cookies: [String: String] = [:]
        init(_ app: Application) { self.app = app }

        func send(_ method: HTTPMethod, _ path: String, form: [String: String]? = nil) async throws -> TestingHTTPResponse {
            var headers = HTTPHeaders()
            if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
            var body: ByteBuffer?
            if let form {
                headers.contentType = .urlEncodedForm
                body = ByteBuffer(string: form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                    .joined(separator: "&"))
            }
            let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
            for header in response.headers[.setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
            return response
        }

        /// The value of a hidden `csrf` field on the page.
        static func csrf(in page: String) -> String? {
            guard let range = page.range(of: #"name="csrf" value=""#) else { return nil }
            return String(page[range.upperBound...].prefix { $0 != "\"" })
        }

        func signIn(_ username: String, _ password: String) async throws -> TestingHTTPResponse {
            let form = try await send(.GET, "/login")
            return try await send(.POST, "/login", form: ["username": username, "password": password,
                                                          "csrf": Self.csrf(in: form.text) ?? ""])
        }
    }

    @Test func aVisitorIsSentToSignInAndAnOfficerSignsInAndOut() async throws {
        try await withQorgauApp { app in
            let browser = Browser(app)
            let home = try await browser.send(.GET, "/")
            #expect(home.status == .seeOther)
            #expect(home.headers.first(name: .location) == "/login")

            let form = try await browser.send(.GET, "/login")
            #expect(form.status == .ok)
            #expect(form.text.contains(#"<label for="username">"#), "fields have labels")
            let signedIn = try await browser.send(.POST, "/login", form: ["username": "test.officer", "password": app.defaultTestUser.password,
                                                                          "csrf": Browser.csrf(in: form.text) ?? ""])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/")
            let cookie = try #require(signedIn.headers[.setCookie].first { $0.hasPrefix("qorgau_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"), "not over TLS here")

            let page = try await browser.send(.GET, "/")
            #expect(page.status == .ok)
            #expect(page.text.contains("test.officer"))
            let session = try #require(browser.cookies["qorgau_session"])

            // a form without the session's CSRF token is refused
            let forged = try await browser.send(.POST, "/logout", form: [:])
            #expect(forged.status == .forbidden)
            #expect(try await AuditStore(db: app.db).list(action: "csrf.refused", limit: 5, after: nil).items.count == 1)

            let out = try await browser.send(.POST, "/logout", form: ["csrf": Browser.csrf(in: page.text) ?? ""])
            #expect(out.status == .seeOther && out.headers.first(name: .location) == "/login?out=1")
            #expect(browser.cookies["qorgau_session"] == nil)
            #expect(try await browser.send(.GET, "/login?out=1&lang=ru").text.contains("Вы вышли из системы."), "signing out is said")

            // the old cookie, replayed, no longer opens anything
            browser.cookies["qorgau_session"] = session
            let replay = try await browser.send(.GET, "/")
            #expect(replay.headers.first(name: .location) == "/login")
            let api = try await browser.send(.GET, "/api/v1/cases")
            #expect(api.status == .unauthorized)
            // anonymous refusals from one network are written once a minute, the rest counted
            #expect(try await AuditStore(db: app.db).list(action: "session.refused", limit: 5, after: nil).items.count == 1)
        }
    }

    @Test func theSignInFormNeedsItsToken() async throws {
        try await withQorgauApp { app in
            let browser = Browser(app)
            _ = try await browser.send(.GET, "/login")
            let forged = try await browser.send(.POST, "/login", form: ["username": "test.officer", "password": app.defaultTestUser.password,
                                                                        "csrf": "made-up"])
            #expect(forged.status == .forbidden)
            #expect(browser.cookies["qorgau_session"] == nil)
            let wrong = try await browser.signIn("test.officer", "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("value=\"test.officer\""), "the username is kept in the form sent back")
        }
    }

    @Test func signingInGivesANewSessionEveryTime() async throws {
        try await withQorgauApp { app in
            let browser = Browser(app)
            _ = try await browser.signIn("test.officer", app.defaultTestUser.password)
            let first = try #require(browser.cookies["qorgau_session"])
            _ = try await browser.signIn("test.officer", app.defaultTestUser.password)
            let second = try #require(browser.cookies["qorgau_session"])
            #expect(first != second)
            browser.cookies["qorgau_session"] = first
            #expect(try await browser.send(.GET, "/").status == .seeOther, "the session replaced at sign-in is over")
        }
    }

    @Test func anIdleSessionEnds() async throws {
        try await withQorgauApp { app in
            let store = SessionStore(db: app.db)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let (secret, _) = try await store.create(for: app.defaultTestUser.account.id, now: now)
            guard case .live = try await store.find(secret: secret, now: now + 29 * 60_000) else { Issue.record("alive at 29 minutes"); return }
            guard case .live = try await store.find(secret: secret, now: now + 58 * 60_000) else { Issue.record("used at 29, alive at 58"); return }
            guard case .expired = try await store.find(secret: secret, now: now + 89 * 60_000) else { Issue.record("idle 31 minutes"); return }
            guard case .unknown = try await store.find(secret: secret, now: now + 90 * 60_000) else { Issue.record("gone once ended"); return }
        }
    }

    @Test func aOneTimePasswordIsChangedAtFirstSignIn() async throws {
        try await withQorgauApp { app in
            let (user, oneTime) = try await Accounts(db: app.db, cost: 4).create(username: "first.admin", displayName: "First", role: .administrator,
                                                                                 unit: nil, password: nil, by: "test")
            #expect(user.mustChangePassword)
            let browser = Browser(app)
            let signedIn = try await browser.signIn("first.admin", try #require(oneTime))
            #expect(signedIn.headers.first(name: .location) == "/password")
            #expect(try await browser.send(.GET, "/").headers.first(name: .location) == "/password")
            let form = try await browser.send(.GET, "/password")
            let csrf = Browser.csrf(in: form.text) ?? ""
            let weak = try await browser.send(.POST, "/password", form: ["current": oneTime!, "new": "password1234", "confirm": "password1234", "csrf": csrf])
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.text.contains("common"))
            let changed = try await browser.send(.POST, "/password", form: ["current": oneTime!, "new": "snow on the Alatau range",
                                                                              "confirm": "snow on the Alatau range", "csrf": csrf])
            #expect(changed.headers.first(name: .location) == "/")
            #expect(try await browser.send(.GET, "/").headers.first(name: .location) == "/users", "an administrator's home is the users page")
            #expect(try await browser.send(.GET, "/users").status == .ok)
        }
    }

    @Test func whatUsersTypedIsEscapedOnThePage() async throws {
        try await withQorgauApp { app in
            _ = try await Accounts(db: app.db, cost: 4).create(username: "odd.name", displayName: "<script>alert(1)</script>",
                                                               role: .auditor, unit: nil, password: "a long enough passphrase", by: "test")
            let browser = Browser(app)
            _ = try await browser.signIn("odd.name", "a long enough passphrase")
            let page = try await browser.send(.GET, "/audit") // an auditor's home; her name is in its header
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script>"))
            #expect(page.text.contains("&lt;script&gt;"))
        }
    }
}
