import Domain
import Fluent
import Store
import Vapor

extension Application {
    /// The search projection follows every change to a case's number or persons, wherever it was
    /// made, and notes how far it has read so that a restarted server catches up.
    func followChangesInSearch() async {
        let db = self.db, logger = self.logger
        await caseChanges.listen { changes, _, upTo in
            do {
                try await Self.reindexSearch(changes, db: db)
                try await ProjectionState(db: db).set("search", seq: upTo)
            } catch {
                logger.error("search: changed cases could not be indexed: \(String(describing: type(of: error)))")
            }
        }
    }

    /// Writes anew the index rows of the cases whose number, unit or persons changed.
    static func reindexSearch(_ changes: [CaseChange], db: any Database) async throws {
        let store = CaseFileStore(db: db), index = SearchIndex(db: db)
        for change in changes where !change.kinds.isDisjoint(with: SearchIndex.followedKinds) {
            try await index.rewrite(caseID: change.caseID, file: try await store.exportCaseFile(caseID: change.caseID, scope: .all))
        }
    }

    /// Brings the projections up to `head` from where they were left: after an upgrade (never
    /// built) the whole index, otherwise the cases changed since.
    func catchUpProjections(upTo head: Int64) async {
        let db = self.db
        do {
            let state = ProjectionState(db: db)
            guard var from = try await state.seq(of: "search") else {
                let count = try await SearchIndex(db: db).rebuild()
                logger.notice("search: indexed \(count) cases")
                return
            }
            while from < head {
                let read = try await AuditStore(db: db).changes(after: from)
                try await Self.reindexSearch(read.changes, db: db)
                from = read.last
                try await state.set("search", seq: from)
                if read.all { break }
            }
        } catch {
            logger.error("search: the index could not catch up: \(String(describing: type(of: error)))")
        }
    }
}
