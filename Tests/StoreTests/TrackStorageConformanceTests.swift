import Domain
import Foundation
import NIOConcurrencyHelpers
@testable import Store
import SQLKit
import Testing
import TestSupport
import Vapor

/// One suite for both ways the track is stored (`TrackStorage`): the track's own writer on a
/// SQLite file, and the driver's path on a SQLite file and on PostgreSQL (when the tests have
/// it). Whichever a deployment starts with, pings read back as sent and in time order, a breach's
/// incident is made from the track as stored in the same transaction, and a group the database
/// refuses leaves nothing of itself behind.
@Suite struct TrackStorageConformanceTests {
    enum Storage: String, CustomTestStringConvertible, Sendable {
        case journal, driverOnSQLiteFile, driverOnPostgreSQL
        var testDescription: String { rawValue }
        static var available: [Storage] {
            TestDatabase.postgresURL == nil ? [.journal, .driverOnSQLiteFile] : [.journal, .driverOnSQLiteFile, .driverOnPostgreSQL]
        }
    }

    /// An app on the storage's database, a store with that storage, and a case.
    static func with(_ storage: Storage, _ body: (Application, MonitoringStore, UUID) async throws -> Void) async throws {
        try await withQorgauApp(storage == .driverOnPostgreSQL ? .postgres : .sqliteFile) { app in
            let caseID = try await CaseStore(db: app.db).create(
                jurisdiction: "KZ", header: CaseHeader(openedAt: ZonedDateTime("2025-10-01T09:00:00+05:00")!), by: .commandLine).id
            guard storage == .journal else { return try await body(app, MonitoringStore(db: app.db, track: DriverTrack()), caseID) }
            let sql = try #require(app.db as? any SQLDatabase)
            let path = try #require(try await sql.raw("PRAGMA database_list").first()?.decode(column: "file", as: String.self))
            let writer = try SQLiteTrackWriter(path: path, rowsPerMove: 16)
            do {
                try await body(app, MonitoringStore(db: app.db, track: JournalTrack(writer: writer)), caseID)
                await writer.close()
            } catch {
                await writer.close()
                throw error
            }
        }
    }

    static let start: Int64 = 1_760_000_000_000

    /// A ping a minute from `start`, with or without a position and an accuracy.
    static func ping(_ caseID: UUID, _ device: String, minute: Int) -> StoredPing {
        let at = ZonedDateTime(epochMilliseconds: start + Int64(minute) * 60_000, offsetSeconds: 18_000)
        if minute % 7 == 6 { return StoredPing(caseID: caseID, ping: Ping(device: device, at: at, event: .strapTamper)) }
        return StoredPing(caseID: caseID, ping: Ping(device: device, at: at, lat: 43.238949 + Double(minute) / 1e5 + 1e-13, lon: 76.889709 - Double(minute) / 3e5, accuracy: minute % 3 == 0 ? nil : Double(minute % 40) + 0.5))
    }

