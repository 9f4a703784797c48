import Domain
import Store
import Vapor

/// `GET /api/v1/audit?action=&limit=&cursor=`: the audit log, newest first (auditors only).
struct AuditController {
    func list(req: Request) async throws -> PageResponse<AuditEventResponse> {
        let (limit, cursor) = try req.page()
        let page = try await AuditStore(db: req.db).list(action: req.query[String.self, at: "action"], limit: limit, after: cursor)
        return PageResponse(items: page.items.map(AuditEventResponse.init), nextCursor: page.nextCursor)
    }
}

struct AuditEventResponse: Content {
    var seq: Int64
    var id: String
    var at: String
    var actor: String
    var action: String
    var entity: String?
    var entityId: String?
    var caseId: String?
    var recordHash: String?
    var target: String?
    var detail: String?
    var prev: String
    var hash: String

    init(_ r: AuditRecord) {
        seq = r.seq; id = r.id.apiString; at = Timestamp.text(r.at); actor = r.actor; action = r.action
        entity = r.entity; entityId = r.entityID; caseId = r.caseID?.apiString; recordHash = r.recordHash
        target = r.target; detail = r.detail; prev = r.prev; hash = r.hash
    }
}
