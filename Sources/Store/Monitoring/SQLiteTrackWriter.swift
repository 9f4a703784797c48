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
    /// Checkpoints done beside the writer so far.
    var checkpointsCompleted: Int { checkpointer.checkpointsCompleted }

    /// Opens a connection to the database file at `path` (created and migrated already).
    public init(path: String) throws {
        checkpointer = try SQLiteCheckpointer(path: path)
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

    /// Runs `MonitoringStore.trackQuery` (written and bound as `statement(_:on:)` gives it) for a
    /// case's device inside the writer's transaction.
    typealias TrackReader = (_ query: Statement, _ caseID: UUID, _ device: String) throws -> [StoredPing]

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

    private func transaction(_ pings: [StoredPing], receivedAt now: Int64,
                             then rest: (TrackReader) throws -> (statements: [Statement], audit: [AuditEntry])) throws {
        guard handle != nil else { throw SQLiteTrackWriterError(message: "the writer is closed") }
        try execute("BEGIN IMMEDIATE")
        do {
            try insert(pings, receivedAt: now)
            let (statements, audit) = try rest(track)
            for (sql, binds) in statements { try run(sql, binds, keep: false) }
            try appendToChain(audit, at: nowMilliseconds()) // taken holding the write lock, as the driver's path does
            try execute("COMMIT")
        } catch {
            if sqlite_nio_sqlite3_get_autocommit(handle) == 0 { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// The track's rows, one prepared statement stepped per ping (none parsed per group size),
    /// bound with the values `TrackRows.binds` gives the driver's path.
    private func insert(_ pings: [StoredPing], receivedAt now: Int64) throws {
        guard !pings.isEmpty else { return }
        let statement = try prepared(Self.pingInsert)
        defer { sqlite_nio_sqlite3_reset(statement); sqlite_nio_sqlite3_clear_bindings(statement) }
        let values = TrackRows.binds(pings, ids: TimeOrderedID.batch(count: pings.count, at: now), rows: 0..<pings.count, receivedAt: now)
        let perRow = TrackRows.columns.count
        for start in stride(from: 0, to: values.count, by: perRow) {
            for column in 0..<perRow { try check(bind(values[start + column], at: Int32(column + 1), in: statement)) }
            let step = sqlite_nio_sqlite3_step(statement)
            guard step == SQLITE_DONE else { return try check(step) }
            sqlite_nio_sqlite3_reset(statement)
        }
    }

    private static let pingInsert = TrackRows.statement(rows: 1)

    /// `MonitoringStore.trackQuery`'s rows, read on this connection.
    private func track(_ query: Statement, caseID: UUID, device: String) throws -> [StoredPing] {
        var track: [StoredPing] = []
        try run(query.sql, query.binds) { row in
            func double(_ column: Int32) -> Double? {
                sqlite_nio_sqlite3_column_type(row, column) == SQLITE_NULL ? nil : sqlite_nio_sqlite3_column_double(row, column)
            }
            let event = sqlite_nio_sqlite3_column_text(row, 5).map { String(cString: $0) }
            track.append(StoredPing(caseID: caseID, device: device,
                                    at: ZonedDateTime(epochMilliseconds: sqlite_nio_sqlite3_column_int64(row, 0),
                                                      offsetSeconds: Int(sqlite_nio_sqlite3_column_int64(row, 1))),
                                    lat: double(2), lon: double(3), accuracy: double(4), event: event))
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
        let encoder = SQLiteDataEncoder()
        for record in records { try run(Self.auditInsert, try AuditChain.values(record).map { try encoder.encode($0) }) }
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
