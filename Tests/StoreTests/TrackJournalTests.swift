import Domain
import Foundation
@testable import Store
import SQLKit
import Testing
import TestSupport

/// On a SQLite file the track's writer appends pings to a journal and moves each device's run into
/// the track later: what is read is the same before and after, across a restart, and the journal's
/// moved rows are cut from its start.
@Suite struct TrackJournalTests {
    @Test func fullRunsAreDueFirstThenTheOldestAndMovedOnesAreSkipped() {
        var tails = JournalTails(rowsPerMove: 3, maxAge: 1_000)
        tails.append(device: "a", seq: 1, receivedAt: 0)
        tails.append(device: "b", seq: 2, receivedAt: 10)
        tails.append(device: "c", seq: 3, receivedAt: 20)
        #expect(tails.due(now: 500, rows: 100) == [])
        for seq in Int64(4)...5 { tails.append(device: "c", seq: seq, receivedAt: 600) }
        #expect(tails.due(now: 500, rows: 100) == ["c"], "c's run is full")
        #expect(tails.due(now: 1_010, rows: 100) == ["c", "a", "b"], "then the oldest, once they have waited long enough")
        #expect(tails.due(now: 1_010, rows: 4) == ["c", "a"], "about so many rows")
        #expect(tails.due(now: 1_010, rows: 1) == ["c"], "at least one device")
        #expect(tails.movedBelow == 1)
        tails.remove("a")
        #expect(tails.movedBelow == 2)
        tails.remove("c")
        #expect(tails.due(now: 1_010, rows: 100) == ["b"])
        tails.append(device: "a", seq: 6, receivedAt: 2_000)
        tails.remove("b")
        #expect(tails.movedBelow == 6)
        #expect(tails.due(now: 2_500, rows: 100) == [])
        #expect(tails.tails["a"]?.seqs == [6])
        tails.remove("a")
        #expect(tails.movedBelow == 7)
        #expect(tails.waitingRows == 0)
    }

    static func pings(_ caseID: UUID, devices: Int, rounds: Int, from round: Int = 0) -> [StoredPing] {
        (round..<round + rounds).flatMap { r in
            (0..<devices).map { (d: Int) -> StoredPing in
                let at = ZonedDateTime(epochMilliseconds: 1_760_000_000_000 + Int64(r) * 10_000 + Int64(d), offsetSeconds: 18_000)
                let accuracy: Double? = r % 4 == 0 ? nil : 5
                return StoredPing(caseID: caseID, ping: Ping(device: "d-\(d)", at: at, lat: 43.2 + Double(r) / 1e4, lon: 76.9 + Double(d) / 1e4, accuracy: accuracy))
            }
        }
    }

    func count(_ sql: any SQLDatabase, _ table: String) async throws -> Int {
        let row = try await sql.raw("SELECT count(*) AS n FROM \(ident: table)").first()
        return try row!.decode(column: "n", as: Int.self)
    }

    @Test func theJournalIsDeclaredAsTheTrack() async throws {
        try await TrackStoreTests.withTrackWriter { _, sql, _, _ in
            func columns(_ table: String) async throws -> [String] {
                try await sql.raw("SELECT name || ' ' || type || ' ' || \"notnull\" AS c FROM pragma_table_info(\(literal: table)) WHERE name NOT IN ('seq', 'id') ORDER BY cid")
                    .all().map { try $0.decode(column: "c", as: String.self) }
            }
            let (track, journal) = (try await columns("pings"), try await columns("ping_journal"))
            #expect(track == journal)
            #expect(track.count == TrackRows.columns.count - 1)
        }
    }

