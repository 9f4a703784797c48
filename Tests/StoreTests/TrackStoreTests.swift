import Domain
import Fluent
import Foundation
@testable import Store
import SQLKit
import Testing
import TestSupport
import Vapor

/// The track table: pings stored as sent, read back the same by SQL and by Fluent, the batch's
/// audit hash as documented, and the rows' time-ordered ids.
@Suite struct TrackStoreTests {
    /// Pings of two devices, every fifth an event without a position, some without accuracy,
    /// with coordinates whose decimals need every bit of a double.
    static func pings(caseID: UUID, count: Int) -> [StoredPing] {
        (0..<count).map { i in
            let at = ZonedDateTime(epochMilliseconds: 1_760_000_000_000 + Int64(i / 2) * 60_000 + Int64(i % 2), offsetSeconds: 18_000)
            let device = i % 2 == 0 ? "bracelet-7" : "телефон-1"
            if i % 5 == 4 { return StoredPing(caseID: caseID, ping: Ping(device: device, at: at, event: .strapTamper)) }
            return StoredPing(caseID: caseID, ping: Ping(device: device, at: at, lat: 43.2 + Double(i) / 3e4 + 1e-13, lon: -76.9 - Double(i) / 7e4, accuracy: i % 3 == 0 ? nil : Double(i % 40) + 0.5))
        }
    }

