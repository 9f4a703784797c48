import Crypto
import Domain
import Foundation
import Presentation
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
                let shown = abs(metres)
                let said = (shown >= 1000 ? String(format: "%.1f", shown / 1000).replacingOccurrences(of: ".", with: ",") + " км"
                                          : "\(Int(shown.rounded())) м") + (metres < 0 ? " внутри зоны" : "")
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

            // the breach's episode is said in the page's language on the case page and in the dossier
            for path in ["/cases/\(caseID)?lang=ru", "/api/v1/cases/\(caseID)/dossier?lang=ru"] {
                let text = PageTests.visibleText(try await PageTests.page(app, path).text)
                #expect(text.contains("Мониторинг: устройство bracelet-1 вошло в зону № 1 предписания «Защитное предписание"), "\(path)")
                #expect(!text.contains("Monitoring: device"), "\(path)")
            }
            // and the dossier carries the breach's figure with the same hash
            let dossier = try await PageTests.page(app, "/api/v1/cases/\(caseID)/dossier?lang=ru").text
            #expect(dossier.contains("Нарушения по данным мониторинга"))
            #expect(dossier.contains("<svg class=\"chart\""))
            #expect(dossier.contains(String(recorded)) && dossier.contains("Совпадают"))
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

    /// A case whose order is in force now, without zones, and whose respondent wears a bracelet.
    static func caseInForce(_ app: Application) async throws -> String {
        var file = Fixtures.caseFileJSON(number: "ZONE-1")
        for section in ["administrativeCases", "criminalProceedings", "verdicts"] { file[section] = nil }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        func at(_ ms: Int64) -> String { ZonedDateTime(epochMilliseconds: ms / 60_000 * 60_000, offsetSeconds: 18_000).description }
        file["protectiveOrders"] = [["id": "o1", "type": "protectiveOrder", "issuedAt": at(now - 86_400_000), "validUntil": at(now + 20 * 86_400_000),
                                     "issuer": "District police", "conditions": ["noContact": true, "minDistanceMeters": 500]]]
        let imported = try await app.request(.POST, "/api/v1/case-files", json: file)
        return try #require(imported.json["id"] as? String, "\(imported.text)")
    }

    static func sendPings(_ app: Application, _ pings: [[String: Any]]) async throws {
        let gateway = try await app.makeUser(.gateway, username: "gateway.zones")
        let sent = try await app.request(.POST, "/api/v1/monitoring/pings", json: ["pings": pings], as: gateway)
        #expect(sent.status == .ok, "\(sent.text)")
    }

    @Test func aZoneDrawnOnThePageIsEnforcedAtOnceAndAWrongOneIsSaidBesideItsField() async throws {
        try await withQorgauApp { app in
            let caseID = try await Self.caseInForce(app)
            let page = try await PageTests.page(app, "/cases/\(caseID)/monitoring?lang=ru")
            #expect(page.text.contains("id=\"zone-form\""), "an officer may set zones of an order in force")
            #expect(page.text.contains("data-point=\"43.22,76.85\""), "her home is offered as a centre")

            // a polygon of two corners and a line that is not a point: said in Russian, nothing saved
            let wrong = try await AlertConsoleTests.post(app, "/cases/\(caseID)/zones?lang=ru", PageTests.encoded([
                ("order", "o1"), ("kind", "work"), ("shape", "polygon"), ("corners", "43.25, 76.90\n43.26, 76.91\nгде-то тут"), ("reason", "суд")]))
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("строка 3 — не «широта, долгота»"))
            let twoCorners = try await AlertConsoleTests.post(app, "/cases/\(caseID)/zones?lang=ru", PageTests.encoded([
                ("order", "o1"), ("kind", "work"), ("shape", "polygon"), ("corners", "43.25, 76.90\n43.26, 76.91"), ("reason", "суд")]))
            #expect(twoCorners.status == .unprocessableEntity)
            #expect(twoCorners.text.contains("не меньше 3 вершин"))
            #expect(twoCorners.text.contains("id=\"zone-corners-error\""))
            let noReason = try await AlertConsoleTests.post(app, "/cases/\(caseID)/zones?lang=ru", PageTests.encoded([
                ("order", "o1"), ("kind", "home"), ("shape", "circle"), ("place", "v/0"), ("radius", "200")]))
            #expect(noReason.text.contains("id=\"zone-reason-error\""))
            let order = { try await app.request(.GET, "/api/v1/cases/\(caseID)/orders") }
            #expect(try await ((order().json["items"] as? [[String: Any]])?.first?["conditions"] as? [String: Any])?["zones"] == nil)

            // her work as a polygon with a courtyard cut out
            let saved = try await AlertConsoleTests.post(app, "/cases/\(caseID)/zones?lang=ru", PageTests.encoded([
                ("order", "o1"), ("kind", "work"), ("shape", "polygon"),
                ("corners", "43.2500, 76.9000\n43.2500; 76.9100\n43,2560 76,9100\n43.2560, 76.9000"),
                ("holes", "43.2520, 76.9040\n43.2520, 76.9060\n43.2540, 76.9060\n43.2540, 76.9040"), ("reason", "решение суда")]))
            #expect(saved.status == .seeOther, "\(saved.text)")
            let shown = PageTests.visibleText(try await PageTests.page(app, "/cases/\(caseID)/monitoring?lang=ru").text)
            #expect(shown.contains("многоугольник: вершин — 4, вырезов — 1"))
            let casePage = try await PageTests.page(app, "/cases/\(caseID)?lang=ru").text
            #expect(casePage.contains("id=\"case-map\"") && casePage.contains("class=\"zone-area\""), "the case page draws the zones in force")

            // enforced at once: in the courtyard nothing, in the building an alert
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            func at(_ ms: Int64) -> String { ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 18_000).description }
            try await Self.sendPings(app, [MonitoringProbe.ping(at(now + 1000), 43.2530, 76.9050, accuracy: 5)])
            let uuid = try #require(UUID(uuidString: caseID))
            #expect(try await MonitoringStore(db: app.db).alerts(caseID: uuid, scope: .all).isEmpty, "the cut-out is not the zone")
            try await Self.sendPings(app, [MonitoringProbe.ping(at(now + 2000), 43.2505, 76.9010, accuracy: 5)])
            let alerts = try await MonitoringStore(db: app.db).alerts(caseID: uuid, scope: .all)
            #expect(alerts.map(\.kind) == [.zone], "inside the polygon: a zone alert")

            // taken off with a reason: it ends now, and stays in the order with its days
            let removed = try await AlertConsoleTests.post(app, "/cases/\(caseID)/orders/o1/zones/0/remove", PageTests.encoded([("reason", "отменено судом")]))
            #expect(removed.status == .seeOther)
            let kept = try await ((order().json["items"] as? [[String: Any]])?.first?["conditions"] as? [String: Any])?["zones"] as? [[String: Any]]
            #expect(kept?.count == 1 && kept?.first?["until"] != nil && kept?.first?["from"] != nil)
            #expect(!(try await PageTests.page(app, "/cases/\(caseID)/monitoring?lang=ru").text.contains("/orders/o1/zones/0/remove")),
                    "an ended zone is not taken off again")
            let history = try await app.request(.GET, "/api/v1/cases/\(caseID)/orders/\(try #require((order().json["items"] as? [[String: Any]])?.first?["id"] as? String))/history")
            #expect((history.json["items"] as? [Any])?.count ?? 0 >= 2, "each change a version with its reason")
        }
    }

    @Test func theAPIReplacesAnOrdersZonesByTheSameRules() async throws {
        try await withQorgauApp { app in
            let caseID = try await Self.caseInForce(app)
            let orderID = try #require(((try await app.request(.GET, "/api/v1/cases/\(caseID)/orders")).json["items"] as? [[String: Any]])?.first?["id"] as? String)
            let path = "/api/v1/cases/\(caseID)/orders/\(orderID)/zones"
            let wide = try await app.request(.PUT, path, json: ["reason": "x", "zones": [["kind": "other", "polygon": [
                ["lat": 10, "lon": -100], ["lat": 10, "lon": 100], ["lat": 20, "lon": 0]]]]])
            #expect(wide.status == .unprocessableEntity)
            #expect(wide.text.contains("polygonTooWide"))
            let pole = try await app.request(.PUT, path, json: ["reason": "x", "zones": [["kind": "other", "polygon": [
                ["lat": 89.5, "lon": 0], ["lat": 85, "lon": 10], ["lat": 85, "lon": -10]]]]])
            #expect(pole.text.contains("polygonPole"))
            for corners in [[[43.2, 76.9], [43.3, 77.0], [43.4, 77.1]], [[43.2, 76.9], [43.2, 76.9], [43.2, 76.9]]] { // on one line; one point thrice
                let flat = try await app.request(.PUT, path, json: ["reason": "x", "zones": [["kind": "home", "polygon": corners.map { ["lat": $0[0], "lon": $0[1]] }]]])
                #expect(flat.status == .unprocessableEntity)
                #expect(flat.text.contains("polygonEmpty") && flat.text.contains("/zones/0/polygon"))
            }
            let flatHole = try await app.request(.PUT, path, json: ["reason": "x", "zones": [["kind": "home", "polygon": [
                ["lat": 43.20, "lon": 76.90], ["lat": 43.20, "lon": 76.92], ["lat": 43.22, "lon": 76.92]],
                "holes": [[["lat": 43.205, "lon": 76.91], ["lat": 43.205, "lon": 76.911], ["lat": 43.205, "lon": 76.912]]]]]])
            #expect(flatHole.text.contains("polygonEmpty") && flatHole.text.contains("/zones/0/holes/0"))
            let tooBig = try await app.request(.PUT, path, json: ["reason": "x", "zones": [["kind": "home", "lat": 43.2, "lon": 76.9, "radiusMeters": 500_000]]])
            #expect(tooBig.status == .unprocessableEntity)
            #expect(tooBig.text.contains("/zones/0/radiusMeters"))
            let good = try await app.request(.PUT, path, json: ["reason": "court", "zones": [["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300]]])
            #expect(good.status == .ok)
            #expect(((good.json["conditions"] as? [String: Any])?["zones"] as? [Any])?.count == 1)
            let stranger = try await app.makeUser(.officer, unit: "Another unit")
            #expect(try await app.request(.PUT, path, json: ["reason": "x", "zones": []], as: stranger).status == .notFound)
            // an order that has ended keeps the zones it had
            let fixture = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "ENDED-1", device: "bracelet-e"))
            let endedCase = try #require(fixture.json["id"] as? String)
            let ended = try #require(((try await app.request(.GET, "/api/v1/cases/\(endedCase)/orders")).json["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await app.request(.PUT, "/api/v1/cases/\(endedCase)/orders/\(ended)/zones", json: ["reason": "x", "zones": []]).status == .conflict)
        }
    }

    @Test func devicesAreRegisteredReplacedAndTakenOffAndTheEngineFollows() async throws {
        try await withQorgauApp { app in
            let caseID = try await Self.caseInForce(app)
            let base = "/api/v1/cases/\(caseID)/devices"
            let phone = try await app.request(.POST, base, json: ["id": "phone-v", "person": "v", "kind": "phone", "intervalSeconds": 120])
            #expect(phone.status == .created, "\(phone.text)")
            let nobody = try await app.request(.POST, base, json: ["id": "phone-x", "person": "x", "kind": "phone", "intervalSeconds": 120])
            #expect(nobody.status == .unprocessableEntity && nobody.text.contains("unknownPerson"))
            let other = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "OTHER-1", device: "bracelet-9"))
            let otherID = try #require(other.json["id"] as? String)
            let taken = try await app.request(.POST, "/api/v1/cases/\(otherID)/devices", json: ["id": "phone-v", "person": "v", "kind": "phone", "intervalSeconds": 60])
            #expect(taken.status == .unprocessableEntity && taken.text.contains("deviceTaken"), "one device, one open case")

            // the bracelet replaced from the page: the new one is watched at once, with the order's zone set
            let orderID = try #require(((try await app.request(.GET, "/api/v1/cases/\(caseID)/orders")).json["items"] as? [[String: Any]])?.first?["id"] as? String)
            _ = try await app.request(.PUT, "/api/v1/cases/\(caseID)/orders/\(orderID)/zones",
                                      json: ["reason": "court", "zones": [["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300]]])
            let noReason = try await AlertConsoleTests.post(app, "/cases/\(caseID)/devices/bracelet-1/replace?lang=ru", PageTests.encoded([("id", "bracelet-2")]))
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.text.contains("id=\"why-bracelet-1-error\""))
            let replaced = try await AlertConsoleTests.post(app, "/cases/\(caseID)/devices/bracelet-1/replace", PageTests.encoded([("id", "bracelet-2"), ("reason", "ремешок порван")]))
            #expect(replaced.status == .seeOther)
            let listed = try await app.request(.GET, base)
            #expect(Set((listed.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []) == ["bracelet-2", "phone-v"])
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            func at(_ ms: Int64) -> String { ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 18_000).description }
            try await Self.sendPings(app, [MonitoringProbe.ping(at(now + 1000), 43.30, 76.95, device: "bracelet-2"),
                                          MonitoringProbe.ping(at(now + 2000), 43.2201, 76.8501, device: "bracelet-2")])
            let alerts = try await MonitoringStore(db: app.db).alerts(caseID: UUID(uuidString: caseID)!, scope: .all)
            #expect(alerts.contains { $0.kind == .zone && $0.device == "bracelet-2" }, "the new bracelet is checked against the zone")

            // the unit's devices: the phone that never reported comes first
            let page = PageTests.visibleText(try await PageTests.page(app, "/monitoring/devices?lang=ru").text)
            #expect(page.contains("Требуют внимания:"))
            let phoneAt = try #require(page.range(of: "phone-v")), braceletAt = try #require(page.range(of: "bracelet-2"))
            #expect(phoneAt.lowerBound < braceletAt.lowerBound, "trouble first")

            let removed = try await app.request(.POST, "\(base)/phone-v/removal", json: ["reason": "returned"])
            #expect(removed.status == .noContent)
            #expect(((try await app.request(.GET, base)).json["items"] as? [Any])?.count == 1)
            let again = try await app.request(.POST, "/api/v1/cases/\(otherID)/devices", json: ["id": "phone-v", "person": "v", "kind": "phone", "intervalSeconds": 60])
            #expect(again.status == .created, "a device taken off may be worn in another case")
            #expect(try await AuditVerifier(db: app.db, blobs: nil).verify().intact, "replaced and removed records keep the chain whole")
        }
    }

    /// Officers of two units registering one device at the same moment: one gets it, never both
    /// (a device in two open cases would send one respondent's positions to the other's case).
    @Test(arguments: TestDatabase.available)
    func oneDeviceIsWornInOneOpenCaseEvenWhenRegisteredAtOnce(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let first = try await Self.caseInForce(app)
            let other = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "RACE-2", device: "bracelet-r2"))
            let second = try #require(other.json["id"] as? String)
            let statuses = await withTaskGroup(of: UInt.self) { group in
                for n in 0..<8 {
                    let caseID = n % 2 == 0 ? first : second
                    group.addTask {
                        (try? await app.request(.POST, "/api/v1/cases/\(caseID)/devices",
                                                json: ["id": "shared-1", "person": "r", "kind": "bracelet", "intervalSeconds": 60]).status.code) ?? 0
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
            #expect(statuses.allSatisfy { [201, 409, 422].contains($0) }, "\(statuses)")
        }
    }

    /// Two spellings of one device id (é as one character or as e and an accent) are one device;
    /// an id with a line break or a space is refused; a new registration takes plain ids only.
    @Test func aDeviceIdHasOneSpellingAndNoBreaks() async throws {
        try await withQorgauApp { app in
            let first = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "NFC-1", device: "caf\u{E9}-1"))
            #expect(first.status == .created, "\(first.text)")
            let second = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "NFC-2", device: "cafe\u{301}-1"))
            #expect(second.status == .unprocessableEntity && second.text.contains("/devices/0/id"), "the same device, in another open case")
            let broken = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "NFC-3", device: "nl\nSet-Cookie: x=1"))
            #expect(broken.status == .unprocessableEntity && broken.text.contains("deviceIDFormat"))
            let caseID = try #require(first.json["id"] as? String)
            let odd = try await app.request(.POST, "/api/v1/cases/\(caseID)/devices", json: ["id": "../x", "person": "v", "kind": "phone", "intervalSeconds": 60])
            #expect(odd.status == .unprocessableEntity && odd.text.contains("deviceIDFormat"))
        }
    }

    /// The distance an order sets is checked at her positions too: he stands still and she comes
    /// near, or her position a moment earlier than his arrives after it (one batch, listed last).
    @Test func theDistanceIsCheckedWhoeverMoves() async throws {
        try await withQorgauApp { app in
            let caseID = try await Self.caseInForce(app)
            #expect(try await app.request(.POST, "/api/v1/cases/\(caseID)/devices", json: ["id": "phone-v", "person": "v", "kind": "phone", "intervalSeconds": 60]).status == .created)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            func at(_ ms: Int64) -> String { ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 18_000).description }
            func alerts() async throws -> [StoredAlert] { try await MonitoringStore(db: app.db).alerts(caseID: UUID(uuidString: caseID)!, scope: .all) }
            // his position near her home, hers listed after it though a second earlier
            try await Self.sendPings(app, [MonitoringProbe.ping(at(now + 1000), 43.30, 76.95),
                                          MonitoringProbe.ping(at(now + 3000), 43.2210, 76.8510),
                                          MonitoringProbe.ping(at(now + 2000), 43.2201, 76.8501, device: "phone-v")])
            let first = try await alerts()
            #expect(first.map(\.kind) == [.proximity], "he came within 500 m of where she was")
            #expect(first.first?.device == "bracelet-1", "the alert names his device")
            // apart again, then she walks up to him while he stands still
            try await Self.sendPings(app, [MonitoringProbe.ping(at(now + 4000), 43.30, 76.95, device: "phone-v")])
            try await Self.sendPings(app, [MonitoringProbe.ping(at(now + 5000), 43.2212, 76.8512, device: "phone-v")])
            let second = try await alerts()
            #expect(second.filter { $0.kind == .proximity }.count == 2, "her coming near him is a breach too")
            let incidents = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents")
            let monitored = (incidents.json["items"] as? [[String: Any]] ?? []).filter { $0["reportedBy"] as? String == "monitoring" }
            #expect(monitored.count == 2)
            #expect(monitored.allSatisfy { (($0["place"] as? [String: Any])?["lat"] as? Double).map { abs($0 - 43.221) < 0.001 } == true },
                    "each episode at his position")
        }
    }

    /// A zone changed later binds from the change on: an incident in it before still broke it, one
    /// after it was taken off did not.
    @Test func changingZonesDoesNotRewriteThePast() async throws {
        try await withQorgauApp { app in
            let caseID = try await Self.caseInForce(app)
            let base = "/api/v1/cases/\(caseID)"
            let orderID = try #require(((try await app.request(.GET, "\(base)/orders")).json["items"] as? [[String: Any]])?.first?["id"] as? String)
            let home: [String: Any] = ["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300]
            func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
            func incident(_ ms: Int64) -> [String: Any] {
                var i = Fixtures.incidentJSON(at: ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 18_000).description, kind: "tracking")
                i["place"] = ["text": "у подъезда", "lat": 43.2201, "lon": 76.8501]
                return i
            }
            func zoneViolations() async throws -> [String] {
                ((try await app.request(.GET, "\(base)/violations")).json["items"] as? [[String: Any]] ?? [])
                    .filter { ($0["condition"] as? String)?.hasPrefix("zone") == true }.compactMap { $0["incident"] as? String }
            }
            // the zone's own days, as the order says them (a loaded machine may take a while to answer)
            func zoneDays(_ answer: TestingHTTPResponse) throws -> (from: Int64?, until: Int64?) {
                let zone = try #require(((answer.json["conditions"] as? [String: Any])?["zones"] as? [[String: Any]])?.first)
                return ((zone["from"] as? String).flatMap(ZonedDateTime.init)?.epochMilliseconds,
                        (zone["until"] as? String).flatMap(ZonedDateTime.init)?.epochMilliseconds)
            }
            func waitPast(_ ms: Int64) async throws { while nowMs() <= ms { try await Task.sleep(for: .milliseconds(100)) } }
            let added = try #require(try zoneDays(try await app.request(.PUT, "\(base)/orders/\(orderID)/zones", json: ["reason": "court", "zones": [home]])).from)
            try await waitPast(added + 2000)
            let before = try await app.request(.POST, "\(base)/incidents", json: incident(added + 1000)) // while the zone held
            let beforeRef = try #require(before.json["ref"] as? String, "\(before.text)")
            #expect(try await zoneViolations() == [beforeRef])

            let cleared = try await app.request(.PUT, "\(base)/orders/\(orderID)/zones", json: ["reason": "court lifted it", "zones": []])
            #expect(cleared.status == .ok)
            let taken = try #require(try zoneDays(cleared).until)
            try await waitPast(taken + 2000)
            let after = try await app.request(.POST, "\(base)/incidents", json: incident(taken + 1000)) // after it was taken off
            #expect(after.status == .created)
            #expect(try await zoneViolations() == [beforeRef], "the earlier incident still broke the zone; the later one did not")
        }
    }

    /// One position in her home zone and near her is one act: two alerts, one episode.
    @Test func onePositionBreakingTwoConditionsIsOneEpisode() async throws {
        try await withQorgauApp { app in
            let caseID = try await Self.caseInForce(app)
            let base = "/api/v1/cases/\(caseID)"
            let orderID = try #require(((try await app.request(.GET, "\(base)/orders")).json["items"] as? [[String: Any]])?.first?["id"] as? String)
            _ = try await app.request(.PUT, "\(base)/orders/\(orderID)/zones", json: ["reason": "court", "zones": [["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300]]])
            #expect(try await app.request(.POST, "\(base)/devices", json: ["id": "phone-v", "person": "v", "kind": "phone", "intervalSeconds": 60]).status == .created)
            let before = ((try await app.request(.GET, "\(base)/incidents")).json["items"] as? [Any])?.count ?? 0
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            func at(_ ms: Int64) -> String { ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 18_000).description }
            try await Self.sendPings(app, [MonitoringProbe.ping(at(now + 1000), 43.2201, 76.8501, device: "phone-v"),
                                          MonitoringProbe.ping(at(now + 2000), 43.2202, 76.8502)])
            let alerts = try await MonitoringStore(db: app.db).alerts(caseID: UUID(uuidString: caseID)!, scope: .all)
            #expect(Set(alerts.map(\.kind)) == [.zone, .proximity])
            #expect(Set(alerts.compactMap(\.incident)).count == 1, "both alerts name one episode")
            let after = ((try await app.request(.GET, "\(base)/incidents")).json["items"] as? [Any])?.count ?? 0
            #expect(after == before + 1)
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
