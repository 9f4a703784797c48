import Domain
import Fluent
import Foundation
import Law
import Store

/// Every projection a server keeps (search, worklists), kept up from the change signal: the
/// changes read from the audit log applied to each, and where each has read up to noted, so
/// that a restarted server catches up on what was written while it was down.
public struct Projections: Sendable {
    public let db: any Database
    public let packs: PackLibrary

    public init(db: any Database, packs: PackLibrary) { self.db = db; self.packs = packs }

    var worklists: WorklistProjection { WorklistProjection(db: db, packs: packs) }

    /// Applies changes read up to `upTo` to each projection that is built (one never built is
    /// built whole by `catchUp`, which reads what was written meanwhile).
    public func apply(_ changes: [CaseChange], upTo: Int64, on day: LocalDate) async throws {
        let state = ProjectionState(db: db)
        if try await state.seq(of: SearchIndex.name) != nil {
            try await reindexSearch(changes)
            try await state.set(SearchIndex.name, seq: upTo)
        }
        if try await state.seq(of: worklists.name) != nil {
            try await worklists.rewrite(Self.changed(changes, WorklistProjection.followedKinds), on: day)
            try await state.set(worklists.name, seq: upTo)
        }
    }

    /// Brings each projection up to the audit log's head from where it was left: one never built
    /// (after an upgrade) is built whole, the others take the cases changed since; then the
    /// worklists' rows whose day has come are made again. Returns what was done, for the log.
    public func catchUp(on day: LocalDate) async throws -> [String] {
        var done: [String] = []
        let state = ProjectionState(db: db)
        for name in [SearchIndex.name, worklists.name] {
            guard var from = try await state.seq(of: name) else {
                let head = try await AuditStore(db: db).head().seq
                let count = name == SearchIndex.name ? try await SearchIndex(db: db).rebuild() : try await worklists.rebuild(on: day)
                try await state.set(name, seq: head)
                done.append("\(name): built for \(count) cases")
                continue
            }
            var changed = 0
            while true {
                let read = try await AuditStore(db: db).changes(after: from)
                if name == SearchIndex.name { try await reindexSearch(read.changes) } else {
                    try await worklists.rewrite(Self.changed(read.changes, WorklistProjection.followedKinds), on: day)
                }
                changed += read.changes.count
                from = read.last
                try await state.set(name, seq: from)
                if read.all { break }
            }
            if changed > 0 { done.append("\(name): \(changed) changed cases") }
        }
        let refreshed = try await worklists.refresh(on: day)
        if refreshed > 0 { done.append("\(worklists.name): \(refreshed) cases made again for \(day)") }
        return done
    }

    /// Every projection built anew (`qorgau reindex`). Returns the number of cases.
    /// Each page of case files is read once for both projections.
    public func rebuild(on day: LocalDate) async throws -> Int {
        let state = ProjectionState(db: db)
        let head = try await AuditStore(db: db).head().seq
        let search = SearchIndex(db: db), tables = WorklistTables(db: db), worklists = worklists
        try await search.removeAll()
        try await tables.removeAll()
        var count = 0
        try await CaseFileStore(db: db).forEachPageOfCaseFiles(pageSize: 500) { page in
            try await search.rewrite(page.map { ($0.0.id, $0.1) })
            try await tables.rewrite(page.map { worklists.entry($0.0, $0.1, on: day) }, keepingFrom: day)
            count += page.count
        }
        try await state.set(SearchIndex.name, seq: head)
        try await state.set(worklists.name, seq: head)
        return count
    }

    /// The cases whose worklist rows are not what their case files give (the search index is
    /// checked by `AuditVerifier`), leaving out those changed since the projection last read the log.
    public func worklistDisagreements(on day: LocalDate) async throws -> [UUID] {
        guard let from = try await ProjectionState(db: db).seq(of: worklists.name) else { return [] }
        return try await worklists.disagreements(on: day, pending: try await AuditStore(db: db).casesChanged(after: from))
    }

    /// A database without a case has every projection built: they follow from the first write on
    /// (one with cases is projected whole by `catchUp`).
    public func markBuiltIfEmpty() async throws {
        guard try await CaseStore(db: db).isEmpty() else { return }
        let state = ProjectionState(db: db)
        let head = try await AuditStore(db: db).head().seq
        for name in [SearchIndex.name, worklists.name] where try await state.seq(of: name) == nil {
            try await state.set(name, seq: head)
        }
    }

    /// Whether the worklists are built (until then a worklist is computed from the case files).
    public func worklistsReady() async throws -> Bool {
        try await ProjectionState(db: db).seq(of: worklists.name) != nil
    }

    private func reindexSearch(_ changes: [CaseChange]) async throws {
        let store = CaseFileStore(db: db), index = SearchIndex(db: db)
        for chunk in Self.changed(changes, SearchIndex.followedKinds).chunks(of: 200) {
            let files = try await store.caseFiles(ids: chunk)
            try await index.rewrite(chunk.compactMap { id in files[id].map { (id, $0.1) } })
        }
    }

    static func changed(_ changes: [CaseChange], _ kinds: Set<CaseChange.Kind>) -> [UUID] {
        var seen = Set<UUID>()
        return changes.filter { !$0.kinds.isDisjoint(with: kinds) }.map(\.caseID).filter { seen.insert($0).inserted }
    }
}
