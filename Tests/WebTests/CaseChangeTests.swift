import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// One signal of what changed in a case, wherever the change was made, followed by the
/// monitoring (issue 22): no write has to remember to refresh anything.
@Suite struct CaseChangeTests {
    static var order: [String: Any] { ["type": "protectiveOrder", "issuedAt": "2025-10-25T11:00:00+05:00",
                                       "validUntil": "2025-11-24T11:00:00+05:00", "issuer": "District police",
                                       "conditions": ["noContact": true, "zones": [["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300]]]] }

    @Test func aCaseMovedToAnotherUnitHasItsNextAlertHeardThereAndNotInItsOldUnit() async throws {
        try await withQorgauApp(.sqliteFile) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseID) // the engines are up and the case watched
            let newUnit = "Medeu district police"
            _ = try await app.makeUser(.officer, unit: newUnit)
            let (_, oldUnit) = await app.monitoring.subscribe(scope: .limited(units: [Fixtures.unit], cases: []))
            let (_, there) = await app.monitoring.subscribe(scope: .limited(units: [newUnit], cases: []))
            let moved = try await app.request(.PATCH, "/api/v1/cases/\(caseText)", json: ["unit": newUnit, "reason": "she moved"])
            #expect(moved.status == .ok)

            let gateway = try await app.makeUser(.gateway)
            let again = ["pings": [MonitoringProbe.ping("2025-10-25T10:10:00+05:00", 43.30, 76.95),
                                   MonitoringProbe.ping("2025-10-25T10:11:00+05:00", 43.2201, 76.8501)]]
            #expect(try await app.request(.POST, "/api/v1/monitoring/pings", json: again, as: gateway).json["accepted"] as? Int == 2)
            let heard = try await withinSeconds(5) { [there] in
                var events = there.makeAsyncIterator()
                return await events.next()
            }
            #expect(heard?.alert.caseID.apiString == caseText, "the new unit's officers hear the case's alert")
            let leaked = try? await withinSeconds(1) { [oldUnit] in
                var events = oldUnit.makeAsyncIterator()
                return await events.next()
            }
            #expect(leaked == nil, "the old unit's officers, who no longer see the case, hear nothing")
        }
    }

    @Test func anOrderIssuedByTheCommandLineBesideARunningServerIsEnforcedWithinASecond() async throws {
        guard CommandLineTests.built else { return } // the binary is built by `swift build`, which `swift test` does first
        try await withQorgauApp(.sqliteFile) { app in
            guard case .sqliteFile(let path) = app.qorgauConfig.database else { throw TestSetupError("not on a file") }
            await app.followChanges(every: 0.1)
            var file = Fixtures.caseFileJSON()
            file["protectiveOrders"] = []
            let imported = try await app.request(.POST, "/api/v1/case-files", json: file)
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            let gateway = try await app.makeUser(.gateway)
            let first = ["pings": [MonitoringProbe.ping("2025-10-25T11:01:00+05:00", 43.2201, 76.8501)]]
            #expect(try await app.request(.POST, "/api/v1/monitoring/pings", json: first, as: gateway).json["accepted"] as? Int == 1)

            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            let orderFile = folder.appendingPathComponent("order.json")
            try JSONSerialization.data(withJSONObject: Self.order).write(to: orderFile)
            let cli = try await CommandLineTests.offPool {
                try CommandLineTests().run(["order", "issue", caseText, "--file", orderFile.path, "--data", folder.path], in: folder)
            }
            #expect(cli.status == 0, "\(cli.stderr)")
            try await Task.sleep(for: .seconds(1))

            let inside = ["pings": [MonitoringProbe.ping("2025-10-25T11:05:00+05:00", 43.2201, 76.8501)]]
            #expect(try await app.request(.POST, "/api/v1/monitoring/pings", json: inside, as: gateway).json["accepted"] as? Int == 1)
            let kinds = try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all).map(\.kind)
            #expect(kinds.contains(.zone), "the order the command line issued is enforced by the running server: \(kinds)")
        }
    }
}