    /// Runs move when full or old, with later groups; the rows a restarted writer finds waiting
    /// are those the first left; every ping is read back, before and after all are moved.
    @Test func runsMoveWithLaterGroupsAndARestartedWriterFindsTheRowsStillWaiting() async throws {
        try await TrackStoreTests.withTrackWriter(rowsPerMove: 4) { app, sql, writer, caseID in
            let store = MonitoringStore(db: app.db, track: JournalTrack(writer: writer))
            var sent: [StoredPing] = []
            for round in 0..<6 { // ten devices a round: a device's run is full after four rounds
                let group = Self.pings(caseID, devices: 10, rounds: 1, from: round)
                try await store.save(pings: group, alerts: [], breaches: [], by: "gateway")
                sent += group
            }
            let moved = try await count(sql, "pings")
            #expect(moved > 0 && moved < sent.count, "some full runs moved with the groups after them")
            #expect(writer.waitingRows == sent.count - moved)
            let path = try #require(try await sql.raw("PRAGMA database_list").first()?.decode(column: "file", as: String.self))
            await writer.close()

            let again = try SQLiteTrackWriter(path: path, rowsPerMove: 4)
            #expect(again.waitingRows == sent.count - moved)
            for device in ["d-0", "d-9"] {
                let expected = sent.filter { $0.device == device }
                #expect(try await MonitoringStore(db: app.db, track: JournalTrack(writer: again)).track(caseID: caseID, device: device, from: 0, to: .max) == expected)
                #expect(try await MonitoringStore(db: app.db).track(caseID: caseID, device: device, from: 0, to: .max) == expected)
                #expect(try await MonitoringStore(db: app.db, track: JournalTrack(writer: again)).lastPings(caseID: caseID, devices: [device]) == [expected.last!])
            }
            try await again.moveAll()
            #expect(again.waitingRows == 0)
            #expect(try await count(sql, "pings") == sent.count)
            #expect(try await MonitoringStore(db: app.db).track(caseID: caseID, device: "d-3", from: 0, to: .max)
                        == sent.filter { $0.device == "d-3" })
            await again.close()
        }
    }

    /// With every run due at once (no wait allowed), each group moves a bounded number of rows
    /// and cuts the moved rows from the journal's start; nothing is lost; the moved rows' ids are
    /// distinct version-7 UUIDs in the driver's text (here, runs moving oldest first, in order).
    @Test func oldRunsMoveABoundedNumberAGroupAndTheJournalIsCut() async throws {
        try await TrackStoreTests.withTrackWriter(maxAge: 0) { app, sql, writer, caseID in
            let store = MonitoringStore(db: app.db, track: JournalTrack(writer: writer))
            try await store.save(pings: Self.pings(caseID, devices: 100, rounds: 1), alerts: [], breaches: [], by: "gateway")
            #expect(try await count(sql, "pings") == 0)
            // a group of eight: its own eight rows and a run's worth more (64) move with it
            try await store.save(pings: Self.pings(caseID, devices: 8, rounds: 1, from: 1), alerts: [], breaches: [], by: "gateway")
            #expect(try await count(sql, "pings") == 72)
            for round in 2..<60 {
                try await store.save(pings: Self.pings(caseID, devices: 8, rounds: 1, from: round), alerts: [], breaches: [], by: "gateway")
            }
            let ids = try await sql.raw("SELECT id FROM pings ORDER BY rowid").all().map { try $0.decode(column: "id", as: String.self) }
            #expect(Set(ids).count == ids.count)
            #expect(ids == ids.sorted())
            #expect(ids.allSatisfy { UUID(uuidString: $0)?.upperString == $0 && $0.dropFirst(14).first == "7" })
            let total = 100 + 59 * 8
            #expect(try await count(sql, "pings") + writer.waitingRows == total)
            #expect(try await count(sql, "ping_journal") < total, "moved rows are cut from the journal's start")
            for device in ["d-0", "d-7", "d-99"] {
                let expected = (Self.pings(caseID, devices: 100, rounds: 1) + (1..<60).flatMap { Self.pings(caseID, devices: 8, rounds: 1, from: $0) })
                    .filter { $0.device == device }
                #expect(try await store.track(caseID: caseID, device: device, from: 0, to: .max) == expected)
                #expect(try await MonitoringStore(db: app.db).track(caseID: caseID, device: device, from: 0, to: .max) == expected)
            }
            // once every row has moved and the journal is cut to nothing, its numbers go on from where they were
            try await writer.moveAll()
            let last = try #require(try await sql.raw("SELECT max(seq) AS n FROM ping_journal").first()?.decode(column: "n", as: Int.self))
            try await store.save(pings: [], alerts: [], breaches: [], by: "gateway")
            #expect(try await count(sql, "ping_journal") == 0)
            try await store.save(pings: Self.pings(caseID, devices: 1, rounds: 1, from: 60), alerts: [], breaches: [], by: "gateway")
            let next = try #require(try await sql.raw("SELECT min(seq) AS n FROM ping_journal").first()?.decode(column: "n", as: Int.self))
            #expect(next == last + 1)
            #expect(try await store.track(caseID: caseID, device: "d-0", from: 0, to: .max).count == 61)
            await writer.close()
        }
    }
}
