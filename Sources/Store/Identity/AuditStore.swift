import Domain
import Fluent
import Foundation
import SQLKit

/// The audit log: security events (sign-ins, locks, refusals, grants), reads of a victim's data,
/// and, written by the stores in the same transaction, every change to a case. Append-only and
/// hash-chained; never a victim's name, address or location (targets are ids and routes).
public struct AuditStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public typealias Event = AuditRecord

    /// Appends one event in a transaction of its own.
    public func append(actor: String, action: String, target: String? = nil, detail: String? = nil,
                       caseID: UUID? = nil, entity: String? = nil, entityID: String? = nil) async throws {
        let entry = AuditEntry(actor: actor, action: action, entity: entity, entityID: entityID, caseID: caseID,
                               target: target, detail: detail)
        _ = try await db.transaction { tx in try await AuditChain.append([entry], on: tx) }
    }

    /// Appends events in one transaction (the benchmark fills a log this way).
    public func append(_ entries: [AuditEntry]) async throws {
        _ = try await db.transaction { tx in try await AuditChain.append(entries, on: tx) }
    }

    /// Newest first, optionally only one action or one case. The cursor is the last `seq` seen.
    /// `action` ending in `*` matches every action it begins (`read.*`: every read of case data);
    /// `actor`, `from` and `to` (epoch ms) narrow it to one actor and a period.
    public func list(action: String? = nil, caseID: UUID? = nil, entityID: String? = nil, actor: String? = nil,
                     from: Int64? = nil, to: Int64? = nil, limit: Int, after cursor: Cursor?) async throws -> Page<Event> {
        var query = try AuditChain.select(on: db)
        if let action, action.hasSuffix("*") {
            let prefix = action.dropLast().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
            query = query.where("action", .like, prefix + "%")
        } else if let action { query = query.where("action", .equal, action) }
        if let actor { query = query.where("actor", .equal, actor) }
        if let from { query = query.where("at_ms", .greaterThanOrEqual, from) }
        if let to { query = query.where("at_ms", .lessThan, to) }
        if let caseID { query = query.where("case_id", .equal, caseID) }
        if let entityID { query = query.where("entity_id", .equal, entityID) }
        if let cursor { query = query.where("seq", .lessThan, cursor.key) }
        let rows = try await query.orderBy("seq", .descending).limit(limit + 1).all()
        let items = try rows.prefix(limit).map(AuditRecord.init(row:))
        let next = rows.count > limit ? items.last : nil
        return Page(items: items, nextCursor: next.map { Cursor(key: $0.seq, id: $0.id).text })
    }

    /// The records of one case in chain order (for the dossier).
    public func records(caseID: UUID) async throws -> [AuditRecord] {
        try await AuditChain.select(on: db).where("case_id", .equal, caseID).orderBy("seq").all().map(AuditRecord.init(row:))
    }

    public func head() async throws -> ChainHead {
        try await AuditChain.head(on: db)
    }
}

extension AuditRecord {
    init(row: any SQLRow) throws {
        self.init(seq: try row.decode(column: "seq", as: Int64.self), id: try row.decode(column: "id", as: UUID.self),
                  at: try row.decode(column: "at_ms", as: Int64.self), actor: try row.decode(column: "actor", as: String.self),
                  action: try row.decode(column: "action", as: String.self),
                  entity: try row.decode(column: "entity", as: String?.self),
                  entityID: try row.decode(column: "entity_id", as: String?.self),
                  caseID: try row.decode(column: "case_id", as: UUID?.self),
                  recordHash: try row.decode(column: "record_hash", as: String?.self),
                  target: try row.decode(column: "target", as: String?.self),
                  detail: try row.decode(column: "detail", as: String?.self),
                  prev: try row.decode(column: "prev_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self))
    }
}
