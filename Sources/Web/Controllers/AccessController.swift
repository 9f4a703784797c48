import Cases
import Domain
import Store
import Vapor

/// `/api/v1/cases/{caseId}/access`: which victims, investigators and judges may see a case.
struct AccessController {
    func list(req: Request) async throws -> PageResponse<GrantResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let grants = try await req.access.grants(caseID)
        return PageResponse(items: grants.map(GrantResponse.init), nextCursor: nil)
    }

    /// Body: `{"username": "…"}`.
    func grant(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let grant = try await req.access.grant(caseID, try req.jsonBody())
        return try GrantResponse(grant).created(at: "/api/v1/cases/\(caseID.apiString)/access")
    }

    func withdraw(req: Request) async throws -> HTTPStatus {
        let caseID = try req.uuid("caseID", what: "case")
        let userID = try req.uuid("userID", what: "grant")
        try await req.access.withdraw(caseID, from: userID)
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
