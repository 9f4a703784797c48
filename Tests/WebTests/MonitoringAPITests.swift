import Cases
import Domain
import Monitoring
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

@Suite struct MonitoringAPITests {
    func importCase(_ app: Application) async throws -> (String, UUID) {
        let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
        let id = try #require(imported.json["id"] as? String)
        return (id, try #require(UUID(uuidString: id)))
    }

    @Test(arguments: TestDatabase.withSQLiteFile)
    func pingsRaiseStoredAlertsThatBecomeIncidentsAndAreAcknowledged(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, caseUUID) = try await importCase(app)
            let gateway = try await app.makeUser(.gateway)
            let (_, events) = await app.monitoring.subscribe(scope: app.defaultTestUser.account.unit.map { .limited(units: [$0], cases: []) } ?? .none)
            var heard = events.makeAsyncIterator()

            let batch: [[String: Any]] = [
                MonitoringProbe.ping("2025-10-25T10:00:00+05:00", 43.30, 76.95),
                MonitoringProbe.ping("2025-10-25T10:01:00+05:00", 43.2201, 76.8501),
                MonitoringProbe.ping("2025-10-25T10:02:00+05:00", 43.2201, 76.8501, device: "nobody's"),
                MonitoringProbe.ping("2025-10-25T10:00:30+05:00", 43.30, 76.95),
                ["device": "bracelet-1", "at": "2025-10-25T10:03:00+05:00", "lat": 100, "lon": 76.9],
            ]
            let response = try await app.request(.POST, "/api/v1/monitoring/pings", json: ["pings": batch], as: gateway)
            #expect(response.status == .ok)
            #expect(response.json["accepted"] as? Int == 2)
            #expect(response.json["alerts"] == nil, "a gateway learns what was taken, not what it meant")
            let refused = try #require(response.json["refused"] as? [[String: Any]])
            #expect(refused.map { $0["index"] as? Int } == [2, 3, 4])
            #expect((refused[0]["reason"] as? String) == IngestResponse.notTaken, "whether a device is watched is not the gateway's to know")
            #expect((refused[1]["reason"] as? String) == IngestResponse.notTaken, "nor when it last reported")
            #expect((refused[2]["reason"] as? String)?.contains("/lat") == true)

            let event = await heard.next()
            #expect(event?.kind == .raised)
            #expect(event?.alert.kind == .zone)

            let alerts = try #require(try await app.request(.GET, "/api/v1/cases/\(caseID)/alerts").json["items"] as? [[String: Any]])
            #expect(alerts.count == 1)
            #expect(alerts.first?["kind"] as? String == "zone")
            #expect(alerts.first?["accuracyMeters"] as? Int == 8)
            let incidentRef = try #require(alerts.first?["incident"] as? String)
            let incidents = try #require(try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents").json["items"] as? [[String: Any]])
            let breach = try #require(incidents.first { $0["ref"] as? String == incidentRef })
            #expect(breach["reportedBy"] as? String == "monitoring")
            #expect(breach["kind"] as? String == "tracking")
            let evidence = try #require((breach["evidence"] as? [[String: Any]])?.first)
            // its evidence is the track up to the breach, the earlier ping of the same batch included
            let track = [("2025-10-25T10:00:00+05:00", 43.30, 76.95), ("2025-10-25T10:01:00+05:00", 43.2201, 76.8501)].map {
                Ping(device: "bracelet-1", at: ZonedDateTime($0.0)!, lat: $0.1, lon: $0.2, accuracy: 8)
            }
            #expect(evidence["sha256"] as? String == SHA256Hex.of(track.map { BreachIncident.line($0) }.joined()))
            let violations = try await app.request(.GET, "/api/v1/cases/\(caseID)/violations")
            #expect((violations.json["items"] as? [[String: Any]])?.contains { $0["incident"] as? String == incidentRef } == true,
                    "the breach counts as a violation of the order")

