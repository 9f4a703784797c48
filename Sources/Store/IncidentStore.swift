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
        if incident.id.isEmpty { incident.id = "i-" + id.uuidString.lowercased() }
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

    public func get(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> StoredIncident {
        try await model(id, caseID: caseID, scope: scope).stored()
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
        if let cursor {
            query.group(.or) { or in
                or.filter(\.$occurredAt > cursor.key)
                or.group(.and) { $0.filter(\.$occurredAt == cursor.key).filter(\.$id > cursor.id) }
            }
        }
        let rows = try await query.sort(\.$occurredAt).sort(\.$id).limit(limit + 1).all()
        let items = try rows.prefix(limit).map { try $0.stored() }
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

    /// Every version, oldest first; the last is the current one.
    public func history(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> [IncidentVersion] {
        let current = try await model(id, caseID: caseID, scope: scope)
        let superseded = try await IncidentVersionModel.query(on: db).filter(\.$incident.$id == id).sort(\.$version).all()
        return try superseded.map { try $0.value() } + [current.currentVersion()]
    }
}
