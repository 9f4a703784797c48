import Cases
import Domain
import Law
import Store
import Vapor

/// `/api/v1/cases`: create, list (filtered, paginated), read.
struct CaseController {
    func create(req: Request) async throws -> Response {
        let summary = try await req.cases.open(try req.jsonBody())
        return try CaseResponse(summary).created(at: "/api/v1/cases/\(summary.id.apiString)")
    }

    func list(req: Request) async throws -> PageResponse<CaseResponse> {
        let log = ProblemLog()
        let filter = CaseFilter(status: req.wordQuery("status", CaseStatus.self, log: log),
                                jurisdiction: req.query[String.self, at: "jurisdiction"],
                                openedFrom: req.instantQuery("openedFrom", log: log),
                                openedBefore: req.instantQuery("openedBefore", log: log))
        if !log.isEmpty { throw ValidationFailure(log.problems) }
        let (limit, cursor) = try req.page()
        let page = try await CaseStore(db: req.db).list(filter, scope: req.principal.scope, limit: limit, after: cursor)
        return PageResponse(items: page.items.map(CaseResponse.init), nextCursor: page.nextCursor)
    }

    /// One case, with the stage its records put it at.
    func get(req: Request) async throws -> CaseResponse {
        let id = try req.uuid("caseID", what: "case")
        var response = CaseResponse(try await CaseStore(db: req.db).get(id, scope: req.principal.scope))
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: id, scope: req.principal.scope)
        response.stage = CaseStage.of(file, status: response.status, at: ZonedDateTime(Date(), offsetSeconds: 0))
        return response
    }

    /// Body: `{"number"?, "unit"?, "status"?: "open"|"closed", "reason", "expectedVersion"?}`.
    func correct(req: Request) async throws -> CaseResponse {
        let id = try req.uuid("caseID", what: "case")
        let corrected = try await req.cases.correct(id, try req.jsonBody())
        req.application.caseUnitCache.forget(id) // the unit may have changed
        return CaseResponse(corrected)
    }

    func history(req: Request) async throws -> PageResponse<RecordVersionResponse> {
        let id = try req.uuid("caseID", what: "case")
        let versions = try await CaseStore(db: req.db).history(id, scope: req.principal.scope)
        return PageResponse(items: versions.map(RecordVersionResponse.init), nextCursor: nil)
    }
}
