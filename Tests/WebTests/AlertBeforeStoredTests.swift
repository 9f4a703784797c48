import Cases
import Domain
import Fluent
import Foundation
import Store
import Testing
import TestSupport
import Vapor
@testable import Web

/// An alert is told to this instance's officers as soon as its ping is checked, before the ping
/// is stored; the sender is answered only once stored; a read of alerts waits for those told;
/// and a group that cannot be stored loses nothing for good: its sender gets the error, and the
/// same pings sent again raise the alert again.
@Suite(.timeLimit(.minutes(2))) struct AlertBeforeStoredTests {
    /// The driver's track, with each save held until the test lets it go, or failed.
    final class HeldTrack: TrackStorage, @unchecked Sendable {
        private let lock = NSLock()
        private var gates: [CheckedContinuation<Void, Never>] = []
        private var held = true
        private var failures = 0
        private(set) var log: [String] = []

        func note(_ line: String) { lock.withLock { log.append(line) } }
        var lines: [String] { lock.withLock { log } }
        /// The next `count` saves fail.
        func fail(_ count: Int) { lock.withLock { failures = count } }
        var waiting: Int { lock.withLock { gates.count } }

        func hold() { lock.withLock { held = true } }

        func release() {
            let all = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
                held = false
                defer { gates = [] }
                return gates
            }
            for gate in all { gate.resume() }
        }

        func save(_ group: TrackGroup, on db: any Database) async throws {
            await withCheckedContinuation { gate in
                let go = lock.withLock { () -> Bool in
                    if held { gates.append(gate); return false }
                    return true
                }
                if go { gate.resume() }
            }
            let failing = lock.withLock { () -> Bool in
                guard failures > 0 else { return false }
                failures -= 1
                return true
            }
            if failing { throw TestSetupError("the disk is full") }
            try await DriverTrack().save(group, on: db)
            note("stored \(group.pings.count) pings, \(group.alerts.count) alerts")
        }

        func read(_ asks: [TrackAsk], on db: any Database) async throws -> [[StoredPing]] {
            try await DriverTrack().read(asks, on: db)
        }
    }

    static let outside = Ping(device: "bracelet-1", at: ZonedDateTime("2025-10-25T10:00:00+05:00")!, lat: 43.30, lon: 76.95, accuracy: 8)
    static let inside = Ping(device: "bracelet-1", at: ZonedDateTime("2025-10-25T10:01:00+05:00")!, lat: 43.2201, lon: 76.8501, accuracy: 8)

    func importCase(_ app: Application) async throws -> UUID {
        let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
        let id = try #require(imported.json["id"] as? String)
        return try #require(UUID(uuidString: id))
    }

    @Test(arguments: TestDatabase.available)
    func anAlertIsHeardBeforeItsPingIsStoredAndReadsWaitForIt(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await importCase(app)
            let track = HeldTrack()
            let hub = MonitoringHub(track: track)
            try await hub.load(db: app.db)
            let (_, events) = await hub.subscribe(scope: .all)
            var heard = events.makeAsyncIterator()

            let answered = Task {
                let outcome = try await hub.ingest([.success(Self.outside), .success(Self.inside)], db: app.db, by: "test")
                track.note("answered")
                return outcome
            }
            let news = try #require(await heard.next())
            #expect(news.kind == .raised && news.alert.kind == .zone)
            track.note("heard")
            #expect(try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all).isEmpty,
                    "heard while its ping is still being stored")

            let settled = Task {
                await hub.settled(patience: .seconds(60))
                return try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all).map(\.id)
            }
            try await until("the write is held", seconds: 20) { track.waiting == 1 }
            try await until("the read waits for the write", seconds: 20) { await hub.settlingReads == 1 }
            track.release()
            #expect(try await settled.value == [news.alert.id], "a read after `settled` finds the alert told")
            let outcome = try await answered.value
            #expect(outcome.accepted == 2 && outcome.alerts.map(\.id) == [news.alert.id])
            #expect(track.lines == ["heard", "stored 2 pings, 1 alerts", "answered"], "told, then stored, then answered")
        }
    }

    /// A case imported, a hub whose track stores at once, and the bracelet's first ping (outside
    /// every zone) stored.
    func monitoredCase(_ app: Application) async throws -> (UUID, HeldTrack, MonitoringHub) {
        let caseID = try await importCase(app)
        let track = HeldTrack()
        track.release()
        let hub = MonitoringHub(track: track)
        try await hub.load(db: app.db)
        #expect(try await hub.ingest([.success(Self.outside)], db: app.db, by: "test").accepted == 1)
        return (caseID, track, hub)
    }

    @Test(arguments: TestDatabase.available)
    func aGroupThatCannotBeStoredFailsItsSenderAndIsRaisedAgainWhenSentAgain(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, track, hub) = try await monitoredCase(app)
            let (_, events) = await hub.subscribe(scope: .all)
            var heard = events.makeAsyncIterator()

            track.fail(1)
            await #expect(throws: (any Error).self, "the sender is told its pings were not stored") {
                try await hub.ingest([.success(Self.inside)], db: app.db, by: "test")
            }
            let first = try #require(await heard.next())
            #expect(first.alert.kind == .zone, "told at once, before the write failed")
            await hub.settled()
            #expect(try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all).isEmpty)

            let again = try await hub.ingest([.success(Self.inside)], db: app.db, by: "test")
            #expect(again.accepted == 1)
            #expect(again.alerts.map(\.kind) == [.zone], "the engine, built again from what is stored, raises it again")
            let second = try #require(await heard.next())
            #expect(second.alert.id == again.alerts.first?.id)
            #expect(try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all).map(\.id) == [second.alert.id])
        }
    }

    /// Pings checked after pings that then could not be stored fail with them, whoever sent
    /// them: stored alone, they would leave a gap the engine is rebuilt over (the resent pings
    /// then refused as out of order, and the alert told for them never raised again).
    @Test(arguments: TestDatabase.available)
    func pingsCheckedAfterPingsNotStoredFailWithThem(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, track, hub) = try await monitoredCase(app)

            track.hold()
            let entered = Task { try await hub.ingest([.success(Self.inside)], db: app.db, by: "gateway-a") }
            try await until("the zone's entry is being stored", seconds: 20) { track.waiting == 1 }
            let later = Ping(device: "bracelet-1", at: ZonedDateTime("2025-10-25T10:02:00+05:00")!, lat: 43.2202, lon: 76.8502, accuracy: 8)
            let still = Task { try await hub.ingest([.success(later)], db: app.db, by: "gateway-b") }
            try await until("the next ping is checked, after the entry", seconds: 20) { await hub.unwrittenGroups == 2 }
            track.fail(1)
            track.release()
            await #expect(throws: (any Error).self) { try await entered.value }
            await #expect(throws: EarlierPingsNotStored.self, "checked on top of the entry, it is not stored without it") {
                try await still.value
            }
            let stored = try await MonitoringStore(db: app.db, track: track).lastPings(caseID: caseID, devices: ["bracelet-1"])
            #expect(stored.map(\.at) == [Self.outside.at], "no gap in the track")

            let again = try await hub.ingest([.success(Self.inside), .success(later)], db: app.db, by: "gateway-a")
            #expect(again.accepted == 2, "both taken when sent again")
            #expect(again.alerts.map(\.kind) == [.zone], "and the entry raises its alert again")
            #expect(try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all).count == 1)
        }
    }

    /// A group failed because it followed an unstored one fails its other cases too: their
    /// engines took its pings, so the groups checked on them after it fail, and those engines are
    /// rebuilt, or the second case's track would be stored with a gap.
    @Test(arguments: TestDatabase.available)
    func aFailureSpreadsToTheOtherCasesOfTheGroupsItFails(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (first, track, hub) = try await monitoredCase(app)
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(device: "bracelet-2"))
            let secondID = try #require(imported.json["id"] as? String)
            let second = try #require(UUID(uuidString: secondID))
            try await hub.refresh(second, db: app.db) // a hub of the test's own follows no change signal
            func ping(_ device: String, _ at: String, inside: Bool) -> Result<Ping, PingRefusal> {
                .success(Ping(device: device, at: ZonedDateTime(at)!, lat: inside ? 43.2201 : 43.30, lon: inside ? 76.8501 : 76.95, accuracy: 8))
            }
            #expect(try await hub.ingest([ping("bracelet-2", "2025-10-25T10:00:00+05:00", inside: false)], db: app.db, by: "gw").accepted == 1)

            track.hold()
            let g1 = Task { try await hub.ingest([ping("bracelet-1", "2025-10-25T10:01:00+05:00", inside: true)], db: app.db, by: "gw") }
            try await until("the first group's write is held", seconds: 20) { track.waiting == 1 }
            let g2 = Task { try await hub.ingest([ping("bracelet-1", "2025-10-25T10:02:00+05:00", inside: true),
                                                  ping("bracelet-2", "2025-10-25T10:01:00+05:00", inside: true)], db: app.db, by: "gw") }
            try await until("the second group is checked", seconds: 20) { await hub.unwrittenGroups == 2 }
            let g3 = Task { try await hub.ingest([ping("bracelet-2", "2025-10-25T10:02:00+05:00", inside: true)], db: app.db, by: "gw") }
            try await until("the third group is checked", seconds: 20) { await hub.unwrittenGroups == 3 }
            track.fail(1)
            track.release()
            for group in [g1, g2, g3] { await #expect(throws: (any Error).self) { try await group.value } }
            let stored = try await MonitoringStore(db: app.db, track: track).lastPings(caseID: second, devices: ["bracelet-2"])
            #expect(stored.map(\.at.epochMilliseconds) == [ZonedDateTime("2025-10-25T10:00:00+05:00")!.epochMilliseconds],
                    "the second case's pings after the failure are not stored with a gap")

            let again = try await hub.ingest([ping("bracelet-2", "2025-10-25T10:01:00+05:00", inside: true),
                                              ping("bracelet-2", "2025-10-25T10:02:00+05:00", inside: true)], db: app.db, by: "gw")
            #expect(again.accepted == 2 && again.alerts.map(\.kind) == [.zone], "sent again, its entry raises the alert again")
            #expect(try await MonitoringStore(db: app.db).alerts(caseID: second, scope: .all).count == 1)
            _ = first
        }
    }
}
