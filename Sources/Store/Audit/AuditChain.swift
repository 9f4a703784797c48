import Domain
import Fluent
import Foundation
import SQLKit

/// Appends to the hash chain inside the caller's transaction. The single `audit_head` row is
/// updated first, which takes PostgreSQL's row lock (SQLite's write lock): appends from several
/// connections or instances are serialised there, and a transaction that rolls back takes its
/// records with it, so the log holds exactly the changes that were committed.
enum AuditChain {
    static let columns = ["seq", "id", "at_ms", "actor", "action", "entity", "entity_id", "case_id", "record_hash",
                          "target", "detail", "prev_hash", "hash"]

    @discardableResult
    static func append(_ entries: [AuditEntry], on tx: any Database, at: Int64 = nowMilliseconds()) async throws -> [AuditRecord] {
        guard !entries.isEmpty else { return [] }
        let sql = try sqlDatabase(tx)
        guard let head = try await sql.raw("""
            UPDATE audit_head SET seq = seq + \(bind: Int64(entries.count)) WHERE id = 1 RETURNING seq, hash
            """).first()
        else { throw AuditChainError.missingHead }
        let records = chained(entries, head: (try head.decode(column: "seq", as: Int64.self), try head.decode(column: "hash", as: String.self)),
                              at: at)
        try await ListedRows.insert(into: "audit_log", columns: columns, rows: records.map(values), on: tx)
        try await sql.raw("UPDATE audit_head SET hash = \(bind: records[records.count - 1].hash) WHERE id = 1").run()
        return records
    }

    /// The records for `entries`, linked after those before them: `head` is the head row as the
    /// append's `UPDATE … RETURNING` left it (its seq already advanced by `entries.count`).
    static func chained(_ entries: [AuditEntry], head: (seq: Int64, hash: String), at: Int64) -> [AuditRecord] {
        var seq = head.seq - Int64(entries.count), prev = head.hash
        return entries.map { entry in
            seq += 1
            let record = AuditRecord(seq: seq, id: .randomV4(), at: at, entry: entry, prev: prev)
            prev = record.hash
            return record
        }
    }

    /// `SELECT` of every column of the log, for the queries that read records.
    static func select(on db: any Database) throws -> SQLSelectBuilder {
        try sqlDatabase(db).select().columns(columns.map { SQLColumn($0) }).from("audit_log")
    }

    /// A record's values in `columns` order.
    static func values(_ r: AuditRecord) -> [RowField.Value] {
        [.integer(r.seq), .id(r.id), .integer(r.at), .text(r.actor), .text(r.action), .text(r.entity), .text(r.entityID),
         .id(r.caseID), .text(r.recordHash), .text(r.target), .text(r.detail), .text(r.prev), .text(r.hash)]
    }

    static func head(on db: any Database) async throws -> ChainHead {
        let sql = try sqlDatabase(db)
        guard let row = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first()
        else { throw AuditChainError.missingHead }
        let seq = try row.decode(column: "seq", as: Int64.self)
        let at = try await sql.raw("SELECT at_ms FROM audit_log WHERE seq = \(bind: seq)").first()
            .map { try $0.decode(column: "at_ms", as: Int64.self) }
        return ChainHead(seq: seq, hash: try row.decode(column: "hash", as: String.self), at: at)
    }

    static func sqlDatabase(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw AuditChainError.notSQL }
        return sql
    }
}

enum AuditChainError: Error, CustomStringConvertible {
    case missingHead, notSQL
    var description: String {
        switch self {
        case .missingHead: "the audit log has no head row: run the migrations"
        case .notSQL: "the audit log needs an SQL database"
        }
    }
}

extension Database {
    /// A transaction whose changes are audited: `body` returns the entries for what it wrote, and
    /// they are chained before the commit.
    /// `serialized`: such writes run one after another, so that what the body reads (a device id
    /// still free) cannot change before the commit. On PostgreSQL the chain's head row is taken
    /// first (any connection or instance waits there, in the server); on SQLite, one process's
    /// file, they wait in turn in the process: a connection waiting for SQLite's lock would hold a
    /// thread the lock's holder needs.
    func auditedTransaction<T: Sendable>(serialized: Bool = false, _ body: @escaping @Sendable (any Database) async throws -> (T, [AuditEntry]))
        async throws -> T {
        let sqlite = (self as? any SQLDatabase)?.dialect.name == "sqlite"
        if serialized, sqlite {
            let actor = Auditing.actor
            return try await SerializedWrites.shared.run { try await Auditing.$actor.withValue(actor) { try await self.auditedTransaction(body) } }
        }
        // The transaction's body runs in a task of the driver's, which does not inherit task-locals.
        let actor = Auditing.actor
        return try await transaction { tx in
            if serialized { try await AuditChain.sqlDatabase(tx).raw("UPDATE audit_head SET seq = seq WHERE id = 1").run() }
            let (value, entries) = try await Auditing.$actor.withValue(actor) { try await body(tx) }
            try await AuditChain.append(entries, on: tx)
            return value
        }
    }
}

/// The serialized writes of this process, one after another (see `auditedTransaction(serialized:)`).
actor SerializedWrites {
    static let shared = SerializedWrites()
    private var last: Task<Void, Never>?

    func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = last
        let task = Task { () async throws -> T in
            await previous?.value
            return try await body()
        }
        last = Task { _ = try? await task.value }
        return try await task.value
    }
}