    @Test(arguments: TestDatabase.withSQLiteFile)
    func storedPingsReadBackAsSent(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await CaseStore(db: app.db).create(
                jurisdiction: "KZ", header: CaseHeader(openedAt: ZonedDateTime("2025-10-01T09:00:00+05:00")!), by: .commandLine).id
            let sent = Self.pings(caseID: caseID, count: 1_234) // more than one statement's worth
            let store = MonitoringStore(db: app.db)
            try await store.save(pings: sent, alerts: [], breaches: [], by: "gateway")

            for device in ["bracelet-7", "телефон-1"] {
                let track = try await store.track(caseID: caseID, device: device, from: 0, to: .max)
                #expect(track == sent.filter { $0.device == device })
            }
            let last = try await store.lastPings(caseID: caseID, devices: ["bracelet-7", "телефон-1"])
            #expect(last == [sent[sent.count - 2], sent[sent.count - 1]])
        }
    }

    @Test(arguments: TestDatabase.available)
    func latestSilencesOfEveryCaseAreEachCasesOwn(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            var cases: [UUID] = []
            for _ in 0..<2 {
                cases.append(try await CaseStore(db: app.db).create(
                    jurisdiction: "KZ", header: CaseHeader(openedAt: ZonedDateTime("2025-10-01T09:00:00+05:00")!), by: .commandLine).id)
            }
            func silence(_ caseID: UUID, _ device: String, _ at: Int64) -> StoredAlert {
                StoredAlert(caseID: caseID, alert: Alert(kind: .silent, device: device, at: ZonedDateTime(epochMilliseconds: at, offsetSeconds: 18_000)), createdAt: at)
            }
            let store = MonitoringStore(db: app.db)
            try await store.save(pings: [], alerts: [silence(cases[0], "b", 1_000), silence(cases[0], "b", 3_000), silence(cases[0], "p", 2_000),
                                                     silence(cases[1], "b", 500)], breaches: [], by: "monitoring")
            let all = try await store.latestSilences()
            #expect(all == [cases[0]: ["b": 3_000, "p": 2_000], cases[1]: ["b": 500]])
            for caseID in cases { #expect(try await store.latestSilences(caseID: caseID) == all[caseID]) }
        }
    }

    /// An app on a SQLite file, a track writer of its own on that file, and a case.
    static func withTrackWriter(rowsPerMove: Int = 64, maxAge: Int64 = 300_000,
                                _ body: (Application, any SQLDatabase, SQLiteTrackWriter, UUID) async throws -> Void) async throws {
        try await withQorgauApp(.sqliteFile) { app in
            let sql = app.db as! any SQLDatabase
            let path = try #require(try await sql.raw("PRAGMA database_list").first()?.decode(column: "file", as: String.self))
            let writer = try SQLiteTrackWriter(path: path, rowsPerMove: rowsPerMove, maxAge: maxAge)
            let caseID = try await CaseStore(db: app.db).create(
                jurisdiction: "KZ", header: CaseHeader(openedAt: ZonedDateTime("2025-10-01T09:00:00+05:00")!), by: .commandLine).id
            try await body(app, sql, writer, caseID)
        }
    }

    /// On a SQLite file, groups are stored by the track's own writer, in one trip; whatever it
    /// writes must be what the driver's path writes: the same values of the same SQLite types in
    /// the track, the alerts, the breach incidents and the audit log, whose chain stays whole
    /// when the two paths and other audited writes take turns.
    @Test func theTracksOwnWriterWritesWhatTheDriversPathWrites() async throws {
        try await Self.withTrackWriter { app, sql, writer, caseID in
            let pings = Self.pings(caseID: caseID, count: 777)
            func group(_ path: String) -> ([StoredPing], [StoredAlert], [Breach]) {
                let own = pings.map { StoredPing(caseID: $0.caseID, ping: Ping(device: $0.device + "-" + path, at: $0.at, lat: $0.lat, lon: $0.lon, accuracy: $0.accuracy, event: $0.event)) }
                let at = own[400].at, place = IncidentPlace(text: "в зоне «дом»", lat: own[400].lat, lon: own[400].lon)
                // the incident tells the track it was made from, read inside the transaction: its
                // half hour holds pings without a position or an accuracy, and every bit of each number
                let breach = Breach(caseID: caseID, device: own[400].device, from: at.epochMilliseconds - 30 * 60_000,
                                    to: at.epochMilliseconds) { track in
                    let lines = track.map { "\($0.at) \(String(describing: $0.lat)) \(String(describing: $0.lon)) \(String(describing: $0.accuracy)) \($0.event?.rawValue ?? "-")" }
                    return Incident(id: "m-" + path, occurredAt: at, kind: .tracking, channel: .inPerson, place: place,
                                    description: "Нарушение зоны; трек:\n" + lines.joined(separator: "\n"), againstWill: true,
                                    violence: false, reportedBy: .monitoring)
                }
                let alerts = [StoredAlert(caseID: caseID, alert: Alert(kind: .zone, order: "o1", zone: 0, device: own[400].device, at: at, distanceMeters: 120, accuracyMeters: 8), incident: "m-" + path, createdAt: 1_760_000_000_000),
                              StoredAlert(caseID: caseID, alert: Alert(kind: .tamper, device: own[4].device, at: own[4].at), createdAt: 1_760_000_000_000)]
                return (own, alerts, [breach])
            }
            let (drivers, ours) = (group("a"), group("b"))
            let before = try await AuditChain.head(on: app.db).seq
            try await MonitoringStore(db: app.db).save(pings: drivers.0, alerts: drivers.1, breaches: drivers.2, by: "gateway")
            let between = try await AuditChain.head(on: app.db).seq
            try await MonitoringStore(db: app.db, track: JournalTrack(writer: writer)).save(pings: ours.0, alerts: ours.1, breaches: ours.2, by: "gateway")
            // and a group of pings alone, while other changes are audited through the driver
            let more = group("c")
            async let alone: Void = MonitoringStore(db: app.db, track: JournalTrack(writer: writer)).save(pings: more.0, alerts: [], breaches: [], by: "gateway")
            for _ in 0..<5 {
                _ = try await CaseStore(db: app.db).create(
                    jurisdiction: "KZ", header: CaseHeader(openedAt: ZonedDateTime("2025-10-02T09:00:00+05:00")!), by: .commandLine)
            }
            try await alone
            // read before and after the writer moves its journal's rows into the track, by the
            // writer and by the driver alone
            let expected = more.0.filter { $0.device == "bracelet-7-c" }
            #expect(try await MonitoringStore(db: app.db, track: JournalTrack(writer: writer)).track(caseID: caseID, device: "bracelet-7-c", from: 0, to: .max) == expected)
            #expect(try await MonitoringStore(db: app.db).track(caseID: caseID, device: "bracelet-7-c", from: 0, to: .max) == expected)
            #expect(writer.waitingRows > 0)
            try await writer.moveAll()
            #expect(writer.waitingRows == 0)

            /// Each row as text: the values (SQLite's `quote`, which shows their types) of the
            /// columns compared, and the types alone of those that differ between the groups.
            func rows(_ table: String, typesOnly: Set<String>, where condition: String) async throws -> [String] {
                let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(literal: table)) ORDER BY cid").all()
                    .map { try $0.decode(column: "name", as: String.self) }
                let text = columns.map { typesOnly.contains($0) ? "typeof(\($0))" : "quote(\($0))" }.joined(separator: " || '|' || ")
                // the writer moves a device's pings into the track together: pings are compared in time order
                let order = table == "pings" ? "substr(device, 1, length(device) - 2), at_ms" : "rowid"
                return try await sql.raw("SELECT \(unsafeRaw: text) AS row FROM \(ident: table) WHERE \(unsafeRaw: condition) ORDER BY \(unsafeRaw: order)")
                    .all().map { try $0.decode(column: "row", as: String.self) }
            }
            for (table, differing, a, b) in [
                ("pings", ["id", "device", "received_at_ms"], "device LIKE '%-a'", "device LIKE '%-b'"),
                ("alerts", ["id", "device", "incident_ref"], "device LIKE '%-a'", "device LIKE '%-b'"),
                ("incidents", ["id", "ref", "recorded_at_ms", "updated_at_ms"], "ref = 'm-a'", "ref = 'm-b'"),
                ("audit_log", ["seq", "id", "at_ms", "entity_id", "record_hash", "prev_hash", "hash"],
                 "seq > \(before) AND seq <= \(between)", "seq > \(between) AND seq <= \(2 * between - before)"),
            ] {
                let (theirs, mine) = (try await rows(table, typesOnly: Set(differing), where: a), try await rows(table, typesOnly: Set(differing), where: b))
                #expect(!theirs.isEmpty, "\(table)")
                #expect(theirs == mine, "\(table)")
            }
            let description = try await sql.raw("SELECT description FROM incidents WHERE ref = 'm-b'").first()?.decode(column: "description", as: String.self)
            #expect(description?.split(separator: "\n").count == 32, "the breach's half hour: 31 pings of its device")
            #expect(try await MonitoringStore(db: app.db).track(caseID: caseID, device: "bracelet-7-c", from: 0, to: .max)
                        == more.0.filter { $0.device == "bracelet-7-c" })
            let report = try await AuditVerifier(db: app.db, blobs: nil).verify()
            #expect(report.problems.map(\.message) == [])
            #expect(report.records == (try await AuditChain.head(on: app.db).seq))
        }
    }

    /// The log is copied back into the database on the checkpointer's own connection, not in the
    /// writer's commits: a track written well past SQLite's 1,000-page checkpoint point is
    /// checkpointed beside the writer, and every ping is there.
    @Test func theLogIsCheckpointedBesideTheWriter() async throws {
        try await Self.withTrackWriter { app, sql, writer, caseID in
            let store = MonitoringStore(db: app.db, track: JournalTrack(writer: writer))
            for group in 0..<40 { // devices scattered over the index, so each group dirties many pages
                let pings = (0..<500).map { i in
                    StoredPing(caseID: caseID, ping: Ping(device: "d-\((i * 7919 + group) % 5000)", at: ZonedDateTime(epochMilliseconds: 1_760_000_000_000 + Int64(group) * 60_000, offsetSeconds: 18_000), lat: 43.2, lon: 76.9, accuracy: 5))
                }
                try await store.save(pings: pings, alerts: [], breaches: [], by: "gateway")
            }
            for _ in 0..<100 where writer.checkpointsCompleted == 0 { try await Task.sleep(for: .milliseconds(50)) }
            #expect(writer.checkpointsCompleted > 0)
            try await writer.moveAll()
            let count = try await sql.raw("SELECT count(*) AS n FROM pings").first()?.decode(column: "n", as: Int.self)
            #expect(count == 20_000)
            await writer.close()
        }
    }

    @Test func theBatchHashIsOverTheDocumentedLines() {
        let caseID = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!
        let pings = Self.pings(caseID: caseID, count: 7)
        // the format in `trackHash`'s documentation, written out the plain way
        let text = pings.map { p in
            [p.caseID.uuidString.lowercased(), p.device, String(p.at.epochMilliseconds), String(p.at.offsetSeconds),
             p.lat.map { "\($0)" } ?? "", p.lon.map { "\($0)" } ?? "", p.accuracy.map { "\($0)" } ?? "", p.event?.rawValue ?? ""]
                .joined(separator: "|") + "\n"
        }.joined()
        #expect(MonitoringStore.trackHash(pings) == SHA256Hex.of(text))
        #expect(MonitoringStore.trackHash(pings) == "81602d79b84d41a5776a488625771e027dfd7721c49231cd44857d62c6060f20")
    }

    @Test func trackRowIdsAreDistinctTimeOrderedVersion7() {
        let ms: Int64 = 1_760_000_000_123
        let ids = TimeOrderedID.batch(count: 10_000, at: ms) + TimeOrderedID.batch(count: 10_000, at: ms)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let u = id.uuid
            let stamp = [u.0, u.1, u.2, u.3, u.4, u.5].reduce(Int64(0)) { $0 << 8 | Int64($1) }
            #expect(stamp == ms)
            #expect(u.6 >> 4 == 7)
            #expect(u.8 >> 6 == 0b10)
        }
        let first = ids.prefix(10_000).map(\.uuidString)
        #expect(first == first.sorted(), "a batch's ids follow one another, so its rows append to the index")
    }
}
