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
            #expect(after.text.contains("күші жойылды"))
            let actions = try await AuditStore(db: app.db).list(limit: 50, after: nil).items.map(\.action)
            #expect(actions.contains("sessions.ended") && actions.contains("token.revoked"))
        }
    }
}

extension AdministratorPageTests {
    @Test func aUnitRenamedIsSeenByItsOfficersAndUsersPickUnitsFromTheList() async throws {
        try await withQorgauApp { app in
            let admin = try await app.makeUser(.administrator, username: "admin.units")
            let add = try await AlertConsoleTests.post(app, "/units", PageTests.encoded([
                ("csrf", ""), ("code", "ALM-MEDEU"), ("ru", "УП Медеуского района"), ("kk", "Медеу ауданының ПБ"), ("en", "Medeu district police"),
                ("region", "almaty-city")]), as: admin)
            #expect(add.status == .seeOther)
            // an officer added to it through the API; a unit not on the list is refused in the page's words
            let created = try await app.request(.POST, "/api/v1/users", json: ["username": "officer.medeu", "displayName": "Officer Medeu",
                                                                                 "role": "officer", "unit": "ALM-MEDEU", "password": "a long enough passphrase 7"], as: admin)
            #expect(created.status == .created)
            let unknown = try await app.request(.POST, "/api/v1/users", json: ["username": "officer.nowhere", "displayName": "Nowhere",
                                                                                 "role": "officer", "unit": "NO-SUCH-UNIT"], as: admin)
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains("unknownUnit"))
            let page = try await AlertConsoleTests.post(app, "/users?lang=ru", PageTests.encoded([
                ("username", "officer.nowhere"), ("displayName", "Nowhere"), ("role", "officer"), ("unit", "NO-SUCH-UNIT")]), as: admin)
            #expect(page.text.contains("Подразделения «NO-SUCH-UNIT» нет"))
            #expect(page.text.contains(#"<option value="ALM-MEDEU">УП Медеуского района</option>"#), "units are picked from the list")

            let officer = try await app.makeUser(.officer, username: "officer.medeu", unit: "ALM-MEDEU")
            #expect(try await PageTests.page(app, "/?lang=ru", as: officer).text.contains("УП Медеуского района"))
            let renamed = try await AlertConsoleTests.post(app, "/units/change", PageTests.encoded([
                ("code", "ALM-MEDEU"), ("ru", "Управление полиции Медеуского района г. Алматы"), ("kk", "Алматы қ. Медеу ауданының ПБ"),
                ("en", "Almaty, Medeu district police"), ("region", "almaty-city")]), as: admin)
            #expect(renamed.headers.first(name: .location)?.hasPrefix("/units?done=changed") == true)
            #expect(try await PageTests.page(app, "/?lang=ru", as: officer).text.contains("Управление полиции Медеуского района г. Алматы"))
            #expect(try await PageTests.page(app, "/?lang=kk", as: officer).text.contains("Алматы қ. Медеу ауданының ПБ"))
            let list = try await PageTests.page(app, "/units?lang=kk", as: admin)
            #expect(list.text.contains("Алматы қаласы"), "the region in the page's language")
            let nameless = try await AlertConsoleTests.post(app, "/units?lang=ru", PageTests.encoded([("code", "X"), ("ru", "Икс")]), as: admin)
            #expect(nameless.status == .unprocessableEntity)
            #expect(nameless.text.contains("Нужно название на каждом из трёх языков"))
        }
    }
}

extension AdministratorPageTests {
    @Test func anAdministratorKeepsAUnitsDutyRoster() async throws {
        try await withQorgauApp { app in
            let admin = try await app.makeUser(.administrator, username: "admin.roster")
            let officer = try await app.makeUser(.officer, username: "officer.oncall", unit: Fixtures.unit)
            let code = Fixtures.unit.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let empty = try await PageTests.page(app, "/units/roster?code=\(code)&lang=ru", as: admin)
            #expect(empty.status == .ok && empty.text.contains("В графике никого нет"))
            #expect(try await PageTests.page(app, "/units/roster?code=NOWHERE", as: admin).status == .notFound)

            let halfHours = try await AlertConsoleTests.post(app, "/units/roster?lang=ru", PageTests.encoded([
                ("code", Fixtures.unit), ("duty", "onCall"), ("user", officer.account.id.apiString), ("from", "08:00"), ("to", "")]), as: admin)
            #expect(halfHours.status == .unprocessableEntity && halfHours.text.contains("Укажите оба времени"))
            let added = try await AlertConsoleTests.post(app, "/units/roster", PageTests.encoded([
                ("code", Fixtures.unit), ("duty", "onCall"), ("user", officer.account.id.apiString), ("from", "20:00"), ("to", "08:00")]), as: admin)
            #expect(added.headers.first(name: .location) == "/units/roster?code=\(code)&done=added")
            let page = try await PageTests.page(app, "/units/roster?code=\(code)&lang=kk", as: admin)
            #expect(page.text.contains("кезекші") && page.text.contains("officer.oncall") && page.text.contains("20:00–08:00"))
            let api = try await app.request(.GET, "/api/v1/units/\(code)/roster", as: admin)
            #expect((api.json["duties"] as? [[String: Any]])?.first?["from"] as? String == "20:00")

            _ = try await AlertConsoleTests.post(app, "/units/roster/remove", PageTests.encoded([("code", Fixtures.unit), ("index", "0")]), as: admin)
            #expect(try await ContactStore(db: app.db).roster(unit: Fixtures.unit).isEmpty)
        }
    }
}
