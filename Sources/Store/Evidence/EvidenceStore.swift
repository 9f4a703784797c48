import Domain
import Fluent
import Foundation

/// An evidence file as recorded: which incident it belongs to, what it is and who added it.
public struct StoredEvidence: Sendable, Equatable, Codable {
    public var id: UUID
    public var caseID: UUID
    public var incidentID: UUID
    public var sha256: String
    public var name: String
    public var mediaType: String
    public var size: Int64
    public var addedBy: String
    public var addedAt: Int64
}

/// The evidence rows of cases and their chain of custody. Adding is a change (audited with the
/// row's hash); viewing, downloading and exporting are custody events in the same audit log,
/// naming the item, never its content.
public struct EvidenceStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Records an uploaded file against an incident. The same content attached to the same
    /// incident again gives back the item already recorded (`created` false).
    public func add(caseID: UUID, incidentID: UUID, sha256: String, name: String, mediaType: String, size: Int64,
                    scope: CaseScope) async throws -> (evidence: StoredEvidence, created: Bool) {
        try await requireIncident(incidentID, caseID: caseID, scope: scope)
        if let existing = try await EvidenceModel.query(on: db).filter(\.$incidentID == incidentID)
            .filter(\.$sha256 == sha256).first() { return (try existing.value(), false) }
        let model = EvidenceModel()
        model.id = UUID()
        model.caseID = caseID; model.incidentID = incidentID; model.sha256 = sha256; model.name = name
        model.mediaType = mediaType; model.size = size; model.addedBy = Auditing.actor; model.addedAt = nowMilliseconds()
        do {
            try await db.auditedTransaction { tx in
                try await model.create(on: tx)
                return ((), [try .row(model, "evidence.added")])
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            guard let existing = try await EvidenceModel.query(on: db).filter(\.$incidentID == incidentID)
                .filter(\.$sha256 == sha256).first() else { throw error }
            return (try existing.value(), false)
        }
        return (try model.value(), true)
    }

    /// Refuses (as not found) an incident that is not in the case, before any byte is stored.
    public func requireIncident(_ incidentID: UUID, caseID: UUID, scope: CaseScope) async throws {
        _ = try await IncidentStore(db: db).get(incidentID, caseID: caseID, scope: scope)
    }

    public func list(caseID: UUID, incidentID: UUID? = nil, scope: CaseScope) async throws -> [StoredEvidence] {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        let query = EvidenceModel.query(on: db).filter(\.$caseID == caseID)
        if let incidentID { query.filter(\.$incidentID == incidentID) }
        return try await query.sort(\.$addedAt).sort(\.$id).all().map { try $0.value() }
    }

    public func get(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> StoredEvidence {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        guard let model = try await EvidenceModel.query(on: db).filter(\.$id == id).filter(\.$caseID == caseID).first()
        else { throw DomainError.notFound("evidence") }
        return try model.value()
    }

    /// Writes a custody event: `viewed`, `downloaded` or `exported`.
    public func record(_ event: String, of evidence: StoredEvidence, detail: String? = nil) async throws {
        try await AuditStore(db: db).append(actor: Auditing.actor, action: "evidence.\(event)", detail: detail,
                                            caseID: evidence.caseID, entityID: evidence.id.apiString)
    }

    /// Who added, viewed, downloaded or exported the item, and when, oldest first.
    public func custody(of evidence: StoredEvidence) async throws -> [AuditRecord] {
        try await AuditStore(db: db).list(entityID: evidence.id.apiString, limit: 10_000, after: nil).items.reversed()
    }

    /// Every stored file's address, for the verifier.
    func allAddresses() async throws -> [(id: UUID, sha256: String)] {
        try await EvidenceModel.query(on: db).all().map { (try $0.requireID(), $0.sha256) }
    }

    /// A case file's evidence list: what the file declared, then the uploaded files not declared.
    static func merged(declared: [EvidenceRef]?, uploaded: [EvidenceModel]) -> [EvidenceRef]? {
        var list = declared ?? []
        var seen = Set(list.map(\.sha256))
        for model in uploaded where seen.insert(model.sha256).inserted {
            list.append(EvidenceRef(sha256: model.sha256, name: model.name, mediaType: model.mediaType))
        }
        return list.isEmpty ? nil : list
    }
}

extension EvidenceModel {
    func value() throws -> StoredEvidence {
        StoredEvidence(id: try requireID(), caseID: caseID, incidentID: incidentID, sha256: sha256, name: name,
                       mediaType: mediaType, size: size, addedBy: addedBy, addedAt: addedAt)
    }
}
