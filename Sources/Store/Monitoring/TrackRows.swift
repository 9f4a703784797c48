import Fluent
import Foundation
import PostgresKit
import SQLiteKit

/// Writing a batch of pings into the track table, inside the caller's transaction.
///
/// On SQLite the statement is written once per size and the values are bound as the driver's own
/// (`SQLiteData`), as SQLiteKit's encoder would bind them (ids as upper-case text): building the
/// statement through SQLKit and encoding each value through `Encodable` took more time than
/// SQLite took to store the rows. PostgreSQL takes the batch as arrays, one per column. These are
/// the two databases Qorgau runs on (`DatabaseLocation`).
enum TrackRows {
    /// On a SQLite file, where the track's writer appends pings first (`JournalTails`).
    static let journal = "ping_journal"
    static let columns = ["id", "case_id", "device", "at_ms", "at_offset", "lat", "lon", "accuracy", "event", "received_at_ms"]
    /// Rows per statement (ten values each, well under SQLite's 32,766 bound values).
    static let rowsPerStatement = 500
    private static let fullStatement = statement(rows: rowsPerStatement)

    static func insert(_ pings: [StoredPing], receivedAt now: Int64, on db: any Database) async throws {
        let ids = TimeOrderedID.batch(count: pings.count, at: now)
        if let lite = db as? any SQLiteDatabase {
            // the transaction's own connection, asked directly: its answers come back without a
            // hop through the event loop
            try await lite.withConnection { connection in
                await SQLiteTrackSettings.apply(to: connection)
                // each statement's values are made while the one before it runs
                func rows(from start: Int) -> Range<Int> { min(start, pings.count)..<min(start + rowsPerStatement, pings.count) }
                var next = Task { binds(pings, ids: ids, rows: rows(from: 0), receivedAt: now) }
                for start in stride(from: 0, to: pings.count, by: rowsPerStatement) {
                    let values = await next.value
                    let following = rows(from: start + rowsPerStatement)
                    if !following.isEmpty { next = Task { binds(pings, ids: ids, rows: following, receivedAt: now) } }
                    let count = rows(from: start).count
                    try await connection.query(count == rowsPerStatement ? fullStatement : statement(rows: count), values) { _ in }
                }
            }
            return
        }
        if let pg = db as? any PostgresDatabase {
            let query = try postgresInsert(pings, ids: ids, receivedAt: now)
            _ = try await pg.withConnection { connection in
                connection.eventLoop.makeFutureWithTask { try await connection.query(query, logger: pg.logger) }
            }.get()
            return
        }
        throw ConfigurationError("the track is stored on SQLite or PostgreSQL")
    }

    /// The values of `rows`, in `columns` order, bound as SQLiteKit's encoder binds them.
    static func binds(_ pings: [StoredPing], ids: [UUID], rows: Range<Int>, receivedAt now: Int64) -> [SQLiteData] {
        var caseText: [UUID: SQLiteData] = [:]
        var binds: [SQLiteData] = []
        binds.reserveCapacity(rows.count * columns.count)
        for i in rows {
            let p = pings[i]
            let caseID = caseText[p.caseID] ?? {
                let text = SQLiteData.text(p.caseID.upperString)
                caseText[p.caseID] = text
                return text
            }()
            binds.append(.text(ids[i].upperString)); binds.append(caseID); binds.append(.text(p.device))
            binds.append(.integer(Int(p.at.epochMilliseconds))); binds.append(.integer(p.at.offsetSeconds))
            binds.append(p.lat.map(SQLiteData.float) ?? .null); binds.append(p.lon.map(SQLiteData.float) ?? .null)
            binds.append(p.accuracy.map(SQLiteData.float) ?? .null); binds.append(p.event.map { SQLiteData.text($0.rawValue) } ?? .null)
            binds.append(.integer(Int(now)))
        }
        return binds
    }

    /// On PostgreSQL, one statement for the whole batch: each column bound as one array (binary
    /// floats, so no coordinate changes in its last bit) and the rows made by `unnest`. Arrays hold
    /// no nulls here, so an absent number is sent as NaN and an absent event as "" and turned back
    /// into NULL: neither can be a stored value (coordinates and accuracy are checked ranges,
    /// events are words).
    static func postgresInsert(_ pings: [StoredPing], ids: [UUID], receivedAt now: Int64) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: 10)
        try bindings.append(ids)
        try bindings.append(pings.map(\.caseID))
        try bindings.append(pings.map(\.device))
        try bindings.append(pings.map(\.at.epochMilliseconds))
        try bindings.append(pings.map { Int64($0.at.offsetSeconds) })
        try bindings.append(pings.map { $0.lat ?? .nan })
        try bindings.append(pings.map { $0.lon ?? .nan })
        try bindings.append(pings.map { $0.accuracy ?? .nan })
        try bindings.append(pings.map { $0.event?.rawValue ?? "" })
        try bindings.append(now)
        return PostgresQuery(unsafeSQL: """
            INSERT INTO \(PingModel.schema) (\(columns.joined(separator: ", ")))
            SELECT id, case_id, device, at_ms, at_offset, NULLIF(lat, 'NaN'), NULLIF(lon, 'NaN'), NULLIF(accuracy, 'NaN'),
                   NULLIF(event, ''), $10
            FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int8[], $5::int8[], $6::float8[], $7::float8[], $8::float8[], $9::text[])
                AS t(id, case_id, device, at_ms, at_offset, lat, lon, accuracy, event)
            """, binds: bindings)
    }

    /// `INSERT INTO pings (…) VALUES (?, …), …` for `rows` rows.
    static func statement(rows: Int) -> String { ListedRows.sqliteInsert(into: PingModel.schema, columns: columns, rows: rows) }
}
