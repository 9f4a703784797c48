import Cases
import Domain
import Store
import Vapor

/// `/api/v1/cases/{caseId}/persons`.
struct PersonController {
    func create(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let stored = try await req.persons.add(caseID, try req.jsonBody())
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
        return PersonResponse(try await req.persons.correct(id, caseID: caseID, try req.jsonBody()))
    }

    func history(req: Request) async throws -> PageResponse<RecordVersionResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("personID", what: "person")
        let versions = try await PersonStore(db: req.db).history(id, caseID: caseID, scope: req.principal.scope)
        return PageResponse(items: versions.map(RecordVersionResponse.init), nextCursor: nil)
    }
}
