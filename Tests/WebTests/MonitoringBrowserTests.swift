import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
@testable import Web

/// The monitoring console in a real (headless) Chromium, in Russian and Kazakh: a circle from her
/// home and a polygon with a courtyard cut out, its corners and the courtyard's clicked on the map, saved and enforced
/// (a ping in the building raises an alert, one in the courtyard none); a polygon of two corners
/// refused beside the field; the bracelet replaced; the alert's page with its chart. Every page
/// photographed (`.build/screenshots/`) passes axe's WCAG A and AA rules.
@Suite(.serialized, .timeLimit(.minutes(10))) struct MonitoringBrowserTests {
    @Test(.enabled(if: WebDriver.available, "chromium and chromedriver are not installed"), arguments: ["ru", "kk"])
    func zonesDrawnOnTheMapAreEnforcedAndTheAlertShownForCourt(_ language: String) async throws {
        try await withQorgauApp { app in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let site = "http://127.0.0.1:\(port)"
            let caseID = try await MonitoringMapTests.caseInForce(app)
            let officer = try await app.makeUser(.officer, username: "officer.map", unit: Fixtures.unit)
            let browser = try await WebDriver(client: app.client, language: language)
            let ru = language == "ru"
            do {
                try await browser.signIn(at: site + "/login?lang=\(language)", officer.account.username, officer.password)
                let page = site + "/cases/\(caseID)/monitoring"
                try await browser.open(page)
                #expect(try await browser.waitFor(ru ? "Добавить зону" : "Аймақ қосу"))
                try await browser.screenshot("monitoring-\(language)-1-empty")

                // her home as a circle of 150 m: the place chosen, the radius typed
                try await browser.run("var s = document.getElementById('zone-place'); s.value = 'v/0'; s.dispatchEvent(new Event('change'));")
                #expect(try await browser.run("return document.getElementById('zone-lat').value") as? String == "43.22")
                try await browser.type("#zone-radius", "150")
                try await browser.type("#zone-reason", ru ? "решение суда" : "сот шешімі")
                try await browser.click("#zone-save")
                #expect(try await browser.waitFor("id=\"zones\""))
                #expect(try await browser.waitFor(ru ? "круг радиусом 150 м" : "радиусы 150 м шеңбер"))

                // a polygon of two corners: refused beside its field
                try await browser.click("#shape-polygon", navigates: false)
                try await browser.clickMap(lat: 43.2210, lon: 76.8480)
                try await browser.clickMap(lat: 43.2210, lon: 76.8530)
                try await browser.type("#zone-reason", "x")
                try await browser.click("#zone-save")
                #expect(try await browser.waitFor("id=\"zone-corners-error\""))
                try await browser.screenshot("monitoring-\(language)-2-refused")

                // the building: four corners clicked, the courtyard typed
                try await browser.type("#zone-corners", "")
                try await browser.click("#shape-polygon", navigates: false)
                let corners = [(43.2160, 76.8400), (43.2160, 76.8440), (43.2190, 76.8440), (43.2190, 76.8400)]
                for (lat, lon) in corners { try await browser.clickMap(lat: lat, lon: lon) }
                try await browser.click("#click-holes", navigates: false) // the courtyard clicked too
                for (lat, lon) in [(43.2170, 76.8415), (43.2170, 76.8425), (43.2180, 76.8425), (43.2180, 76.8415)] {
                    try await browser.clickMap(lat: lat, lon: lon)
                }
                try await browser.type("#zone-reason", ru ? "работа потерпевшей" : "жәбірленушінің жұмысы")
                try await browser.click("#zone-save")
                #expect(try await browser.waitFor(ru ? "вершин — 4, вырезов — 1" : "төбелері — 4, ойықтары — 1"))
                try await browser.run("document.getElementById('map-area').scrollIntoView()")
                try await browser.screenshot("monitoring-\(language)-3-zones")
                let orders = try await app.request(.GET, "/api/v1/cases/\(caseID)/orders")
                let zones = ((orders.json["items"] as? [[String: Any]])?.first?["conditions"] as? [String: Any])?["zones"] as? [[String: Any]] ?? []
                let drawn = (zones.last?["polygon"] as? [[String: Double]]) ?? []
                #expect(drawn.count == 4)
                for (point, corner) in zip(drawn, corners) {
                    #expect(abs(point["lat"]! - corner.0) < 0.00002 && abs(point["lon"]! - corner.1) < 0.00002, "a click is the point clicked")
                }

                // enforced: the courtyard nothing, the building an alert
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                func at(_ ms: Int64) -> String { ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 18_000).description }
                try await MonitoringMapTests.sendPings(app, [MonitoringProbe.ping(at(now + 1000), 43.2175, 76.8420, accuracy: 5)])
                #expect(try await MonitoringStore(db: app.db).alerts(caseID: UUID(uuidString: caseID)!, scope: .all).isEmpty)
                try await MonitoringMapTests.sendPings(app, [MonitoringProbe.ping(at(now + 2000), 43.2163, 76.8405, accuracy: 5)])
                let alert = try #require(try await MonitoringStore(db: app.db).alerts(caseID: UUID(uuidString: caseID)!, scope: .all).first)

                // the bracelet replaced
                try await browser.open(page)
                try await browser.run("document.querySelector('#device-table details').open = true")
                try await browser.type("#new-bracelet-1", "bracelet-7")
                try await browser.type("#why-bracelet-1", ru ? "ремешок порван" : "белдігі үзілген")
                try await browser.click("#device-table form[action$='/replace'] button")
                #expect(try await browser.waitFor("bracelet-7"))
                try await browser.screenshot("monitoring-\(language)-4-devices")

                // the alert's page: the chart, its numbers, the evidence
                try await browser.open(site + "/cases/\(caseID)/alerts/\(alert.id.apiString)")
                #expect(try await browser.waitFor("id=\"distance-chart\""))
                #expect(try await browser.waitFor("id=\"hash-same\""))
                try await browser.screenshot("monitoring-\(language)-5-breach")
                await browser.quit() // and axe's findings checked
            } catch {
                try? await browser.screenshot("monitoring-\(language)-failure")
                await browser.quit()
                await app.server.shutdown()
                throw error
            }
            await app.server.shutdown()
        }
    }
}
