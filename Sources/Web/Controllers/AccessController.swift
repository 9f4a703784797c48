import Domain
import Store
import Vapor

/// `/api/v1/cases/{caseId}/access`: which victims, investigators and judges may see a case.
struct AccessController {
    func list(req: Request) async throws -> PageResponse<GrantResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let grants = try await AccessStore(db: req.db).grants(caseID: caseID, scope: try req.principal.scope)
        return PageResponse(items: grants.map(GrantResponse.init), nextCursor: nil)
    }

    /// Body: `{"username": "…"}`.
    func grant(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let username = body["username"].string(maxLength: 64)
        try body.throwIfInvalid()
        let grant = try await req.grantAccess(to: caseID, username: username!)
        return try GrantResponse(grant).created(at: "/api/v1/cases/\(caseID.apiString)/access")
    }

    func withdraw(req: Request) async throws -> HTTPStatus {
        let caseID = try req.uuid("caseID", what: "case")
        let userID = try req.uuid("userID", what: "grant")
        let principal = try req.principal
        try await AccessStore(db: req.db).withdraw(caseID: caseID, from: userID, by: principal)
        return .noContent
    }
}

struct GrantResponse: Content {
    var user: UserResponse
    var grantedBy: String
    var grantedAt: String

    init(_ grant: AccessStore.Grant) {
        user = UserResponse(grant.user); grantedBy = grant.grantedBy; grantedAt = Timestamp.text(grant.grantedAt)
    }
}
