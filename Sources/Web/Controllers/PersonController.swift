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
        let persons = try await PersonStore(db: req.db).list(caseID: caseID, scope: req.principal.scope)
        return PageResponse(items: persons.map(PersonResponse.init), nextCursor: nil)
    }

    func get(req: Request) async throws -> PersonResponse {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("personID", what: "person")
        return PersonResponse(try await PersonStore(db: req.db).get(id, caseID: caseID, scope: req.principal.scope))
    }
}
