import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The administrator's pages beyond the user list: a user's sessions and tokens, ended and revoked.
@Suite struct AdministratorPageTests {
    typealias Browser = SignInPageTests.Browser

    @Test func anAdministratorEndsAUsersSessionsAndRevokesAToken() async throws {
        try await withQorgauApp { app in
            let admin = try await app.makeUser(.administrator, username: "admin.access")
            let officer = try await app.makeUser(.officer, username: "officer.access", unit: "Almaty")
            let browser = Browser(app)
            _ = try await browser.signIn("officer.access", officer.password)
            #expect(try await browser.send(.GET, "/").status == .ok)

            let page = try await PageTests.page(app, "/users/\(officer.account.id.apiString)/access?lang=ru", as: admin)
            #expect(page.status == .ok)
            #expect(page.text.contains("Сеансы и токены: officer.access"))
            #expect(page.text.contains("Завершить все сеансы"))
            #expect(page.text.contains("<td>test</td>"), "the test token, by name")

            let ended = try await AlertConsoleTests.post(app, "/users/\(officer.account.id.apiString)/sessions/end", "", as: admin)
            #expect(ended.headers.first(name: .location) == "/users/\(officer.account.id.apiString)/access?done=ended")
            #expect(try await browser.send(.GET, "/").headers.first(name: .location) == "/login", "the officer is signed out")

            let tokenID = try #require(try await TokenStoreProbe.lastTokenID(app, of: officer.account.id))
            let revoked = try await AlertConsoleTests.post(app, "/users/\(officer.account.id.apiString)/tokens/\(tokenID)/revoke", "", as: admin)
            #expect(revoked.status == .seeOther)
            #expect(try await app.request(.GET, "/api/v1/auth/me", as: officer).status == .unauthorized)
            let after = try await PageTests.page(app, "/users/\(officer.account.id.apiString)/access?lang=kk", as: admin)
            #expect(after.text.contains("кері қайтарылды"))
            let actions = try await AuditStore(db: app.db).list(limit: 50, after: nil).items.map(\.action)
            #expect(actions.contains("sessions.ended") && actions.contains("token.revoked"))
        }
    }
}