    @Test(arguments: Storage.available)
    func pingsReadBackAsSentInTimeOrder(_ storage: Storage) async throws {
        try await Self.with(storage) { _, store, caseID in
            let devices = ["bracelet-7", "телефон-1"]
            let sent = (0..<120).flatMap { minute in devices.map { Self.ping(caseID, $0, minute: minute) } }
            // three groups, the last sent first: the track is in time order, not in order of arrival
            for range in [80..<120, 0..<40, 40..<80] {
                try await store.save(pings: sent.filter { range.contains(Int(($0.at.epochMilliseconds - Self.start) / 60_000)) },
                                     alerts: [], breaches: [], by: "gateway")
            }
            for device in devices {
                let own = sent.filter { $0.device == device }
                #expect(try await store.track(caseID: caseID, device: device, from: .min, to: .max) == own)
                // both ends included
                #expect(try await store.track(caseID: caseID, device: device, from: own[10].at.epochMilliseconds,
                                              to: own[20].at.epochMilliseconds) == Array(own[10...20]))
                #expect(try await store.track(caseID: caseID, device: device, from: own[20].at.epochMilliseconds + 1,
                                              to: own[21].at.epochMilliseconds - 1) == [])
            }
            #expect(try await store.lastPings(caseID: caseID, devices: devices + ["never-seen"]) == [sent[sent.count - 2], sent[sent.count - 1]])
            #expect(try await store.track(caseID: UUID(), device: devices[0], from: .min, to: .max) == [], "another case's device of the same name")
        }
    }

    @Test(arguments: Storage.available)
    func aBreachIsRecordedFromTheTrackAsStoredInTheSameTransaction(_ storage: Storage) async throws {
        try await Self.with(storage) { app, store, caseID in
            let device = "bracelet-7"
            let earlier = (0..<30).map { Self.ping(caseID, device, minute: $0) }
            try await store.save(pings: earlier, alerts: [], breaches: [], by: "gateway")
            let now = (30..<35).map { Self.ping(caseID, device, minute: $0) }, at = now[4].at
            let seen = NIOLockedValueBox<[StoredPing]>([])
            let breach = Breach(caseID: caseID, device: device, from: at.epochMilliseconds - 30 * 60_000, to: at.epochMilliseconds) { track in
                seen.withLockedValue { $0 = track }
                return Incident(id: "m-conformance", occurredAt: at, kind: .tracking, channel: .gpsTracker,
                                place: IncidentPlace(text: "monitoring position", lat: now[4].lat, lon: now[4].lon),
                                description: "entered zone 0 of order o1 (\(track.count) positions)", againstWill: true,
                                violence: false, reportedBy: .monitoring)
            }
            let alert = StoredAlert(caseID: caseID, alert: Alert(kind: .zone, order: "o1", zone: 0, device: device, at: at, distanceMeters: 40, accuracyMeters: 8), incident: "m-conformance", createdAt: Self.start)
            try await store.save(pings: now, alerts: [alert], breaches: [breach], by: "gateway")

            // the half hour up to the alert, with the group's own pings in it
            let window = (earlier + now).filter { $0.at.epochMilliseconds >= at.epochMilliseconds - 30 * 60_000 }
            #expect(seen.withLockedValue { $0 } == window)
            #expect(try await store.alerts(caseID: caseID, scope: .all).map(\.id) == [alert.id])
            let file = try await CaseFileStore(db: app.db).exportCaseFile(caseID: caseID, scope: .all)
            let incident = try #require(file.incidents.first { $0.id == "m-conformance" })
            #expect(incident.description == "entered zone 0 of order o1 (\(window.count) positions)")
            #expect(incident.reportedBy == .monitoring)
            let report = try await AuditVerifier(db: app.db, blobs: nil).verify()
            #expect(report.intact, "\(report.problems)")
        }
    }

    @Test(arguments: Storage.available)
    func aGroupTheDatabaseRefusesLeavesNothingOfItself(_ storage: Storage) async throws {
        try await Self.with(storage) { app, store, caseID in
            let device = "bracelet-7"
            let first = (0..<5).map { Self.ping(caseID, device, minute: $0) }
            let alert = StoredAlert(caseID: caseID, alert: Alert(kind: .tamper, device: device, at: first[4].at), createdAt: Self.start)
            try await store.save(pings: first, alerts: [alert], breaches: [], by: "gateway")
            let head = try await AuditChain.head(on: app.db)

            // the same alert again: its id is taken, so the whole group is refused
            let refused = (5..<10).map { Self.ping(caseID, device, minute: $0) }
            await #expect(throws: (any Error).self) {
                try await store.save(pings: refused, alerts: [alert], breaches: [], by: "gateway")
            }
            #expect(try await store.track(caseID: caseID, device: device, from: .min, to: .max) == first)
            #expect(try await store.lastPings(caseID: caseID, devices: [device]) == [first[4]])
            #expect(try await AuditChain.head(on: app.db) == head, "no audit record of the refused group")

            // and the storage goes on
            let next = (10..<40).map { Self.ping(caseID, device, minute: $0) }
            try await store.save(pings: next, alerts: [], breaches: [], by: "gateway")
            #expect(try await store.track(caseID: caseID, device: device, from: .min, to: .max) == first + next)
            let report = try await AuditVerifier(db: app.db, blobs: nil).verify()
            #expect(report.intact, "\(report.problems)")
        }
    }
}
