import Fluent
import Foundation
import SQLKit

/// Group commit for new incidents (`GroupCommit`): requests that arrive while a transaction is
/// being written wait and are written together in the next one. Each caller returns only after
/// its incident is committed, so nothing acknowledged is lost, yet the database syncs once per
/// batch rather than once per incident. Rows are written with plain SQL inserts: this is the
/// hottest write path.
public actor IncidentWriter {
    struct Pending {
        var incident: IncidentModel
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let db: any Database
    private var queue: GroupCommit<Pending>

    public init(db: any Database, maxBatch: Int = 256) {
        self.db = db
        queue = GroupCommit(limit: maxBatch)
    }

    func write(_ incident: IncidentModel) async throws {
        try await withCheckedThrowingContinuation { continuation in
            if queue.append(Pending(incident: incident, continuation: continuation)) { Task { await drain() } }
        }
    }

    private func drain() async {
        let db = self.db
        while let group = queue.next() {
            await GroupCommit.write(group, with: { items in
                try await Self.insert(items.map(\.incident), on: db)
                for item in items { item.continuation.resume() }
            }, failed: { item, error in item.continuation.resume(throwing: error) })
        }
    }

    /// Inserts new incidents in one transaction.
    static func insert(_ rows: [IncidentModel], on db: any Database) async throws {
        try await db.auditedTransaction { tx in
            try await insertRows(rows, on: tx)
            return ((), try rows.map { try .row($0, "incident.logged", actor: $0.versionBy) })
        }
    }

    /// Inserts new incidents with one statement per 500 (SQLite takes at most 32,766 values a
    /// statement), inside the caller's transaction.
    static func insertRows(_ rows: [IncidentModel], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        guard let sql = db as? any SQLDatabase else { return try await rows.create(on: db) }
        for chunk in rows.chunks(of: 500) {
            var insert = sql.insert(into: IncidentModel.schema).columns(IncidentRow.columns)
            for row in chunk { insert = insert.values(IncidentRow.values(row)) }
            try await insert.run()
        }
    }
}

/// The columns of `incidents` in insert order, and a model's values for them.
enum IncidentRow {
    static let columns = ["id", "case_id", "ref", "version", "occurred_at_ms", "occurred_offset", "kind", "channel",
                          "place_text", "place_lat", "place_lon", "description", "against_will", "violence",
                          "reported_by", "impact", "witnesses", "evidence", "recorded_at_ms", "updated_at_ms",
                          "version_by", "version_reason"]

    static func values(_ m: IncidentModel) -> [any SQLExpression] {
        [SQLBind(m.id), SQLBind(m.$case.id), SQLBind(m.ref), SQLBind(m.version), SQLBind(m.occurredAt),
         SQLBind(m.occurredOffset), SQLBind(m.kind), SQLBind(m.channel), SQLBind(m.placeText), SQLBind(m.placeLat),
         SQLBind(m.placeLon), SQLBind(m.description), SQLBind(m.againstWill), SQLBind(m.violence),
         SQLBind(m.reportedBy), SQLBind(m.impact), SQLBind(m.witnesses), SQLBind(m.evidence), SQLBind(m.recordedAt),
         SQLBind(m.updatedAt), SQLBind(m.versionBy), SQLBind(m.versionReason)]
    }
}
