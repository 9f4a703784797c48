import Domain
import Law
import Store
import Vapor

/// `/api/v1/cases`: create, list (filtered, paginated), read.
struct CaseController {
    func create(req: Request) async throws -> Response {
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let jurisdiction = body["jurisdiction"].string()
        let known = req.application.packs.codes
        if let jurisdiction, !known.contains(jurisdiction) {
            body["jurisdiction"].fail("unknown jurisdiction \"\(jurisdiction)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        let header = FieldReader().header(body)
        try body.throwIfInvalid()
        let summary = try await req.openCase(jurisdiction: jurisdiction!, header: header!, unitPointer: "/unit")
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
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let number = body["number"].string(required: false, maxLength: 100)
        let unit = body["unit"].string(required: false, maxLength: 500)
        let status = body["status"].word(CaseStatus.self, required: false)
        let reason = body["reason"].string(maxLength: 2000)
        let expected = body["expectedVersion"].int(required: false, in: 1...Int(Int32.max))
        try body.throwIfInvalid()
        if let unit { try await req.checkTransfer(of: id, to: unit, pointer: "/unit") }
        let changes = CaseChanges(number: number.map { .some($0) }, unit: unit.map { .some($0) }, status: status)
        let corrected = try await CaseStore(db: req.db).correct(id, changes: changes, reason: reason!,
                                                                expectedVersion: expected, by: req.principal)
        return CaseResponse(corrected)
    }

    func history(req: Request) async throws -> PageResponse<RecordVersionResponse> {
        let id = try req.uuid("caseID", what: "case")
        let versions = try await CaseStore(db: req.db).history(id, scope: req.principal.scope)
        return PageResponse(items: versions.map(RecordVersionResponse.init), nextCursor: nil)
    }
}
