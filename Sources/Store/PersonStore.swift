import Domain
import Fluent
import Foundation

/// Persons of a case and their places.
public struct PersonStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Adds a person; an empty `person.id` gets a fresh reference.
    public func add(_ person: Person, to caseID: UUID, scope: CaseScope) async throws -> StoredPerson {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        var person = person
        let id = UUID()
        if person.id.isEmpty { person.id = "p-" + id.uuidString.prefix(8).lowercased() }
        if try await PersonModel.query(on: db).filter(\.$case.$id == caseID).filter(\.$ref == person.id).first() != nil {
            throw ValidationFailure(pointer: "/id", message: "a person with id \"\(person.id)\" is already in this case")
        }
        let seq = try await PersonModel.query(on: db).filter(\.$case.$id == caseID).count()
        let model = PersonModel(caseID: caseID, seq: seq, person: person, at: nowMilliseconds())
        model.id = id
        let places = person.places.enumerated().map { PlaceModel(personID: id, seq: $0, place: $1) }
        try await db.auditedTransaction { tx in
            try await model.create(on: tx)
            try await places.create(on: tx)
            return ((), [try .row(model, "person.added")] + (try places.map { try .row($0, "place.added", caseID: caseID) }))
        }
        return StoredPerson(id: id, caseID: caseID, version: 1, person: person)
    }

    public func list(caseID: UUID, scope: CaseScope) async throws -> [StoredPerson] {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        let models = try await PersonModel.query(on: db).filter(\.$case.$id == caseID).sort(\.$seq).sort(\.$ref).all()
        let places = models.isEmpty ? [] : try await PlaceModel.query(on: db)
            .filter(\.$person.$id ~~ models.compactMap(\.id)).all()
        let byPerson = Dictionary(grouping: places, by: { $0.$person.id })
        return try models.map {
            StoredPerson(id: try $0.requireID(), caseID: caseID, version: $0.version,
                         person: $0.person(places: byPerson[$0.id!] ?? []))
        }
    }

    /// The stored id of each person of a case, by case-file reference (the caller checked scope).
    public func ids(caseID: UUID) async throws -> [String: UUID] {
        var ids: [String: UUID] = [:]
        for model in try await PersonModel.query(on: db).filter(\.$case.$id == caseID).all() { ids[model.ref] = try model.requireID() }
        return ids
    }

    public func get(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> StoredPerson {
        let model = try await model(id, caseID: caseID, scope: scope)
        let places = try await PlaceModel.query(on: db).filter(\.$person.$id == id).all()
        return StoredPerson(id: id, caseID: caseID, version: model.version, person: model.person(places: places))
    }

    private func model(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> PersonModel {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        guard let model = try await PersonModel.query(on: db).filter(\.$id == id).filter(\.$case.$id == caseID).first()
        else { throw DomainError.notFound("person") }
        return model
    }

    /// Replaces the person's details and places (a victim moves: her old home gets an `until`, the
    /// new one is added), keeping the version it replaces with the reason. The reference stays.
    public func correct(_ id: UUID, caseID: UUID, with corrected: Person, reason: String, expectedVersion: Int?,
                        by principal: Principal) async throws -> StoredPerson {
        let current = try await get(id, caseID: caseID, scope: principal.scope)
        if let expectedVersion, expectedVersion != current.version {
            throw DomainError.conflict("person is at version \(current.version), not \(expectedVersion): reload and correct again")
        }
        let model = try await model(id, caseID: caseID, scope: principal.scope)
        var corrected = corrected
        corrected.id = current.person.id
        let superseded = RecordVersionModel(kind: "person", recordID: id, version: current.version,
                                            snapshot: try JSONColumn.encode(current.person), reason: reason,
                                            by: principal.subject, at: nowMilliseconds())
        model.apply(corrected)
        model.version = current.version + 1
        let places = corrected.places.enumerated().map { PlaceModel(personID: id, seq: $0, place: $1) }
        try await saveNewVersion(on: db, keeping: superseded, updating: model, caseID: caseID, action: "person.corrected",
                                 conflict: "person was corrected by someone else at the same time: reload and correct again") { tx in
            let old = try await PlaceModel.query(on: tx).filter(\.$person.$id == id).all()
            try await PlaceModel.query(on: tx).filter(\.$person.$id == id).delete()
            try await places.create(on: tx)
            return old.map { AuditEntry.removed($0, "place.removed", caseID: caseID) }
                + (try places.map { try AuditEntry.row($0, "place.added", caseID: caseID) })
        }
        return StoredPerson(id: id, caseID: caseID, version: model.version, person: corrected)
    }

    /// The superseded versions, oldest first.
    public func history(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> [RecordVersion] {
        _ = try await model(id, caseID: caseID, scope: scope)
        return try await RecordVersionModel.query(on: db).filter(\.$kind == "person").filter(\.$recordID == id)
            .sort(\.$version).all().map { try $0.value() }
    }
}
