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
        try await db.transaction { tx in
            try await model.create(on: tx)
            try await places.create(on: tx)
        }
        return StoredPerson(id: id, caseID: caseID, person: person)
    }

    public func list(caseID: UUID, scope: CaseScope) async throws -> [StoredPerson] {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        let models = try await PersonModel.query(on: db).filter(\.$case.$id == caseID).sort(\.$seq).sort(\.$ref).all()
        let places = models.isEmpty ? [] : try await PlaceModel.query(on: db)
            .filter(\.$person.$id ~~ models.compactMap(\.id)).all()
        let byPerson = Dictionary(grouping: places, by: { $0.$person.id })
        return try models.map {
            StoredPerson(id: try $0.requireID(), caseID: caseID, person: $0.person(places: byPerson[$0.id!] ?? []))
        }
    }

    public func get(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> StoredPerson {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        guard let model = try await PersonModel.query(on: db).filter(\.$id == id).filter(\.$case.$id == caseID).first()
        else { throw DomainError.notFound("person") }
        let places = try await PlaceModel.query(on: db).filter(\.$person.$id == id).all()
        return StoredPerson(id: id, caseID: caseID, person: model.person(places: places))
    }
}
