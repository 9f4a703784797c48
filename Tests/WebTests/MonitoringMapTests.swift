import Crypto
import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The monitoring map of a case and an alert's page for court: what they draw is what is stored
/// (the zone, the track, where the alert was raised), the distances in the chart are those the
/// test works out from the stored pings, the breach's evidence file is made again with the hash
/// it was recorded with, and nobody outside the case's scope learns anything.
@Suite struct MonitoringMapTests {
    static let zone = (lat: 43.22, lon: 76.85, radius: 300.0) // the fixture's home zone

    /// The fixture's case with a zone alert: a ping far away, then one in the zone.
    static func caseWithAlert(_ app: Application) async throws -> (caseID: String, alertID: String) {
        let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "MAP-1"))
        let caseID = try #require(imported.json["id"] as? String)
        let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: UUID(uuidString: caseID)!)
        return (caseID, alertID)
    }

    @Test func theMapDrawsTheZoneTheTrackAndTheAlertInTheLanguage() async throws {
        try await withQorgauApp { app in
            let (caseID, alertID) = try await Self.caseWithAlert(app)
            let page = try await PageTests.page(app, "/cases/\(caseID)/monitoring?from=2025-10-25T09:00&to=2025-10-25T11:00&lang=ru")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<svg class=\"map\""))
            #expect(html.contains("class=\"zone-area\""), "the home zone is drawn")
            #expect(html.contains("class=\"track track-respondent\""), "the respondent's track")
            #expect(html.contains("href=\"/cases/\(caseID)/alerts/\(alertID)\""), "the alert's mark and row lead to its page")
            let text = PageTests.visibleText(html)
            for words in ["Карта мониторинга", "Устройства", "браслет", "Зона 1 (дом)", "круг радиусом 300 м", "Вход в запретную зону"] {
                #expect(text.contains(words), "ru: \(words)")
            }
            #expect(text.range(of: "[0-9a-f]{8}-[0-9a-f]{4}-", options: .regularExpression) == nil, "no ids in the text")
            let kazakh = PageTests.visibleText(try await PageTests.page(app, "/cases/\(caseID)/monitoring?from=2025-10-25T09:00&to=2025-10-25T11:00&lang=kk").text)
            for words in ["Құрылғылар", "білезік", "1-аймақ"] { #expect(kazakh.contains(words), "kk: \(words)") }

            // a period the wrong way round is said, and the last day shown instead
            let wrong = try await PageTests.page(app, "/cases/\(caseID)/monitoring?from=2025-10-25T11:00&to=2025-10-25T09:00&lang=ru")
            #expect(wrong.status == .ok)
            #expect(wrong.text.contains("id=\"period-error\""))
            #expect(!wrong.text.contains("href=\"/cases/\(caseID)/alerts/\(alertID)\""), "the alert of 2025 is not in the last day")
            // the case page leads to the map
            #expect(try await PageTests.page(app, "/cases/\(caseID)").text.contains("href=\"/cases/\(caseID)/monitoring\""))
        }
    }

    @Test func theBreachPageShowsTheDistancesTheStoredTrackGivesAndItsEvidenceHash() async throws {
        try await withQorgauApp { app in
            let (caseID, alertID) = try await Self.caseWithAlert(app)
            let page = try await PageTests.page(app, "/cases/\(caseID)/alerts/\(alertID)?lang=ru")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("id=\"distance-chart\""))
            #expect(html.contains("граница зоны"), "the order's line is named")

            // the distances, worked out here from the stored pings, are the table's
            let pings = try await MonitoringStore(db: app.db).track(caseID: UUID(uuidString: caseID)!, device: "bracelet-1",
                                                                   from: .min, to: .max)
            #expect(pings.count == 2)
            let table = try #require(html.components(separatedBy: "id=\"distance-table\"").last)
            let cells = table.matches(of: /<td>([^<]*)<\/td>/).map { String($0.1).replacingOccurrences(of: "\u{00A0}", with: " ") }
            for ping in pings {
                let metres = Geo.distanceMeters(ping.lat!, ping.lon!, Self.zone.lat, Self.zone.lon) - Self.zone.radius
                let shown = max(0, metres)
                let said = (shown >= 1000 ? String(format: "%.1f", shown / 1000).replacingOccurrences(of: ".", with: ",") + " км"
                                          : "\(Int(shown.rounded())) м") + (metres < 0 ? " (внутри)" : "")
                #expect(cells.contains(said), "\(said) in \(cells)")
            }
            #expect(pings.contains { Geo.distanceMeters($0.lat!, $0.lon!, Self.zone.lat, Self.zone.lon) < Self.zone.radius }, "one inside")

            // the evidence file, made again, has the hash the breach was recorded with
            #expect(html.contains("id=\"hash-same\""))
            let recorded = try #require(html.firstMatch(of: /id="recorded-hash">([0-9a-f]{64})</)?.1)
            let file = try await app.request(.GET, "/cases/\(caseID)/alerts/\(alertID)/track.jsonl")
            #expect(file.status == .ok)
            #expect(SHA256.hash(data: Data(file.body.readableBytesView)).map { String(format: "%02x", $0) }.joined() == String(recorded))
            let incidents = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents")
            let evidence = (incidents.json["items"] as? [[String: Any]])?.compactMap { ($0["evidence"] as? [[String: Any]])?.first?["sha256"] as? String }
            #expect(evidence?.contains(String(recorded)) == true, "the hash is the breach episode's evidence")
        }
    }

    @Test func nobodyOutsideTheCaseLearnsWhereAnyoneWas() async throws {
        try await withQorgauApp { app in
            let (caseID, alertID) = try await Self.caseWithAlert(app)
            let stranger = try await app.makeUser(.officer, unit: "Another unit")
            for path in ["/cases/\(caseID)/monitoring", "/cases/\(caseID)/alerts/\(alertID)", "/cases/\(caseID)/alerts/\(alertID)/track.jsonl"] {
                #expect(try await PageTests.page(app, path, as: stranger).status == .notFound, "\(path)")
            }
            let victim = try await app.makeUser(.victim, cases: [UUID(uuidString: caseID)!])
            #expect(try await PageTests.page(app, "/cases/\(caseID)/monitoring", as: victim).status == .forbidden)
            #expect(try await PageTests.page(app, "/cases/\(caseID)/alerts/\(UUID().uuidString.lowercased())").status == .notFound)
            let reads = try await AuditStore(db: app.db).list(action: "read.monitoringMap", limit: 10, after: nil)
            #expect(reads.items.isEmpty, "refused reads are not reads")
            _ = try await PageTests.page(app, "/cases/\(caseID)/monitoring")
            #expect(try await AuditStore(db: app.db).list(action: "read.monitoringMap", limit: 10, after: nil).items.count == 1, "the read is audited")
        }
    }

    @Test func theProjectionFitsWhatItShowsAndTheTilesLieUnderIt() {
        let home = GeoPoint(lat: 43.22, lon: 76.85)
        let map = MapProjection(fitting: [(home, 300)])
        let (x, y) = map.point(home)
        #expect(abs(x - map.width / 2) < 1 && abs(y - map.height / 2) < 1, "centred")
        let radius = map.pixels(metres: 300, latitude: home.lat)
        #expect(radius * 2 < map.height && radius * 4 > map.height * 0.9 / 2, "the zone fills the frame at the largest whole zoom")
        // a tile's corner is where the same point of the world is drawn
        let tiles = map.tiles(template: "https://tiles.example/{z}/{x}/{y}.png")
        let first = try! #require(tiles.first)
        let parts = first.href.split(separator: "/").suffix(3).map { Int($0.split(separator: ".")[0])! }
        let corner = MapProjection.world(GeoPoint(lat: 0, lon: 0), zoom: parts[0])
        #expect(abs(Double(parts[1]) * 256 - (first.x + map.left)) < 0.001)
        #expect(abs(Double(parts[2]) * 256 - (first.y + map.top)) < 0.001)
        #expect(corner.x == 128 * pow(2, Double(parts[0])), "the world's middle")
    }
}
