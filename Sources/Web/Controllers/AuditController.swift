import Domain
import Store
import Vapor

/// `GET /api/v1/audit?action=&limit=&cursor=`: the security events, newest first (auditors only).
struct AuditController {
    func list(req: Request) async throws -> PageResponse<AuditEventResponse> {
        let (limit, cursor) = try req.page()
        let page = try await AuditStore(db: req.db).list(action: req.query[String.self, at: "action"], limit: limit, after: cursor)
        return PageResponse(items: page.items.map(AuditEventResponse.init), nextCursor: page.nextCursor)
    }
}

struct AuditEventResponse: Content {
    var id: String
    var at: String
    var actor: String
    var action: String
    var target: String?
    var detail: String?

    init(_ event: AuditStore.Event) {
        id = event.id.apiString; at = Timestamp.text(event.at); actor = event.actor; action = event.action
        target = event.target; detail = event.detail
    }
}
