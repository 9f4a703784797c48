import Domain
import Store
import Vapor

/// `/api/v1/cases/{caseId}/persons`.
struct PersonController {
    func create(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let body = try req.jsonBody()
        let person = FieldReader().person(body, requireID: false)
        try body.throwIfInvalid()
        let stored = try await PersonStore(db: req.db).add(person!, to: caseID, scope: req.principal.scope)
        return try PersonResponse(stored).created(at: "/api/v1/cases/\(caseID.apiString)/persons/\(stored.id.apiString)")
    }

    func list(req: Request) async throws -> PageResponse<PersonResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let principal = try req.principal
        let persons = try await PersonStore(db: req.db).list(caseID: caseID, scope: principal.scope)
        let items = principal.role == .victim ? persons.compactMap(PersonResponse.forVictim) : persons.map(PersonResponse.init)
        return PageResponse(items: items, nextCursor: nil)
    }

    func get(req: Request) async throws -> PersonResponse {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("personID", what: "person")
        let principal = try req.principal
        let person = try await PersonStore(db: req.db).get(id, caseID: caseID, scope: principal.scope)
        guard principal.role == .victim else { return PersonResponse(person) }
        guard let view = PersonResponse.forVictim(person) else { throw DomainError.notFound("person") }
        return view
    }

    /// Body: `{"person": {…the corrected person with all places…}, "reason": "…", "expectedVersion": 1 (opt)}`.
    func correct(req: Request) async throws -> PersonResponse {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("personID", what: "person")
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let person = FieldReader().person(body["person"], requireID: false)
        let reason = body["reason"].string(maxLength: 2000)
        let expected = body["expectedVersion"].int(required: false, in: 1...Int(Int32.max))
        try body.throwIfInvalid()
        return PersonResponse(try await PersonStore(db: req.db).correct(
            id, caseID: caseID, with: person!, reason: reason!, expectedVersion: expected, by: req.principal))
    }

    func history(req: Request) async throws -> PageResponse<RecordVersionResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("personID", what: "person")
        let versions = try await PersonStore(db: req.db).history(id, caseID: caseID, scope: req.principal.scope)
        return PageResponse(items: versions.map(RecordVersionResponse.init), nextCursor: nil)
    }
}
