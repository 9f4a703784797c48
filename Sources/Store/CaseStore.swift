import Domain
import Fluent
import Foundation
import SQLKit

/// Cases: create, find, list. Every read goes through the caller's scope; a case outside it is
/// reported as not found, so its existence does not leak.
public struct CaseStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Refuses a case number another case already has, as a problem at `pointer`.
    func requireNumberFree(_ number: String?, pointer: String) async throws {
        guard let number, try await CaseModel.query(on: db).filter(\.$number == number).first() != nil else { return }
        throw ValidationFailure([ValidationProblem(pointer: pointer, message: "a case with number \"\(number)\" already exists",
                                                   code: .numberTaken, values: ["value": number])])
    }

    public func create(jurisdiction: String, header: CaseHeader, by principal: Principal) async throws -> CaseSummary {
        try await requireNumberFree(header.number, pointer: "/number")
        if let unit = header.unit { try await UnitStore(db: db).ensure(unit, now: nowMilliseconds()) }
        let model = CaseModel()
        model.id = UUID()
        model.number = header.number
        model.jurisdiction = jurisdiction
        model.openedAt = header.openedAt.epochMilliseconds
        model.openedOffset = header.openedAt.offsetSeconds
        model.unit = header.unit
        model.status = CaseStatus.open.rawValue
        model.version = 1
        model.createdAt = nowMilliseconds()
        try await db.auditedTransaction { tx in
            try await model.create(on: tx)
            return ((), [try .row(model, "case.opened")])
        }
        return try model.summary()
    }

    public func get(_ id: UUID, scope: CaseScope) async throws -> CaseSummary {
        try await model(id, scope: scope).summary()
    }

    /// Finds a case by its id or its number, within scope.
    public func find(idOrNumber: String, scope: CaseScope) async throws -> CaseSummary {
        if let id = UUID(uuidString: idOrNumber) { return try await get(id, scope: scope) }
        guard let model = try await CaseModel.query(on: db).filter(\.$number == idOrNumber).first(),
              let id = model.id, scope.allows(id, unit: model.unit) else { throw DomainError.notFound("case \(idOrNumber)") }
        return try model.summary()
    }

    func model(_ id: UUID, scope: CaseScope) async throws -> CaseModel {
        guard let model = try await CaseModel.find(id, on: db), scope.allows(id, unit: model.unit) else {
            throw DomainError.notFound("case")
        }
        return model
    }

    /// Whether no case is stored at all.
    public func isEmpty() async throws -> Bool {
        try await CaseModel.query(on: db).first() == nil
    }

    /// Checks that a case exists within scope, without loading it.
    public func requireCase(_ id: UUID, scope: CaseScope) async throws {
        if case .limited(_, let cases) = scope, cases.contains(id) { return } // granted cases exist (a foreign key)
        guard scope == .all else {
            // a limited scope depends on the case's unit, which a transfer may change: ask every time
            guard let unit = try await unit(of: id), scope.allows(id, unit: unit) else { throw DomainError.notFound("case") }
            return
        }
        if KnownCases.shared.contains(id) { return }
        let exists: Bool
        if let sql = db as? any SQLDatabase {
            exists = try await sql.select().column(SQLLiteral.numeric("1")).from(CaseModel.schema)
                .where("id", .equal, SQLBind(id)).limit(1).first() != nil
        } else {
            exists = try await CaseModel.query(on: db).filter(\.$id == id).count() > 0
        }
        guard exists else { throw DomainError.notFound("case") }
        KnownCases.shared.insert(id)
    }

    /// The unit of a case (`.some(nil)` when it has none), or nil when there is no such case.
    public func unit(of id: UUID) async throws -> String?? {
        if let sql = db as? any SQLDatabase {
            struct Row: Decodable { var unit: String? }
            guard let row = try await sql.select().column("unit").from(CaseModel.schema)
                .where("id", .equal, SQLBind(id)).limit(1).first(decoding: Row.self) else { return nil }
            return .some(row.unit)
        }
        guard let model = try await CaseModel.find(id, on: db) else { return nil }
        return .some(model.unit)
    }

    /// Corrects the header (number, unit, status), keeping the version it replaces with the reason.
    public func correct(_ id: UUID, changes: CaseChanges, reason: String, expectedVersion: Int?,
                        by principal: Principal) async throws -> CaseSummary {
        let model = try await model(id, scope: principal.scope)
        if let expectedVersion, expectedVersion != model.version {
            throw DomainError.conflict("case is at version \(model.version), not \(expectedVersion): reload and correct again")
        }
        if case .some(.some(let number)) = changes.number, number != model.number {
            try await requireNumberFree(number, pointer: "/number")
        }
        let before = try model.summary()
        let snapshot = try JSONColumn.encode(before)
        if let number = changes.number { model.number = number }
        if let unit = changes.unit { model.unit = unit }
        if let status = changes.status { model.status = status.rawValue }
        model.version += 1
        let superseded = RecordVersionModel(kind: "case", recordID: id, version: before.version, snapshot: snapshot,
                                            reason: reason, by: principal.subject, at: nowMilliseconds())
        try await saveNewVersion(on: db, keeping: superseded, updating: model, caseID: id, action: "case.corrected",
                                 conflict: "case was corrected by someone else at the same time: reload and correct again")
        return try model.summary()
    }

    /// Whether a unit is on the list of units.
    public func isKnownUnit(_ unit: String) async throws -> Bool {
        try await UnitStore(db: db).exists(unit)
    }

    /// The superseded versions of the header, oldest first.
    public func history(_ id: UUID, scope: CaseScope) async throws -> [RecordVersion] {
        _ = try await model(id, scope: scope)
        return try await RecordVersionModel.query(on: db).filter(\.$kind == "case").filter(\.$recordID == id)
            .sort(\.$version).all().map { try $0.value() }
    }

    /// Newest first.
    public func list(_ filter: CaseFilter, scope: CaseScope, limit: Int, after cursor: Cursor?) async throws -> Page<CaseSummary> {
        let query = CaseModel.query(on: db)
        guard query.within(scope) else { return Page(items: [], nextCursor: nil) }
        if let status = filter.status { query.filter(\.$status == status.rawValue) }
        if let jurisdiction = filter.jurisdiction { query.filter(\.$jurisdiction == jurisdiction) }
        if let from = filter.openedFrom { query.filter(\.$openedAt >= from.epochMilliseconds) }
        if let before = filter.openedBefore { query.filter(\.$openedAt < before.epochMilliseconds) }
        if let cursor {
            query.group(.or) { or in
                or.filter(\.$createdAt < cursor.key)
                or.group(.and) { $0.filter(\.$createdAt == cursor.key).filter(\.$id < cursor.id) }
            }
        }
        let rows = try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit + 1).all()
        let items = try rows.prefix(limit).map { try $0.summary() }
        let next = rows.count > limit ? rows[limit - 1] : nil
        return Page(items: items, nextCursor: try next.map { Cursor(key: $0.createdAt, id: try $0.requireID()).text })
    }
}

/// Ids of cases seen to exist. Cases are never deleted, so once seen an id stays valid in every
/// instance; this spares the hot write path a query. Scope is still checked on every call.
final class KnownCases: @unchecked Sendable {
    static let shared = KnownCases()
    private let lock = NSLock()
    private var ids: Set<UUID> = []

    func contains(_ id: UUID) -> Bool { lock.withLock { ids.contains(id) } }
    func insert(_ id: UUID) { lock.withLock { _ = ids.insert(id) } }
}

extension QueryBuilder where Model == CaseModel {
    /// Narrows the query to the cases in scope; false when no case can be in it.
    func within(_ scope: CaseScope) -> Bool {
        guard case .limited(let units, let cases) = scope else { return true }
        switch (units.isEmpty, cases.isEmpty) {
        case (true, true): return false
        case (false, true): filter(\.$unit ~~ Array(units))
        case (true, false): filter(\.$id ~~ Array(cases))
        case (false, false): group(.or) { $0.filter(\.$unit ~~ Array(units)).filter(\.$id ~~ Array(cases)) }
        }
        return true
    }
}
