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
            try await ListedRows.insertAll(rows, on: tx)
            return ((), try rows.map { try .row($0, "incident.logged", actor: $0.versionBy) })
        }
    }
}