            let alertID = try #require(alerts.first?["id"] as? String)
            let acked = try await app.request(.POST, "/api/v1/cases/\(caseID)/alerts/\(alertID)/acknowledgement")
            #expect(acked.status == .ok)
            #expect(acked.json["acknowledgedBy"] as? String == app.defaultTestUser.account.id.uuidString.lowercased())
            let open = try await app.request(.GET, "/api/v1/cases/\(caseID)/alerts?open=true")
            #expect((open.json["items"] as? [Any])?.isEmpty == true)
            #expect(try await app.request(.POST, "/api/v1/monitoring/pings", json: ["pings": batch]).status == .forbidden,
                    "an officer's token is not a gateway's")
            _ = caseUUID
        }
    }

    @Test func silentDevicesAndUnacknowledgedAlertsAreEscalatedOnce() async throws {
        try await withQorgauApp { app in
            let (caseID, caseUUID) = try await importCase(app)
            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseUUID)
            let lastPing = ZonedDateTime("2025-10-25T10:01:00+05:00")!.instant

            let early = try await app.monitoring.sweep(db: app.db, now: lastPing.addingTimeInterval(179), escalateAfter: 300)
            #expect(early.silent.isEmpty)
            let silent = try await app.monitoring.sweep(db: app.db, now: lastPing.addingTimeInterval(181), escalateAfter: 300)
            #expect(silent.silent.map(\.kind) == [.silent])
            #expect(try await app.monitoring.sweep(db: app.db, now: lastPing.addingTimeInterval(200), escalateAfter: 300).silent.isEmpty,
                    "one silence, one alert")

            let later = Date().addingTimeInterval(301)
            let escalated = try await app.monitoring.sweep(db: app.db, now: later, escalateAfter: 300).escalated
            #expect(escalated.count == 2, "the zone alert and the silence, both unacknowledged")
            #expect(try await app.monitoring.sweep(db: app.db, now: later.addingTimeInterval(10), escalateAfter: 300).escalated.isEmpty)
            let audit = try await AuditStore(db: app.db).list(action: "alert.escalated", limit: 10, after: nil).items
            #expect(audit.count == 2)
            let alerts = try #require(try await app.request(.GET, "/api/v1/cases/\(caseID)/alerts").json["items"] as? [[String: Any]])
            #expect(alerts.allSatisfy { $0["escalatedAt"] != nil })
        }
    }

    @Test func aRestartedInstanceDoesNotReportASilenceTwice() async throws {
        try await withQorgauApp { app in
            let (_, caseUUID) = try await importCase(app)
            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseUUID)
            let lastPing = ZonedDateTime("2025-10-25T10:01:00+05:00")!.instant
            #expect(try await app.monitoring.sweep(db: app.db, now: lastPing.addingTimeInterval(181), escalateAfter: 3600).silent.count == 1)
            let restarted = MonitoringHub()
            try await restarted.load(db: app.db)
            #expect(try await restarted.sweep(db: app.db, now: lastPing.addingTimeInterval(240), escalateAfter: 3600).silent.isEmpty,
                    "the silence was reported before the restart")
            // A ping ends the silence; the next one is reported again.
            let back = Ping(device: "bracelet-1", at: ZonedDateTime("2025-10-25T10:05:00+05:00")!, lat: 43.2202, lon: 76.8502, accuracy: 8)
            #expect(try await restarted.ingest([.success(back)], db: app.db, by: "test").accepted == 1)
            let silentAgain = try await restarted.sweep(db: app.db, now: lastPing.addingTimeInterval(240 + 181 + 60), escalateAfter: 3600).silent
            #expect(silentAgain.map(\.device).contains("bracelet-1"))
        }
    }

    @Test func aRestartedInstanceRemembersWhereTheRespondentIs() async throws {
        try await withQorgauApp { app in
            let (_, caseUUID) = try await importCase(app)
            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseUUID)
            let restarted = MonitoringHub()
            try await restarted.load(db: app.db)
            #expect(await restarted.deviceCount == 1, "pings are routed as soon as the start has read the devices")
            let still = Ping(device: "bracelet-1", at: ZonedDateTime("2025-10-25T10:02:00+05:00")!, lat: 43.2202, lon: 76.8502, accuracy: 8)
            let outcome = try await restarted.ingest([.success(still)], db: app.db, by: "test")
            #expect(outcome.accepted == 1)
            #expect(outcome.alerts.isEmpty, "still inside the zone he entered before the restart: no second alert")
            let again = Ping(device: "bracelet-1", at: ZonedDateTime("2025-10-25T10:01:30+05:00")!, lat: 43.2202, lon: 76.8502)
            #expect(try await restarted.ingest([.success(again)], db: app.db, by: "test").refused.first?.reason.contains("out of order") == true)
            let ready = try await withinSeconds(5) { () async -> Bool in
                while !(await restarted.enginesReady) { try? await Task.sleep(for: .milliseconds(10)) }
                return true
            }
            #expect(ready, "the engines not pinged yet are built behind")
        }
    }

    @Test func anOrderIssuedThroughTheAPIIsEnforcedAtOnce() async throws {
        try await withQorgauApp { app in
            var file = Fixtures.caseFileJSON()
            file["protectiveOrders"] = []
            let imported = try await app.request(.POST, "/api/v1/case-files", json: file)
            let caseID = try #require(imported.json["id"] as? String)
            let gateway = try await app.makeUser(.gateway)
            let first = try await app.request(.POST, "/api/v1/monitoring/pings",
                                              json: ["pings": [MonitoringProbe.ping("2025-10-25T10:01:00+05:00", 43.2201, 76.8501)]], as: gateway)
            #expect(first.json["accepted"] as? Int == 1)
            let before = try await app.request(.GET, "/api/v1/cases/\(caseID)/alerts").json["items"] as? [[String: Any]] ?? []
            #expect(before.isEmpty, "no order yet")
            let order: [String: Any] = ["type": "protectiveOrder", "issuedAt": "2025-10-25T11:00:00+05:00",
                                        "validUntil": "2025-11-24T11:00:00+05:00", "issuer": "District police",
                                        "conditions": ["noContact": true, "zones": [["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300]]]]
            #expect(try await app.request(.POST, "/api/v1/cases/\(caseID)/orders", json: order).status == .created)
            let second = try await app.request(.POST, "/api/v1/monitoring/pings",
                                               json: ["pings": [MonitoringProbe.ping("2025-10-25T11:05:00+05:00", 43.2201, 76.8501)]], as: gateway)
            #expect(second.json["accepted"] as? Int == 1)
            let kinds = (try await app.request(.GET, "/api/v1/cases/\(caseID)/alerts").json["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            #expect(kinds == ["silent", "zone"], "an hour without pings, then inside the zone of the new order")
        }
    }
}
