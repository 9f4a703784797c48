import Foundation
import Testing
import TestSupport
import Vapor
@testable import Web

/// The main journeys in a real (headless) Chromium: an officer opens a case and lets the victim
/// see it; the victim logs incidents in her diary; the officer sees the assessment turn to
/// "grounds", registers the criminal case, sends it to court, and the verdict is recorded.
/// Runs when Chromium and chromedriver are installed (`.ci/run` installs them).
@Suite(.serialized, .timeLimit(.minutes(10))) struct BrowserJourneyTests {
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
                func signIn(_ user: TestUser) async throws { try await browser.signIn(at: site + "/login", user.account.username, user.password) }
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

    /// The same path in Russian and in Kazakh, through the pages alone (the judge's access granted
    /// on the case page too), on to the Fund officer recording the payment; every page checked by
    /// axe when its screenshot is taken.
    @Test(.enabled(if: WebDriver.available, "chromium and chromedriver are not installed"), arguments: ["ru", "kk"])
    func fromFirstReportToTheFundsPaymentInTheLanguage(_ language: String) async throws {
        try await withQorgauApp { app in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let site = "http://127.0.0.1:\(port)"
            let t = app.catalogs.words(language)
            func words(_ key: String) -> String { t[key] ?? key }
            /// The longest fixed part of a template with placeholders ("{type}: действует до {date}." → "действует до").
            func fixedPart(_ key: String) -> String {
                words(key).components(separatedBy: CharacterSet(charactersIn: "{}")).enumerated().filter { $0.offset % 2 == 0 }
                    .map { $0.element.trimmingCharacters(in: CharacterSet(charactersIn: " :.,")) }.max { $0.count < $1.count } ?? ""
            }
            let officer = try await app.makeUser(.officer, username: "officer.\(language)", unit: Fixtures.unit)
            let victim = try await app.makeUser(.victim, username: "victim.\(language)")
            let judge = try await app.makeUser(.judge, username: "judge.\(language)")
            let fund = try await app.makeUser(.fundOfficer, username: "fund.\(language)")
            let almaty = DateFormatter()
            almaty.dateFormat = "yyyy-MM-dd'T'HH:mm"
            almaty.timeZone = TimeZone(identifier: "Asia/Almaty")
            let browser = try await WebDriver(client: app.client, language: language)
            do {
                func signIn(_ user: TestUser) async throws {
                    try await browser.signIn(at: site + "/login?lang=\(language)", user.account.username, user.password)
                }
                func signOut() async throws { try await browser.click("header form button[type=submit]") }
                func shot(_ name: String) async throws { try await browser.screenshot("journey-\(language)-\(name)") }

                try await signIn(officer)
                #expect(try await browser.waitFor(words("my_cases")))
                try await browser.type("#number", "ALM-\(language)-0001")
                try await browser.click("#open-case")
                _ = try await browser.element("#grant-username")
                let caseURL = try await browser.currentURL
                for user in [victim, judge] {
                    try await browser.type("#grant-username", user.account.username)
                    try await browser.click("#grant-access")
                    _ = try await browser.element("#grant-username")
                }
                try await browser.type("#issuer", language == "ru" ? "УП Бостандыкского района" : "Бостандық ауданының ПБ")
                try await browser.set("#issuedAt", almaty.string(from: Date().addingTimeInterval(-40 * 86_400)))
                try await browser.set("#validUntil", almaty.string(from: Date().addingTimeInterval(30 * 86_400)))
                try await browser.click("#issue-order")
                #expect(try await browser.waitFor(words("saved")))
                try await shot("01-case")
                try await signOut()

                try await signIn(victim)
                #expect(try await browser.waitFor(words("diary_title")))
                for (days, what) in [(30.0, "Ждал у подъезда и шёл за мной до остановки"), (20.0, "Написал тридцать сообщений, что следит за мной"),
                                     (10.0, "Пришёл ко мне на работу и кричал в коридоре")] {
                    try await browser.set("#occurredAt", almaty.string(from: Date().addingTimeInterval(-days * 86_400)))
                    try await browser.type("#description", what)
                    try await browser.click("input[value=fear]", navigates: false)
                    try await browser.click("#againstWill-yes", navigates: false)
                    if days == 10 { try await browser.click("input[value=changedJob]", navigates: false) }
                    try await browser.click("#save-incident")
                    #expect(try await browser.waitFor(words("saved")), "\(what)")
                }
                #expect(try await browser.waitFor(fixedPart("victim_order_until")), "she sees her order")
                try await shot("02-diary")
                try await signOut()

                try await signIn(officer)
                try await browser.open(caseURL)
                #expect(try await browser.waitFor(words("conclusion_grounds")), "the assessment turned to grounds")
                try await shot("03-grounds")
                try await browser.type("#registrationNumber", "261000000000002")
                try await browser.click("#register-proceeding")
                try await browser.click("#send-to-court")
                #expect(try await browser.waitFor("id=\"court-confirm\""))
                try await browser.click("#confirm-court")
                try await shot("04-in-court")
                try await signOut()

                try await signIn(judge)
                try await browser.open(caseURL)
                try await browser.type("#court", language == "ru" ? "Специализированный межрайонный суд г. Алматы" : "Алматы қаласының мамандандырылған ауданаралық соты")
                try await browser.set("#decidedAt", almaty.string(from: Date().addingTimeInterval(-86_400)))
                try await browser.click("#outcome option[value=guilty]", navigates: false)
                try await browser.click("#punishment option[value=communityService]", navigates: false)
                try await browser.type("#amount", "100")
                try await browser.click("#record-verdict")
                try await browser.click("#confirm-verdict")
                #expect(try await browser.waitFor(language == "ru" ? "5 МРП" : "5 АЕК"), "the mandatory payment")
                try await shot("05-verdict")
                try await signOut()

                try await signIn(fund)
                #expect(try await browser.waitForURL { $0.contains("/fund") })
                let caseID = String(caseURL.split(separator: "/").last!.prefix { $0 != "?" && $0 != "#" })
                try await browser.set("tr[id^=\"p-\(caseID)\"] input[name=paidOn]", String(almaty.string(from: Date()).prefix(10)))
                try await browser.type("tr[id^=\"p-\(caseID)\"] input[name=document]", "ПП-2026-15")
                try await browser.click("tr[id^=\"p-\(caseID)\"] button[type=submit]")
                #expect(try await browser.waitFor(words("fund_payment_recorded")))
                #expect(try await browser.waitFor("ПП-2026-15"))
                try await shot("06-fund-paid")
                await browser.quit()
            } catch {
                try? await browser.screenshot("failure-\(language)")
                await browser.quit()
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }
}
