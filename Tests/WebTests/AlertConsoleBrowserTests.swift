import Foundation
import Store
import Testing
import TestSupport
import Vapor
@testable import Web

/// The alert console in a real (headless) Chromium, as an officer uses it in Russian and Kazakh:
/// an alert raised while the page is open appears on it by itself (the alert stream), and is
/// acknowledged with a note from the page.
@Suite(.serialized, .timeLimit(.minutes(10))) struct AlertConsoleBrowserTests {
    @Test(.enabled(if: WebDriver.available, "chromium and chromedriver are not installed"))
    func anAlertAppearsLiveAndIsAcknowledgedWithANote() async throws {
        try await withQorgauApp { app in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let site = "http://127.0.0.1:\(port)"
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "ALM-LIVE-7"))
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            let officer = try await app.makeUser(.officer, username: "dana.officer", unit: Fixtures.unit)
            let browser = try await WebDriver(client: app.client, window: "1280,900", language: "ru")
            do {
                try await browser.open(site + "/login?lang=ru")
                try await browser.type("#username", officer.account.username)
                try await browser.type("#password", officer.password)
                try await browser.click("form[action=\"/login\"] button[type=submit]")
                try await browser.open(site + "/alerts?lang=ru")
                #expect(try await browser.waitFor("Неподтверждённых тревог нет"))
                try await Task.sleep(for: .milliseconds(500)) // the page's stream is open

                let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseID)
                #expect(try await browser.waitFor("ALM-LIVE-7"), "the new alert appears without a reload by hand")
                #expect(try await browser.waitFor("Вход в запретную зону"))
                try await browser.screenshot("console-01-live-alert-ru")

                try await browser.type("#note-\(alertID)", "Выехал экипаж 12, на связи с потерпевшей")
                try await browser.click("#a-\(alertID) form[action$=\"/acknowledge\"] button[type=submit]")
                #expect(try await browser.waitFor("Неподтверждённых тревог нет"), "acknowledged, it leaves the open alerts")
                let alerts = try await app.request(.GET, "/api/v1/cases/\(caseID.apiString)/alerts")
                let acknowledged = try #require((alerts.json["items"] as? [[String: Any]])?.first { $0["id"] as? String == alertID })
                #expect(acknowledged["acknowledgedBy"] as? String != nil)
                let alertUUID = try #require(UUID(uuidString: alertID))
                let events = try await AlertEventReads(db: app.db).events(of: [alertUUID]).values.first ?? []
                #expect(events.contains { $0.kind == .acknowledged && $0.note == "Выехал экипаж 12, на связи с потерпевшей" },
                        "the note is kept with the acknowledgement")

                try await browser.open(site + "/alerts?lang=kk")
                #expect(try await browser.waitFor("Расталмаған дабылдар жоқ"))
                try await browser.screenshot("console-02-acknowledged-kk")
            } catch {
                await browser.quit()
                await app.server.shutdown()
                throw error
            }
            await browser.quit()
            await app.server.shutdown()
        }
    }
}
