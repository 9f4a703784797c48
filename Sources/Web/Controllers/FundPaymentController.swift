import Cases
import Domain
import Foundation
import Law
import Store
import Vapor

/// `POST /api/v1/fund/payments` `{case, verdict, paidAt, document}`: the Fund officer records that
/// a mandatory payment in the ledger was received, with its date and the payment document's
/// number. The Fund officer sees no case: the write reaches the verdict's payment only, and the
/// audit record names her.
struct FundPaymentController {
    struct Recorded: Content {
        var caseId: String
        var verdict: String
        var paidAt: ZonedDateTime
        var document: String
    }

    func record(req: Request) async throws -> Response {
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let caseID = body["case"].string(maxLength: 36).flatMap(UUID.init(uuidString:))
        if body["case"].isPresent, caseID == nil, body.log.problems.isEmpty { body["case"].fail("not a case's id") }
        let verdict = body["verdict"].string(maxLength: 200)
        let paidAt = FieldReader().past(body["paidAt"])
        let document = body["document"].string(maxLength: 100)
        try body.throwIfInvalid()
        let recorded = try await Self.record(caseID: caseID!, verdict: verdict!, paidAt: paidAt!, document: document!, req: req)
        return try await recorded.encodeResponse(status: .ok, for: req)
    }

    /// Shared with the Fund page's form.
    static func record(caseID: UUID, verdict: String, paidAt: ZonedDateTime, document: String, req: Request) async throws -> Recorded {
        let principal = try req.principal
        // the Fund officer's own scope holds no case: this one write reaches any ledger entry
        let writer = Principal(subject: principal.subject, role: principal.role, scope: .all, mayWrite: principal.mayWrite)
        let record = try await LifecycleService(db: req.db, packs: req.application.packs, principal: writer)
            .recordPayment(caseID, verdict, paidAt: paidAt, document: document)
        return Recorded(caseId: caseID.apiString, verdict: record.ref, paidAt: paidAt, document: document)
    }
}
