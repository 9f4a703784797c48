import Domain
import Fluent
import Foundation
import SQLKit

/// Imports and exports whole case files. Import runs in one transaction: all or nothing.
public struct CaseFileStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Stores a validated case file as a new case and returns its id. A case number that is
    /// already taken is refused as a validation problem at `/case/number`, a device worn in
    /// another open case at `/devices/N/id`.
    public func importCaseFile(_ file: CaseFile, by principal: Principal) async throws -> UUID {
        try await importCaseFiles([file], by: principal, pointer: { _ in "" })[0]
    }

    /// Stores validated case files as new cases in one transaction, all or nothing, and returns
    /// their ids in order. A problem in the N-th file is pointed at `/N/…` (`/2/case/number`),
    /// including a case number or device that two of the files share.
    public func importCaseFiles(_ files: [CaseFile], by principal: Principal) async throws -> [UUID] {
        try await importCaseFiles(files, by: principal, pointer: { "/\($0)" })
    }

    private func importCaseFiles(_ files: [CaseFile], by principal: Principal, pointer: (Int) -> String) async throws -> [UUID] {
        guard !files.isEmpty else { return [] }
        try await requireFree(files, pointer: pointer)
        let now = nowMilliseconds()
        // an imported case's unit joins the list of units if it is not there (named by its code until renamed)
        for unit in Set(files.compactMap(\.case.unit)) { try await UnitStore(db: db).ensure(unit, now: now) }
        // a batch's rows are made while the batch before it is written (the writing waits on
        // the database's thread, the making takes the other core), and only two batches' rows
        // are held at once, however many files; each file's rows in one batch, one instant
        let batches = files.chunks(of: Self.importBatch), actor = Auditing.actor
        @Sendable func rows(_ batch: Int) throws -> ImportRows? {
            batches.indices.contains(batch) ? try ImportRows(batches[batch], by: principal, at: now, actor: actor) : nil
        }
        let first = try rows(0)! // before the write lock is taken
        return try await db.auditedTransaction { tx in
            // On PostgreSQL the audit chain's head row is locked by the first append until the
            // commit, so the chain is appended once, at the end, as for any write; on SQLite the
            // write lock is held from the first insert anyway, and each batch's records are
            // appended with it, so they are not all held in memory.
            let eachBatch = (tx as? any SQLDatabase)?.dialect.name == "sqlite"
            var ids: [UUID] = [], atTheEnd: [AuditEntry] = [], made = first
            var appendedAt: Int64? // one instant for the whole import, taken holding the write lock
            for batch in batches.indices {
                async let following = rows(batch + 1) // cancelled and awaited if this batch fails
                try await made.insert(on: tx)
                if eachBatch {
                    let at = appendedAt ?? nowMilliseconds()
                    appendedAt = at
                    try await AuditChain.append(made.audit, on: tx, at: at)
                } else { atTheEnd += made.audit }
                ids += made.caseIDs
                guard let next = try await following else { break }
                made = next
            }
            return (ids, atTheEnd)
        }
    }

    /// Case files whose rows are made and written together (an import of many is written a
    /// batch at a time, in its one transaction).
    static let importBatch = 500

    public func exportCaseFile(caseID: UUID, scope: CaseScope) async throws -> CaseFile {
        guard let model = try await CaseModel.find(caseID, on: db), scope.allows(caseID, unit: model.unit) else {
            throw DomainError.notFound("case")
        }
        return try await caseFiles(of: [model])[0]
    }

    /// Every case in scope as a case file, oldest first (for reports and pages across cases).
    /// Read a few hundred cases at a time, each table once per few hundred cases: 100,000 cases
    /// one by one were 700,000 queries.
    public func allCaseFiles(scope: CaseScope) async throws -> [(CaseSummary, CaseFile)] {
        let query = CaseModel.query(on: db)
        guard query.within(scope) else { return [] }
        let models = try await query.sort(\.$createdAt).sort(\.$id).all()
        var result: [(CaseSummary, CaseFile)] = []
        result.reserveCapacity(models.count)
        for chunk in models.chunks(of: 500) {
            for (model, file) in zip(chunk, try await caseFiles(of: chunk)) { result.append((try model.summary(), file)) }
        }
        return result
    }

    /// The case files of these cases that exist, by id (whatever their scope: for projections).
    public func caseFiles(ids: [UUID]) async throws -> [UUID: (CaseSummary, CaseFile)] {
        var found: [UUID: (CaseSummary, CaseFile)] = [:]
        for chunk in ids.chunks(of: 500) {
            let models = try await CaseModel.query(on: db).filter(\.$id ~~ chunk).all()
            for (model, file) in zip(models, try await caseFiles(of: models)) { found[model.id!] = (try model.summary(), file) }
        }
        return found
    }

    /// Every case as a case file, oldest first, `pageSize` cases read at a time, so that memory
    /// stays flat however many cases there are.
    public func forEachCaseFile(pageSize: Int = 500, _ body: (CaseSummary, CaseFile) async throws -> Void) async throws {
        try await forEachPageOfCaseFiles(pageSize: pageSize) { page in
            for (summary, file) in page { try await body(summary, file) }
        }
    }

    /// Every case as case files, oldest first, a page of `pageSize` cases at a time.
    public func forEachPageOfCaseFiles(pageSize: Int = 500, _ body: ([(CaseSummary, CaseFile)]) async throws -> Void) async throws {
        var after: (Int64, UUID)?
        while let page = try await self.page(after: after, size: pageSize) {
            try await body(page.files)
            after = page.last
        }
    }

    /// The case files after `after` (opening time and id) in the order of opening, at most
    /// `size`; nil when there are none.
    private func page(after: (Int64, UUID)?, size: Int) async throws -> (files: [(CaseSummary, CaseFile)], last: (Int64, UUID))? {
        var query = CaseModel.query(on: db)
        if let (created, id) = after {
            query = query.group(.or) { group in
                group.filter(\.$createdAt > created).group(.and) { $0.filter(\.$createdAt == created).filter(\.$id > id) }
            }
        }
        let models = try await query.sort(\.$createdAt).sort(\.$id).limit(size).all()
        guard let last = models.last else { return nil }
        return (try zip(models, try await caseFiles(of: models)).map { (try $0.summary(), $1) }, (last.createdAt, last.id!))
    }

    /// The case files of some cases, in their order.
    private func caseFiles(of models: [CaseModel]) async throws -> [CaseFile] {
        try await rows(of: models, forReadingOnly: true).map { try $0.caseFile() }
    }

    /// The stored rows a case file is made of, read in the order the case file lists them.
    public func rows(caseID: UUID, scope: CaseScope) async throws -> CaseFileRows {
        guard let model = try await CaseModel.find(caseID, on: db), scope.allows(caseID, unit: model.unit) else {
            throw DomainError.notFound("case")
        }
        return try await rows(of: [model])[0]
    }

    /// The rows of some cases, in their order: each table read once for all of them.
    /// `forReadingOnly`: the incidents, persons, orders and records, most of the rows, made without
    /// Fluent's reflection (`PlainRowReader`); not for rows to change, or to hash as Fluent encodes them.
    private func rows(of models: [CaseModel], forReadingOnly: Bool = false) async throws -> [CaseFileRows] {
        let ids = models.map { $0.id! }
        let personModels = forReadingOnly ? try await PlainRowReader.persons(of: ids, on: db)
            : try await PersonModel.query(on: db).filter(\.$case.$id ~~ ids).sort(\.$seq).sort(\.$ref).all()
        let placeModels = personModels.isEmpty ? [] : try await PlaceModel.query(on: db)
            .filter(\.$person.$id ~~ personModels.compactMap(\.id)).all()
        let placesByPerson = Dictionary(grouping: placeModels, by: { $0.$person.id })
        let personsByCase = Dictionary(grouping: personModels, by: { $0.$case.id })
        let incidentsByCase = Dictionary(grouping: forReadingOnly ? try await PlainRowReader.incidents(of: ids, on: db)
            : try await IncidentModel.query(on: db).filter(\.$case.$id ~~ ids).sort(\.$occurredAt).sort(\.$ref).all(),
            by: { $0.$case.id })
        let uploaded = Dictionary(grouping: try await EvidenceModel.query(on: db).filter(\.$caseID ~~ ids)
            .sort(\.$addedAt).sort(\.$sha256).all(), by: \.incidentID)
        let ordersByCase = Dictionary(grouping: forReadingOnly ? try await PlainRowReader.orders(of: ids, on: db)
            : try await ProtectiveOrderModel.query(on: db).filter(\.$case.$id ~~ ids).sort(\.$seq).sort(\.$ref).all(),
            by: { $0.$case.id })
        let recordsByCase = Dictionary(grouping: forReadingOnly ? try await PlainRowReader.records(of: ids, on: db)
            : try await CaseRecordModel.query(on: db).filter(\.$case.$id ~~ ids).sort(\.$seq).sort(\.$ref).all(),
            by: { $0.$case.id })
        let errorsByCase = Dictionary(grouping: try await IncidentErrorModel.query(on: db).filter(\.$case.$id ~~ ids)
            .sort(\.$markedAt).sort(\.$id).all(), by: { $0.$case.id })
        return models.map { model in
            let caseID = model.id!
            let persons = personsByCase[caseID] ?? [], incidents = incidentsByCase[caseID] ?? []
            return CaseFileRows(caseRow: model, persons: persons, places: persons.flatMap { placesByPerson[$0.id!] ?? [] },
                                incidents: incidents, evidence: incidents.flatMap { uploaded[$0.id!] ?? [] },
                                orders: ordersByCase[caseID] ?? [], records: recordsByCase[caseID] ?? [],
                                errors: errorsByCase[caseID] ?? [])
        }
    }

    /// Case numbers are unique, and a device reports under its own id, so it can be worn in one
    /// open case only: otherwise its pings would be checked against the wrong case's orders. Asked
    /// a few hundred at a time, so importing many files costs a few queries, not one per device.
    func requireFree(_ files: [CaseFile], pointer: (Int) -> String) async throws {
        var problems: [ValidationProblem] = []
        var numberIn: [String: Int] = [:], deviceIn: [String: Int] = [:]
        var devices: [(file: Int, index: Int, id: String)] = []
        for (n, file) in files.enumerated() {
            if let number = file.case.number {
                if let other = numberIn[number] {
                    problems.append(.init(pointer: pointer(n) + "/case/number", message: "case number \"\(number)\" is also the number of file \(other)"))
                } else { numberIn[number] = n }
            }
            for (index, device) in (file.devices ?? []).enumerated() {
                if let other = deviceIn[device.id], other != n {
                    problems.append(.init(pointer: pointer(n) + "/devices/\(index)/id", message: "device \"\(device.id)\" is also registered in file \(other)"))
                } else { deviceIn[device.id] = n }
                devices.append((n, index, device.id))
            }
        }
        var taken = Set<String>(), worn = Set<String>()
        for some in Array(numberIn.keys).chunks(of: 500) {
            for model in try await CaseModel.query(on: db).filter(\.$number ~~ some).all() { if let number = model.number { taken.insert(number) } }
        }
        for some in Array(deviceIn.keys).chunks(of: 500) {
            for record in try await CaseRecordModel.query(on: db).filter(\.$section == "devices").filter(\.$ref ~~ some)
                .join(CaseModel.self, on: \CaseRecordModel.$case.$id == \CaseModel.$id)
                .filter(CaseModel.self, \.$status == CaseStatus.open.rawValue).all() {
                worn.insert(record.ref)
            }
        }
        for (n, file) in files.enumerated() {
            if let number = file.case.number, taken.contains(number) {
                problems.append(.init(pointer: pointer(n) + "/case/number", message: "a case with number \"\(number)\" already exists",
                                      code: .numberTaken, values: ["value": number]))
            }
        }
        for device in devices where worn.contains(device.id) {
            problems.append(.init(pointer: pointer(device.file) + "/devices/\(device.index)/id",
                                  message: "device \"\(device.id)\" is registered in another open case; close that case or use the device's own id"))
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }
}
