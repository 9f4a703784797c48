import Domain
import Fluent
import Foundation

/// Incidents of a case. Never deleted: a correction writes a new version with its reason, and
/// every version stays readable.
public struct IncidentStore: Sendable {
    let db: any Database
    let writer: IncidentWriter?

    /// With a `writer`, new incidents are group-committed with those of concurrent requests.
    public init(db: any Database, writer: IncidentWriter? = nil) {
        self.db = db
        self.writer = writer
    }

    /// Records a new incident; an empty `incident.id` gets a fresh reference.
    public func add(_ incident: Incident, to caseID: UUID, by principal: Principal) async throws -> StoredIncident {
        try await CaseStore(db: db).requireCase(caseID, scope: principal.scope)
        var incident = incident
        let id = UUID()
        if incident.id.isEmpty { incident.id = "i-" + id.apiString }
        let model = try IncidentModel(caseID: caseID, incident: incident, by: principal.subject, at: nowMilliseconds())
        model.id = id
        do {
            if let writer { try await writer.write(model) } else { try await IncidentWriter.insert([model], on: db) }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            let ref = incident.id
            if try await IncidentModel.query(on: db).filter(\.$case.$id == caseID).filter(\.$ref == ref).first() != nil {
                throw ValidationFailure(pointer: "/id", message: "an incident with id \"\(ref)\" is already in this case")
            }
            throw error
        }
        return try model.stored()
    }

    /// The case-file reference of each incident of a case, by stored id (the caller checked scope).
    public func refs(caseID: UUID) async throws -> [UUID: String] {
        var refs: [UUID: String] = [:]
        for model in try await IncidentModel.query(on: db).filter(\.$case.$id == caseID).all() { refs[try model.requireID()] = model.ref }
        return refs
    }

    /// Of these audit subjects, those that are victims' accounts.
    public func victimAccounts(among subjects: Set<String>) async throws -> Set<String> {
        let byID = Dictionary(subjects.compactMap { subject in UUID(uuidString: subject).map { ($0, subject) } }, uniquingKeysWith: { first, _ in first })
        guard !byID.isEmpty else { return [] }
        let victims = try await UserModel.query(on: db).filter(\.$id ~~ Array(byID.keys)).filter(\.$role == Role.victim.rawValue)
            .field(\.$id).all()
        return Set(try victims.compactMap { byID[try $0.requireID()] })
    }

    /// The incidents of a case that a victim's account logged, by stored id, with that account's
    /// id: the writer of each incident's first version. (The caller checked scope.)
    public func loggedByVictims(caseID: UUID) async throws -> [UUID: UUID] {
        // only the columns that name the writer: not the incidents' texts nor the versions' snapshots
        var firstWriter: [UUID: String] = [:]
        for model in try await IncidentModel.query(on: db).filter(\.$case.$id == caseID).filter(\.$version == 1)
            .field(\.$id).field(\.$versionBy).all() {
            firstWriter[try model.requireID()] = model.versionBy
        }
        let corrected = try await IncidentVersionModel.query(on: db).join(IncidentModel.self, on: \IncidentVersionModel.$incident.$id == \IncidentModel.$id)
            .filter(IncidentModel.self, \.$case.$id == caseID).filter(\.$version == 1)
            .field(\.$incident.$id).field(\.$recordedBy).all()
        for version in corrected { firstWriter[version.$incident.id] = version.recordedBy }
        let accounts = Set(firstWriter.values.compactMap(UUID.init(uuidString:)))
        guard !accounts.isEmpty else { return [:] }
        let victims = Set(try await UserModel.query(on: db).filter(\.$id ~~ accounts).filter(\.$role == Role.victim.rawValue).all().map { try $0.requireID() })
        return firstWriter.compactMapValues { UUID(uuidString: $0).flatMap { victims.contains($0) ? $0 : nil } }
    }

