import Cases
import Domain
import Store
import Vapor

/// `/api/v1/cases/{caseId}/incidents`: log, list, read, correct (a new version), history.
struct IncidentController {
    func create(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let stored = try await req.incidents.log(caseID, try req.jsonBody())
        return try IncidentResponse(stored).created(at: "/api/v1/cases/\(caseID.apiString)/incidents/\(stored.id.apiString)")
    }

    func list(req: Request) async throws -> PageResponse<IncidentResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let log = ProblemLog()
        let filter = IncidentFilter(kind: req.wordQuery("kind", IncidentKind.self, log: log),
                                    from: req.instantQuery("from", log: log),
                                    before: req.instantQuery("before", log: log))
        if !log.isEmpty { throw ValidationFailure(log.problems) }
        let (limit, cursor) = try req.page()
        let page = try await req.incidents.list(caseID: caseID, filter: filter, limit: limit, after: cursor)
        return PageResponse(items: page.items.map(IncidentResponse.init), nextCursor: page.nextCursor)
    }

    func get(req: Request) async throws -> IncidentResponse {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("incidentID", what: "incident")
        return IncidentResponse(try await req.incidents.get(id, caseID: caseID))
    }

    /// Body: `{"incident": {…the corrected incident…}, "reason": "…", "expectedVersion": 1 (opt)}`.
    func correct(req: Request) async throws -> IncidentResponse {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("incidentID", what: "incident")
        return IncidentResponse(try await req.incidents.correct(id, caseID: caseID, try req.jsonBody()))
    }

    /// Body: `{"reason": "…"}`. The incident is kept with its versions; the case file (and so
    /// the assessment, deadlines and dossier) leaves it out until the mark is taken back.
    func markEnteredInError(req: Request) async throws -> IncidentResponse {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("incidentID", what: "incident")
        return IncidentResponse(try await req.incidents.markEnteredInError(id, caseID: caseID, try req.jsonBody()))
    }

    /// Takes the mark back: the incident counts again.
    func unmarkEnteredInError(req: Request) async throws -> IncidentResponse {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("incidentID", what: "incident")
        return IncidentResponse(try await req.incidents.unmarkEnteredInError(id, caseID: caseID))
    }

    func history(req: Request) async throws -> PageResponse<IncidentVersionResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let id = try req.uuid("incidentID", what: "incident")
        let versions = try await IncidentStore(db: req.db).history(id, caseID: caseID, scope: req.principal.scope)
        return PageResponse(items: versions.map(IncidentVersionResponse.init), nextCursor: nil)
    }
}
