import Dispatch
import Foundation
import Domain
import SQLiteKit
// SQLite itself, the copy SQLiteNIO is built with. It must be that copy: two copies of SQLite in
// one process would each hold their own POSIX locks on the same file, and one could break the
// other's (sqlite.org/howtocorrupt.html, 2.2.1). SQLiteNIO does not re-export it, and offers no
// call that runs several statements in one trip to its threads.
import VaporCSQLite

/// Stores a group of pings, the breaches it raised and its audit records on SQLite in one trip:
/// the transaction's statements run back to back on a connection and a thread of the writer's own.
///
/// Through the driver every statement of a group (`BEGIN`, the insert, the audit chain's three,
/// `COMMIT`) is a round trip from a task to SQLite's thread pool and back through the event loop,
/// 0.1-0.3 ms each on a busy machine: more than SQLite takes to store a group of a hundred pings.
/// Monitoring stores a group every few milliseconds and answers, and alerts, only once it is
/// stored, so those trips were most of the time from a ping to its alert.
///
/// The rows written are exactly those of the driver's path (`TrackRows`, the incident and alert
/// inserts of `MonitoringStore`, `AuditChain`). A file database only: an in-memory one cannot be
/// opened twice; PostgreSQL keeps the driver's path.
public final class SQLiteTrackWriter: @unchecked Sendable {
    // Everything below is touched on `queue` only.
    private let queue = DispatchQueue(label: "qorgau.track-writer")
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private let checkpointer: SQLiteCheckpointer
    /// The journal's rows not yet moved into the track.
    private var journal: JournalTails
    /// Journal rows below this number are deleted (all moved).
    private var deletedBelow: Int64 = 0
    /// Checkpoints done beside the writer so far.
    var checkpointsCompleted: Int { checkpointer.checkpointsCompleted }

    /// Opens a connection to the database file at `path` (created and migrated already) and finds
    /// the journal's rows not yet moved into the track (those of a run that ended). A device's
    /// rows are moved once `rowsPerMove` wait, or the oldest has waited `maxAge` milliseconds.
    public init(path: String, rowsPerMove: Int = 64, maxAge: Int64 = 300_000) throws {
        checkpointer = try SQLiteCheckpointer(path: path)
        journal = JournalTails(rowsPerMove: rowsPerMove, maxAge: maxAge)
        try queue.sync {
            handle = try Self.open(path)
            // as the driver's connections have it, plus the track's own settings
            // (the log, which can grow while the checkpointer is behind, is cut back to 16 MiB when it starts again)
            for pragma in ["PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL", "PRAGMA journal_size_limit = 16777216"]
                + SQLiteTrackSettings.pragmas {
                try execute(pragma)
            }
            if let handle { checkpointer.attach(to: handle) }
        }
    }

    /// Whether `journal` has been rebuilt from the table: at the first use, so a writer can be
    /// opened before the database is migrated.
    private var journalFound = false

    /// Rebuilds `journal` from the table, once: rows whose ping is not in the track wait to be moved.
    private func findWaitingRows() throws {
        guard handle != nil else { throw SQLiteTrackWriterError(message: "the writer is closed") }
        guard !journalFound else { return }
        try run("SELECT coalesce(min(seq), 1), coalesce(max(seq), 0) FROM ping_journal", [], keep: false) { row in
            deletedBelow = sqlite_nio_sqlite3_column_int64(row, 0)
            journal = JournalTails(rowsPerMove: journal.rowsPerMove, maxAge: journal.maxAge, lastSeq: sqlite_nio_sqlite3_column_int64(row, 1))
        }
        try run("""
            SELECT j.seq, j.device, j.received_at_ms FROM ping_journal j
            WHERE NOT EXISTS (SELECT 1 FROM \(PingModel.schema) p WHERE p.device = j.device AND p.at_ms = j.at_ms) ORDER BY j.seq
            """, [], keep: false) { row in
            journal.append(device: String(cString: sqlite_nio_sqlite3_column_text(row, 1)), seq: sqlite_nio_sqlite3_column_int64(row, 0),
                           receivedAt: sqlite_nio_sqlite3_column_int64(row, 2))
        }
        journalFound = true
    }

