import Foundation
import Testing
import TestSupport
import Vapor
@testable import Web

/// The victim's pages in a real (headless) Chromium on a phone-sized window, in Russian and
/// Kazakh: the quick exit by its button, by Esc and by Shift pressed three times, after which
/// Back shows no diary; her draft kept as she types survives the exit; the panic button.
@Suite(.serialized, .timeLimit(.minutes(10))) struct VictimBrowserTests {
    @Test(.enabled(if: WebDriver.available, "chromium and chromedriver are not installed"))
    func quickExitDraftAndPanicOnAPhone() async throws {
        try await withQorgauApp { app in
            app.storage[AppConfigKey.self]!.quickExitURL = "about:blank" // no outside network here
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let site = "http://127.0.0.1:\(port)"
            let (caseID, _) = try await EvidenceAPITests.caseWithIncident(app)
            let victim = try await app.makeUser(.victim, username: "victim.phone", cases: [UUID(uuidString: caseID)!])
            let browser = try await WebDriver(client: app.client, window: "390,844", language: "ru")
            func left() async throws -> Bool { try await browser.waitForURL { $0 == "about:blank" } }
            func signIn(_ lang: String) async throws {
                try await browser.open(site + "/login?lang=\(lang)")
                try await browser.type("#username", victim.account.username)
                try await browser.type("#password", victim.password)
                try await browser.click("form[action=\"/login\"] button[type=submit]")
                _ = try await browser.element("#incident-form")
            }
            /// After an exit, Back lands on the sign-in page, never on her diary.
            func backShowsNoDiary(_ how: String) async throws {
                try await browser.back()
                _ = try await browser.waitForURL { $0.hasPrefix(site) }
                #expect(try await browser.waitFor("id=\"username\""), "\(how): Back shows the sign-in page")
                let source = try await browser.source
                #expect(!source.contains("incident-form") && !source.contains("panic-button"), "\(how): Back shows no diary")
            }
            do {
                try await browser.open(site + "/login?lang=ru")
                #expect(try await browser.waitFor("id=\"quick-exit\""), "the quick exit is on the sign-in page")
                try await browser.screenshot("victim-01-sign-in-ru")
                try await signIn("ru")
                #expect(try await browser.title == "Заметки", "a neutral tab title")
                try await browser.screenshot("victim-02-diary-ru")
                // she starts writing; a moment later it is kept on the server
                try await browser.type("#description", "Ждал у подъезда и шёл за мной до остановки")
                try await Task.sleep(for: .milliseconds(2500))
                try await browser.open(site + "/password") // a second page in the history
                try await browser.open(site + "/")
                try await browser.click("#quick-exit")
                #expect(try await left(), "the button leaves for the neutral page")
                try await backShowsNoDiary("button")

                try await signIn("kk")
                #expect(try await browser.waitFor("Ждал у подъезда и шёл за мной до остановки"), "her draft came back")
                #expect(try await browser.waitFor("id=\"draft-restored\""))
                try await browser.screenshot("victim-03-draft-restored-kk")
                try await browser.press(["\u{E00C}"])
                #expect(try await left(), "Esc leaves")
                try await backShowsNoDiary("Esc")

                try await signIn("kk")
                try await browser.press(["\u{E008}", "\u{E008}", "\u{E008}"])
                #expect(try await left(), "Shift three times leaves")
                try await backShowsNoDiary("Shift×3")

                try await signIn("ru")
                try await browser.click("#panic-button")
                #expect(try await browser.waitFor("id=\"panic-sent\""), "the panic button says the police were alerted")
                try await browser.screenshot("victim-04-panic-ru")
                let alerts = try await app.request(.GET, "/api/v1/cases/\(caseID)/alerts?open=true")
                #expect((alerts.json["items"] as? [[String: Any]])?.contains { $0["kind"] as? String == "panic" } == true,
                        "the officer sees the panic alert")
                await browser.quit()
            } catch {
                try? await browser.screenshot("victim-failure")
                await browser.quit()
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }
}
