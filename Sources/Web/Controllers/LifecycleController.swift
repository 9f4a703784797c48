import Cases
import Domain
import Law
import Store
import Vapor

/// Administrative cases, criminal proceedings and verdicts of a case:
/// `/api/v1/cases/{caseId}/administrative-cases`, `/proceedings` (with `/{ref}/transitions`) and
/// `/verdicts` (with `/{ref}/payment`). The rules live in `LifecycleService`.
struct LifecycleController {
    let packs: PackLibrary

    func service(_ req: Request) throws -> LifecycleService {
        LifecycleService(db: req.db, packs: packs, principal: try req.principal)
    }

    func listAdministrative(req: Request) async throws -> PageResponse<LifecycleService.Record<AdministrativeCase>> {
        try await list(req, .administrativeCases)
    }

    func createAdministrative(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let record = try await service(req).addAdministrativeCase(caseID, try req.jsonBody())
        return try record.created(at: "/api/v1/cases/\(caseID.apiString)/administrative-cases")
    }

    func listProceedings(req: Request) async throws -> PageResponse<LifecycleService.Record<CriminalProceeding>> {
        try await list(req, .criminalProceedings)
    }

    func createProceeding(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let record = try await service(req).registerProceeding(caseID, try req.jsonBody())
        return try record.created(at: "/api/v1/cases/\(caseID.apiString)/proceedings")
    }

    /// Body: `{"to": "inCourt", "reason": "…"}`.
    func transition(req: Request) async throws -> LifecycleService.Record<CriminalProceeding> {
        let caseID = try req.uuid("caseID", what: "case")
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let to = body["to"].word(ProceedingStage.self)
        let reason = body["reason"].string(maxLength: 2000)
        try body.throwIfInvalid()
        return try await service(req).moveProceeding(caseID, try req.parameters.require("ref"), to: to!, reason: reason!)
    }

    func listVerdicts(req: Request) async throws -> PageResponse<LifecycleService.Record<Verdict>> {
        try await list(req, .verdicts)
    }

    func createVerdict(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let record = try await service(req).recordVerdict(caseID, try req.jsonBody())
        return try record.created(at: "/api/v1/cases/\(caseID.apiString)/verdicts")
    }

    /// Body: `{"paidAt": "…"}`.
    func recordPayment(req: Request) async throws -> LifecycleService.Record<Verdict> {
        let caseID = try req.uuid("caseID", what: "case")
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let paidAt = FieldReader().past(body["paidAt"])
        try body.throwIfInvalid()
        return try await service(req).recordPayment(caseID, try req.parameters.require("ref"), paidAt: paidAt!)
    }

    /// Body: `{"enteredIntoForce": "2026-02-26"}`: the day the verdict entered into force.
    func recordEntryIntoForce(req: Request) async throws -> LifecycleService.Record<Verdict> {
        let caseID = try req.uuid("caseID", what: "case")
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let day = body["enteredIntoForce"].date()
        try body.throwIfInvalid()
        return try await service(req).recordEntryIntoForce(caseID, try req.parameters.require("ref"), on: day!)
    }

    private func list<Value: Codable & Sendable>(_ req: Request, _ section: RecordStore<Value>.Section) async throws
        -> PageResponse<LifecycleService.Record<Value>> {
        let caseID = try req.uuid("caseID", what: "case")
        let records = try await RecordStore<Value>(db: req.db, section: section).list(caseID: caseID, scope: req.principal.scope)
        return PageResponse(items: records.map { LifecycleService.Record(ref: $0.ref, version: $0.version, record: $0.value) },
                            nextCursor: nil)
    }
}

extension LifecycleService.Record: Content {}