    /// A connection as the driver opens one, waiting for other writers rather than failing.
    static func open(_ path: String) throws -> OpaquePointer {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
        sqlite_nio_sqlite3_initialize() // done already by the driver's first connection; cheap again
        guard sqlite_nio_sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite_nio_sqlite3_close(db)
            throw SQLiteTrackWriterError(message: "cannot open the track's writer: \(message)")
        }
        // Waits for another writer in short steps: SQLite's own timeout sleeps 1, 2, 5, 10… ms,
        // so a lock held for 50 µs could cost a ping 18 ms.
        sqlite_nio_sqlite3_busy_handler(db, { _, tries in
            usleep(tries < 200 ? 20 : 1_000)
            return tries < 10_200 ? 1 : 0 // about ten seconds
        }, nil)
        return db
    }

    /// Closes the connection; a write after this fails.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                for statement in self.statements.values { sqlite_nio_sqlite3_finalize(statement) }
                self.statements = [:]
                if let handle = self.handle { sqlite_nio_sqlite3_wal_hook(handle, nil, nil) }
                sqlite_nio_sqlite3_close(self.handle)
                self.handle = nil
                self.checkpointer.close()
                continuation.resume()
            }
        }
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        if let handle { sqlite_nio_sqlite3_wal_hook(handle, nil, nil) }
        sqlite_nio_sqlite3_close(handle)
    }

    /// A statement and its values, as SQLiteKit would bind them.
    public typealias Statement = (sql: String, binds: [SQLiteData])

    /// A query built with SQLKit, written and bound as SQLiteKit would run it on `sql`.
    static func statement(_ query: any SQLExpression, on sql: any SQLDatabase) throws -> Statement {
        let (text, binds) = sql.serialize(query)
        let encoder = SQLiteDataEncoder()
        return (text, try binds.map { try encoder.encode($0) })
    }

    /// Writes `MonitoringStore.trackQuery` (as `statement(_:on:)` gives it) over the track or the
    /// journal's rows.
    typealias TrackQuery = @Sendable (MonitoringStore.TrackSource) throws -> Statement

    /// Reads a case's device's pings (`TrackQuery`'s rows) inside the writer's transaction.
    typealias TrackReader = (_ query: TrackQuery, _ caseID: UUID, _ device: String) throws -> [StoredPing]

    /// Stores `pings`, then runs the statements and appends the audit entries that `then` makes
    /// (with the tracks it reads, which hold these pings), all or nothing, and returns once durable.
    func write(_ pings: [StoredPing], receivedAt now: Int64,
               then rest: @escaping @Sendable (TrackReader) throws -> (statements: [Statement], audit: [AuditEntry])) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                continuation.resume(with: Result { try self.transaction(pings, receivedAt: now, then: rest) })
            }
        }
    }

    /// Each device's pings as its query selects them, from the track and the journal's waiting
    /// rows, in one trip to the writer's thread (the last pings of every device at start: a trip
    /// each was most of the time of 200,000).
    func read(_ reads: [(caseID: UUID, device: String, query: TrackQuery)]) async throws -> [[StoredPing]] {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[[StoredPing]], any Error>) in
            queue.async {
                continuation.resume(with: Result {
                    try self.findWaitingRows()
                    return try reads.map { try self.track($0.query, caseID: $0.caseID, device: $0.device,
                                                          waiting: self.journal.tails[$0.device]?.seqs ?? []) }
                })
            }
        }
    }

    /// Moves every waiting row of the journal into the track now (as when all are due).
    func moveAll() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                continuation.resume(with: Result {
                    try self.findWaitingRows()
                    try self.execute("BEGIN IMMEDIATE")
                    do {
                        let movedAt = nowMilliseconds()
                        for tail in self.journal.tails.values { try self.move(tail.seqs, at: movedAt) }
                        try self.execute("COMMIT")
                    } catch {
                        _ = try? self.execute("ROLLBACK")
                        throw error
                    }
                    for device in Array(self.journal.tails.keys) { self.journal.remove(device) }
                })
            }
        }
    }

    /// Rows waiting in the journal to be moved into the track.
    public var waitingRows: Int { queue.sync { (try? findWaitingRows()).map { journal.waitingRows } ?? 0 } }

    private func transaction(_ pings: [StoredPing], receivedAt now: Int64,
                             then rest: (TrackReader) throws -> (statements: [Statement], audit: [AuditEntry])) throws {
        try findWaitingRows()
        try execute("BEGIN IMMEDIATE")
        let moved: [String], appended: [Int64], deleteBelow: Int64
        do {
            // about as many rows move with a group as it brings, and a run more, so the journal
            // keeps up and a backlog (runs filling together) drains without holding up a group
            moved = journal.due(now: now, rows: pings.count + journal.rowsPerMove)
            let movedAt = nowMilliseconds()
            for device in moved { try move(journal.tails[device]?.seqs ?? [], at: movedAt) }
            appended = try insert(pings, receivedAt: now)
            let movedNow = Set(moved)
            var ours: [String: [Int64]] = [:]
            for (ping, seq) in zip(pings, appended) { ours[ping.device, default: []].append(seq) }
            let (statements, audit) = try rest { query, caseID, device in
                let waiting = (movedNow.contains(device) ? [] : journal.tails[device]?.seqs ?? []) + (ours[device] ?? [])
                return try track(query, caseID: caseID, device: device, waiting: waiting)
            }
            for (sql, binds) in statements { try run(sql, binds, keep: false) }
            // the journal's moved rows go from its start, a step at a time in proportion to the
            // group, so the journal keeps its size and no group pays for a long cut
            deleteBelow = min(journal.movedBelow, deletedBelow + Int64(2 * pings.count + 256))
            if deleteBelow > deletedBelow { try run("DELETE FROM ping_journal WHERE seq < ?", [.integer(Int(deleteBelow))]) }
            try appendToChain(audit, at: nowMilliseconds()) // taken holding the write lock, as the driver's path does
            try execute("COMMIT")
        } catch {
            if sqlite_nio_sqlite3_get_autocommit(handle) == 0 { _ = try? execute("ROLLBACK") }
            throw error
        }
        for device in moved { journal.remove(device) }
        for (ping, seq) in zip(pings, appended) { journal.append(device: ping.device, seq: seq, receivedAt: now) }
        deletedBelow = max(deletedBelow, deleteBelow)
    }

    /// Appends the pings to the journal, one prepared statement stepped per ping (none parsed per
    /// group size), bound with the values `TrackRows.binds` gives the driver's path but the id (a
    /// ping's id is given when it moves into the track); returns their row numbers.
    private func insert(_ pings: [StoredPing], receivedAt now: Int64) throws -> [Int64] {
        guard !pings.isEmpty else { return [] }
        let statement = try prepared(Self.journalInsert)
        defer { sqlite_nio_sqlite3_reset(statement); sqlite_nio_sqlite3_clear_bindings(statement) }
        let values = TrackRows.binds(pings, ids: TimeOrderedID.batch(count: pings.count, at: now), rows: 0..<pings.count, receivedAt: now)
        let perRow = TrackRows.columns.count
        var seqs: [Int64] = []
        seqs.reserveCapacity(pings.count)
        for start in stride(from: 0, to: values.count, by: perRow) {
            for column in 1..<perRow { try check(bind(values[start + column], at: Int32(column), in: statement)) }
            let step = sqlite_nio_sqlite3_step(statement)
            guard step == SQLITE_DONE else { try check(step); return seqs }
            seqs.append(sqlite_nio_sqlite3_last_insert_rowid(handle))
            sqlite_nio_sqlite3_reset(statement)
        }
        return seqs
    }

    private static let journalColumns = TrackRows.columns.dropFirst().joined(separator: ", ")
    private static let journalInsert = "INSERT INTO \(TrackRows.journal) (\(journalColumns)) VALUES ("
        + Array(repeating: "?", count: TrackRows.columns.count - 1).joined(separator: ",") + ")"

    /// Copies a device's waiting rows into the track, each with a new time-ordered id (version 7:
    /// the time of the move, then the journal's row number, as canonical text like the driver's
    /// ids): given in the order rows enter the track, the ids append to their index as the rows do,
    /// where ids given on arrival would scatter a run's rows over it. A row whose device and time
    /// the track holds already is left out (`OR IGNORE`) rather than stopping every later group:
    /// the engine refuses a ping not after its device's last, so none should reach the journal.
    private func move(_ seqs: [Int64], at movedAt: Int64) throws {
        guard !seqs.isEmpty else { return }
        try run("INSERT OR IGNORE INTO \(PingModel.schema) (\(TrackRows.columns.joined(separator: ", "))) SELECT "
                + "printf('%08X-%04X-7%03X-%X%03X-%012X', ?1 >> 16, ?1 & 65535, (seq >> 62) & 4095, 8 | ((seq >> 60) & 3), (seq >> 48) & 4095, seq & 281474976710655), "
                + "\(Self.journalColumns) FROM \(TrackRows.journal) WHERE seq IN ("
                + Array(repeating: "?", count: seqs.count).joined(separator: ",") + ") ORDER BY seq",
                [.integer(Int(movedAt))] + seqs.map { .integer(Int($0)) })
    }

    /// `query`'s rows from the track, then from the journal's `waiting` rows, in time order.
    private func track(_ query: TrackQuery, caseID: UUID, device: String, waiting: [Int64]) throws -> [StoredPing] {
        var track = try rows(query(.track), caseID: caseID, device: device)
        if !waiting.isEmpty {
            track += try rows(query(.journal(rows: waiting)), caseID: caseID, device: device)
            if !zip(track, track.dropFirst()).allSatisfy({ $0.at.epochMilliseconds <= $1.at.epochMilliseconds }) {
                track.sort { $0.at.epochMilliseconds < $1.at.epochMilliseconds }
            }
        }
        return track
    }

    private func rows(_ query: Statement, caseID: UUID, device: String) throws -> [StoredPing] {
        var track: [StoredPing] = []
        try run(query.sql, query.binds) { row in
            func double(_ column: Int32) -> Double? {
                sqlite_nio_sqlite3_column_type(row, column) == SQLITE_NULL ? nil : sqlite_nio_sqlite3_column_double(row, column)
            }
            let event = sqlite_nio_sqlite3_column_text(row, 5).flatMap { Ping.Event(rawValue: String(cString: $0)) }
            track.append(StoredPing(caseID: caseID, ping: Ping(device: device,
                                                               at: ZonedDateTime(epochMilliseconds: sqlite_nio_sqlite3_column_int64(row, 0),
                                                                                 offsetSeconds: Int(sqlite_nio_sqlite3_column_int64(row, 1))),
                                                               lat: double(2), lon: double(3), accuracy: double(4), event: event)))
        }
        return track
    }

    /// `AuditChain.append`, in the same statements.
    private func appendToChain(_ entries: [AuditEntry], at: Int64) throws {
        guard !entries.isEmpty else { return }
        var head: (seq: Int64, hash: String)?
        try run("UPDATE audit_head SET seq = seq + ? WHERE id = 1 RETURNING seq, hash", [.integer(entries.count)]) { statement in
            head = (sqlite_nio_sqlite3_column_int64(statement, 0), String(cString: sqlite_nio_sqlite3_column_text(statement, 1)))
        }
        guard let head else { throw AuditChainError.missingHead }
        let records = AuditChain.chained(entries, head: head, at: at)
        for record in records { try run(Self.auditInsert, AuditChain.values(record).map(\.sqliteData)) }
        try run("UPDATE audit_head SET hash = ? WHERE id = 1", [.text(records[records.count - 1].hash)])
    }

    private static let auditInsert = "INSERT INTO audit_log (" + AuditChain.columns.joined(separator: ", ") + ") VALUES ("
        + Array(repeating: "?", count: AuditChain.columns.count).joined(separator: ", ") + ")"

    // MARK: SQLite's C interface

    private func execute(_ sql: String) throws {
        try check(sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil))
    }

    /// Runs a statement with `binds`, handing each row to `row`; a statement to `keep` is prepared
    /// once (the few that every group runs), others each time (a breach's inserts, whose number of
    /// rows varies).
    private func run(_ sql: String, _ binds: [SQLiteData], keep: Bool = true, row: (OpaquePointer) -> Void = { _ in }) throws {
        let statement = try keep ? prepared(sql) : prepare(sql, flags: 0)
        defer {
            if keep { sqlite_nio_sqlite3_reset(statement); sqlite_nio_sqlite3_clear_bindings(statement) }
            else { sqlite_nio_sqlite3_finalize(statement) }
        }
        var index: Int32 = 0
        for value in binds {
            index += 1
            try check(bind(value, at: index, in: statement))
        }
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { return try check(step) }
            row(statement)
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        statements[sql] = statement
        return statement
    }

    private func prepare(_ sql: String, flags: UInt32) throws -> OpaquePointer {
        var statement: OpaquePointer?
        try check(sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil))
        guard let statement else { throw SQLiteTrackWriterError(message: "empty statement") }
        return statement
    }

    /// As SQLiteNIO binds the same values.
    private func bind(_ value: SQLiteData, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let value): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(value))
        case .float(let value): sqlite_nio_sqlite3_bind_double(statement, index, value)
        case .text(let value): sqlite_nio_sqlite3_bind_text64(statement, index, value, UInt64(value.utf8.count),
                                                             Self.transient, UInt8(SQLITE_UTF8))
        case .blob(let value): value.withUnsafeReadableBytes {
            sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), Self.transient)
        }
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        }
    }

    /// SQLite copies the value (`SQLITE_TRANSIENT`, a macro Swift cannot import).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func check(_ code: Int32) throws {
        guard code != SQLITE_OK else { return }
        throw SQLiteTrackWriterError(message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }
}

public struct SQLiteTrackWriterError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "storing the track: \(message)" }
}
