import Domain
import Foundation
import Law
import Store
import Testing
import TestSupport
import Vapor
@testable import Web

/// The Fund officer, the administrator and the auditor in a real (headless) Chromium, in Russian
/// and Kazakh: each signs in, lands on their page, uses it, and every page they see passes axe's
/// WCAG A and AA rules with no serious or critical finding. Screenshots in `.build/screenshots/`.
@Suite(.serialized, .timeLimit(.minutes(10))) struct RoleBrowserTests {
    @Test(.enabled(if: WebDriver.available, "chromium and chromedriver are not installed"), arguments: ["ru", "kk"])
    func theFundTheAdministratorAndTheAuditorWorkInTheBrowser(_ language: String) async throws {
        try await withQorgauApp { app in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let site = "http://127.0.0.1:\(port)"
            try await FundLedgerFilterTests.ledger(app)
            let fund = try await app.makeUser(.fundOfficer, username: "fund.browser")
            let admin = try await app.makeUser(.administrator, username: "admin.browser")
            let auditor = try await app.makeUser(.auditor, username: "auditor.browser")
            let browser = try await WebDriver(client: app.client, language: language)
            do {
                func signIn(_ user: TestUser) async throws {
                    try await browser.signIn(at: site + "/login?lang=\(language)", user.account.username, user.password)
                }
                func check(_ name: String) async throws { try await browser.screenshot("roles-\(language)-\(name)") } // and axe's check
                func signOut() async throws { try await browser.click("header form button[type=submit]") }

                // the Fund officer: the ledger, by region, a payment recorded
                try await signIn(fund)
                #expect(try await browser.waitForURL { $0.hasSuffix("/fund") })
                #expect(try await browser.waitFor(language == "ru" ? "Фонд компенсации" : "Өтемақы қоры"))
                try await check("fund")
                try await browser.open(site + "/fund?region=karaganda")
                #expect(try await browser.waitFor("KRG-1"))
                #expect(try await !browser.source.contains("ALM-1"))
                try await browser.set("#p-\(try await Self.caseID(app, "KRG-1"))-d1 input[name=paidOn]", "2026-03-01")
                try await browser.type("#p-\(try await Self.caseID(app, "KRG-1"))-d1 input[name=document]", "ПП-77")
                try await browser.click("#p-\(try await Self.caseID(app, "KRG-1"))-d1 button[type=submit]")
                #expect(try await browser.waitFor("ПП-77"))
                try await check("fund-paid")
                try await signOut()

                // the administrator: users, a unit renamed, its roster, a user's sessions
                try await signIn(admin)
                #expect(try await browser.waitForURL { $0.hasSuffix("/users") })
                try await check("users")
                try await browser.open(site + "/units")
                #expect(try await browser.waitFor(language == "ru" ? "Подразделения" : "Бөлімшелер"))
                try await check("units")
                try await browser.open(site + "/units/roster?code=KRG-POLICE")
                try await check("roster")
                try await browser.open(site + "/users/\(fund.account.id.apiString)/access")
                try await check("user-access")
                try await browser.open(site + "/account/second-factor")
                #expect(try await browser.waitFor("<svg"))
                try await check("second-factor")
                try await signOut()

                // the auditor: the log, the chain checked from the page
                try await signIn(auditor)
                #expect(try await browser.waitForURL { $0.hasSuffix("/audit") })
                try await browser.click("#run-verification")
                for _ in 0..<50 where try await AuditVerificationStore(db: app.db).latest()?.finishedAt == nil {
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await browser.open(site + "/audit")
                #expect(try await browser.waitFor(language == "ru" ? "Цепочка цела." : "Тізбек бүтін."))
                try await check("audit")
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }

    static func caseID(_ app: Application, _ number: String) async throws -> String {
        try await CaseStore(db: app.db).find(idOrNumber: number, scope: .all).id.apiString
    }
}

extension RoleBrowserTests {
    /// The risk page says the level the answers give as they are chosen, by the instrument's rules.
    @Test(.enabled(if: WebDriver.available, "chromium and chromedriver are not installed"))
    func theRiskPageSaysTheLevelAsTheAnswersAreGiven() async throws {
        try await withQorgauApp { app in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let site = "http://127.0.0.1:\(port)"
            let (caseID, _) = try await EvidenceAPITests.caseWithIncident(app)
            let browser = try await WebDriver(client: app.client, language: "ru")
            do {
                try await browser.signIn(at: site + "/login?lang=ru", app.defaultTestUser.account.username, app.defaultTestUser.password)
                try await browser.open(site + "/cases/\(caseID)/risk?lang=ru")
                _ = try await browser.element("#risk-form")
                for question in try app.risk.instrument(RiskLibrary.defaultInstrument).questions {
                    try await browser.click("input[name=answer_\(question.id)][value=no]", navigates: false)
                }
                #expect(try await browser.waitFor("По этим ответам уровень: низкий"))
                for id in ["threats", "violence"] { try await browser.click("input[name=answer_\(id)][value=yes]", navigates: false) }
                #expect(try await browser.waitFor("По этим ответам уровень: высокий"), "threats and violence make it high")
                #expect(try await browser.waitFor(#"<option value="medium" disabled"#), "a level below the computed one is not offered")
                try await browser.screenshot("risk-live-ru")
            } catch {
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }
}
