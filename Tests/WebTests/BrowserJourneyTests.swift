import Foundation
import Testing
import TestSupport
import Vapor
@testable import Web

/// The main journeys in a real (headless) Chromium: an officer opens a case and lets the victim
/// see it; the victim logs incidents in her diary; the officer sees the assessment turn to
/// "grounds", registers the criminal case, sends it to court, and the verdict is recorded.
/// Runs when Chromium and chromedriver are installed (`.ci/run` installs them).
@Suite(.serialized) struct BrowserJourneyTests {
    @Test(.enabled(if: WebDriver.available, "chromium and chromedriver are not installed"))
    func fromFirstReportToVerdict() async throws {
        try await withQorgauApp { app in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let site = "http://127.0.0.1:\(port)"
            let officer = try await app.makeUser(.officer, username: "officer.journey", unit: Fixtures.unit)
            let victim = try await app.makeUser(.victim, username: "victim.journey")
            let judge = try await app.makeUser(.judge, username: "judge.journey")

            let almaty = DateFormatter()
            almaty.dateFormat = "yyyy-MM-dd'T'HH:mm"
            almaty.timeZone = TimeZone(identifier: "Asia/Almaty")
            let browser = try await WebDriver(client: app.client)
            do {
                func signIn(_ user: TestUser) async throws {
                    try await browser.open(site + "/login")
                    try await browser.type("#username", user.account.username)
                    try await browser.type("#password", user.password)
                    try await browser.click("form[action=\"/login\"] button[type=submit]")
                }
                func signOut() async throws { try await browser.click("header form button[type=submit]") }

                try await browser.open(site + "/")
                #expect(try await browser.currentURL.hasSuffix("/login"), "a visitor is sent to sign in")
                try await browser.screenshot("01-sign-in")
                try await signIn(officer)
                #expect(try await browser.waitFor("My cases"))
                try await browser.screenshot("02-dashboard")

                try await browser.type("#number", "WEB-2026-0001")
                try await browser.click("#open-case")
                _ = try await browser.element("#grant-username") // the case page has loaded
                let caseURL = try await browser.currentURL
                #expect(caseURL.contains("/cases/"))
                try await browser.type("#grant-username", victim.account.username)
                try await browser.click("#grant-access")
                try await browser.type("#issuer", "Bostandyk district police")
                try await browser.set("#issuedAt", "2026-10-01T09:00")
                try await browser.set("#validUntil", "2026-09-01T09:00")
                try await browser.click("#issue-order")
                #expect(try await browser.waitFor("id=\"validUntil-error\""), "an order that ends before it begins is refused beside the field")
                #expect(try await browser.waitFor("Bostandyk district police"), "what was typed is kept")
                try await browser.set("#validUntil", almaty.string(from: Date().addingTimeInterval(30 * 86_400)))
                try await browser.click("#issue-order")
                #expect(try await browser.waitFor("Saved."))
                try await browser.screenshot("03-new-case")
                try await signOut()

                try await signIn(victim)
                #expect(try await browser.waitFor("My diary"))
                for (day, what) in [("2026-10-03T20:10", "Waited at my door and followed me to the bus"),
                                    ("2026-10-10T22:40", "Sent thirty messages saying he is watching me"),
                                    ("2026-10-17T08:15", "Came to my work and shouted at me in the hall")] {
                    try await browser.set("#occurredAt", day)
                    try await browser.type("#description", what)
                    try await browser.click("input[value=fear]", navigates: false)
                    try await browser.click("#againstWill-yes", navigates: false)
                    if what.hasPrefix("Came to my work") { try await browser.click("input[value=changedJob]", navigates: false) }
                    try await browser.click("#save-incident")
                    #expect(try await browser.waitFor("Saved."), "\(what)")
                }
                #expect(try await browser.waitFor("in force until"), "she sees her order")
                try await browser.screenshot("04-victim-diary")
                // keyboard: the form can be walked with Tab, every field labelled
                try await browser.open(site + "/")
                var focused: [String] = []
                for _ in 0..<40 { focused.append(try await browser.tab()) }
                for field in ["quick-exit", "panic-button", "occurredAt", "place", "kind", "channel", "description", "witnesses", "againstWill-yes", "photo", "save-incident"] {
                    #expect(focused.contains(field), "Tab reaches \(field): \(focused)")
                }
                try await signOut()

                try await signIn(officer)
                try await browser.open(caseURL + "?lang=en")
                #expect(try await browser.waitFor("Grounds for criminal liability"), "the assessment turned to grounds")
                try await browser.screenshot("05-case-grounds")
                try await browser.set("#admin-decidedAt", almaty.string(from: Date()))
                try await browser.type("#admin-amount", "10")
                try await browser.click("#refer-violations")
                #expect(try await browser.waitFor("<table id=\"administrative-cases\">"), "the violations were decided under the administrative code")
                #expect(try await browser.waitFor("fine 10 MRP"))
                try await browser.type("#registrationNumber", "261000000000001")
                try await browser.click("#register-proceeding")
                try await browser.click("#send-to-court")
                #expect(try await browser.waitFor("id=\"court-confirm\""), "sending to court asks to confirm what will be recorded")
                try await browser.click("#confirm-court")
                try await browser.screenshot("06-in-court")
                _ = try await app.request(.POST, "/api/v1/cases/\(caseURL.split(separator: "/").last!)/access",
                                          json: ["username": judge.account.username], as: officer)
                try await signOut()

                try await signIn(judge)
                try await browser.open(caseURL + "?lang=en")
                try await browser.type("#court", "Almaty specialised inter-district court")
                try await browser.set("#decidedAt", almaty.string(from: Date()))
                try await browser.click("#punishment option[value=communityService]", navigates: false)
                try await browser.type("#amount", "300")
                try await browser.click("#record-verdict")
                #expect(try await browser.waitFor("id=\"outcome-error\""), "no outcome is chosen for the judge")
                try await browser.click("#outcome option[value=guilty]", navigates: false)
                try await browser.click("#record-verdict")
                #expect(try await browser.waitFor("id=\"verdict-confirm\""), "a verdict asks to confirm what will be recorded")
                try await browser.click("#confirm-verdict")
                #expect(try await browser.waitFor("id=\"punishment-error\""), "300 hours is over the bound, said beside the field")
                try await browser.screenshot("07-verdict-refused")
                try await browser.type("#amount", "100")
                try await browser.click("#record-verdict")
                try await browser.click("#confirm-verdict")
                #expect(try await browser.waitFor("Almaty specialised inter-district court"))
                #expect(try await browser.waitFor("5 MRP"), "the mandatory payment of the gravest category")
                try await browser.screenshot("08-verdict")
                await browser.quit()
            } catch {
                try? await browser.screenshot("failure")
                await browser.quit()
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }
}