    public func get(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> StoredIncident {
        var stored = try await model(id, caseID: caseID, scope: scope).stored()
        stored.enteredInError = try await IncidentErrorModel.query(on: db).filter(\.$incidentID == id).first()?.mark
        return stored
    }

    private func model(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> IncidentModel {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        guard let model = try await IncidentModel.query(on: db).filter(\.$id == id).filter(\.$case.$id == caseID).first()
        else { throw DomainError.notFound("incident") }
        return model
    }

    /// In time order.
    public func list(caseID: UUID, filter: IncidentFilter, scope: CaseScope, limit: Int, after cursor: Cursor?)
        async throws -> Page<StoredIncident> {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        let query = IncidentModel.query(on: db).filter(\.$case.$id == caseID)
        if let kind = filter.kind { query.filter(\.$kind == kind.rawValue) }
        if let from = filter.from { query.filter(\.$occurredAt >= from.epochMilliseconds) }
        if let before = filter.before { query.filter(\.$occurredAt < before.epochMilliseconds) }
        if !filter.hidden.isEmpty { query.filter(\.$id !~ Array(filter.hidden)) }
        if let cursor {
            query.group(.or) { or in
                or.filter(\.$occurredAt > cursor.key)
                or.group(.and) { $0.filter(\.$occurredAt == cursor.key).filter(\.$id > cursor.id) }
            }
        }
        let rows = try await query.sort(\.$occurredAt).sort(\.$id).limit(limit + 1).all()
        var items = try rows.prefix(limit).map { try $0.stored() }
        let marks = try await self.marks(caseID: caseID)
        for index in items.indices { items[index].enteredInError = marks[items[index].id] }
        let next = rows.count > limit ? rows[limit - 1] : nil
        return Page(items: items, nextCursor: try next.map { Cursor(key: $0.occurredAt, id: try $0.requireID()).text })
    }

    /// Replaces the incident's content with `corrected`, keeping its reference, as a new version;
    /// the version it replaces is kept in the history first.
    /// `expectedVersion`, when given, must be the current version (optimistic locking): a stale
    /// correction is refused with a conflict instead of silently overwriting another.
    public func correct(_ id: UUID, caseID: UUID, with corrected: Incident, reason: String, expectedVersion: Int?,
                        by principal: Principal) async throws -> StoredIncident {
        let model = try await model(id, caseID: caseID, scope: principal.scope)
        if let expectedVersion, expectedVersion != model.version {
            throw DomainError.conflict("incident is at version \(model.version), not \(expectedVersion): reload and correct again")
        }
        let superseded = try IncidentVersionModel(superseded: model)
        var corrected = corrected
        corrected.id = model.ref
        try model.apply(corrected, reason: reason, by: principal.subject, at: nowMilliseconds())
        model.version += 1
        try await saveNewVersion(on: db, keeping: superseded, updating: model, caseID: caseID, action: "incident.corrected",
                                 conflict: "incident was corrected by someone else at the same time: reload and correct again")
        return try model.stored()
    }

    /// Marks the incident as entered in error, with the reason: the incident and its versions are
    /// kept, and the case file leaves it out while the mark stands. Refused while an administrative
    /// case or a criminal proceeding names it (that record is corrected first).
    public func markEnteredInError(_ id: UUID, caseID: UUID, reason: String, by principal: Principal) async throws -> StoredIncident {
        let model = try await model(id, caseID: caseID, scope: principal.scope)
        let file = try await CaseFileStore(db: db).rows(caseID: caseID, scope: principal.scope).caseFile()
        let records = file.administrativeCases.filter { $0.incidents.contains(model.ref) }.map(\.id)
            + file.criminalProceedings.filter { $0.incidents.contains(model.ref) }.map(\.id)
        if let record = records.first {
            throw ValidationFailure([ValidationProblem(pointer: "", message: "the incident is named by \(record): correct that record first",
                                                      code: .incidentInRecord, values: ["record": record])])
        }
        let mark = IncidentErrorModel()
        mark.id = UUID()
        mark.incidentID = id
        mark.$case.id = caseID
        mark.reason = reason
        mark.markedBy = principal.subject
        mark.markedAt = nowMilliseconds()
        do {
            try await db.auditedTransaction { tx in
                try await mark.create(on: tx)
                return ((), [try .row(mark, "incident.enteredInError", caseID: caseID)])
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            throw DomainError.conflict("the incident is already marked as entered in error")
        }
        var stored = try model.stored()
        stored.enteredInError = mark.mark
        return stored
    }

    /// Takes the mark back: the incident is part of the case file again (who and when is audited).
    public func unmarkEnteredInError(_ id: UUID, caseID: UUID, by principal: Principal) async throws -> StoredIncident {
        let model = try await model(id, caseID: caseID, scope: principal.scope)
        guard let mark = try await IncidentErrorModel.query(on: db).filter(\.$incidentID == id).first() else {
            throw DomainError.conflict("the incident is not marked as entered in error")
        }
        try await db.auditedTransaction { tx in
            try await mark.delete(on: tx)
            return ((), [AuditEntry.removed(mark, "incident.restored", caseID: caseID)])
        }
        return try model.stored()
    }

    /// The incidents of a case marked as entered in error, with their marks, in time order (the
    /// caller checked scope).
    public func enteredInError(caseID: UUID) async throws -> [StoredIncident] {
        let marks = try await self.marks(caseID: caseID)
        guard !marks.isEmpty else { return [] }
        return try await IncidentModel.query(on: db).filter(\.$id ~~ Array(marks.keys)).sort(\.$occurredAt).sort(\.$id).all().map {
            var stored = try $0.stored()
            stored.enteredInError = marks[stored.id]
            return stored
        }
    }

    private func marks(caseID: UUID) async throws -> [UUID: EnteredInError] {
        Dictionary(try await IncidentErrorModel.query(on: db).filter(\.$case.$id == caseID).all().map { ($0.incidentID, $0.mark) },
                   uniquingKeysWith: { first, _ in first })
    }

    /// Every version, oldest first; the last is the current one.
    public func history(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> [IncidentVersion] {
        let current = try await model(id, caseID: caseID, scope: scope)
        let superseded = try await IncidentVersionModel.query(on: db).filter(\.$incident.$id == id).sort(\.$version).all()
        return try superseded.map { try $0.value() } + [current.currentVersion()]
    }
}
