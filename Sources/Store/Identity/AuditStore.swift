import Domain
import Fluent
import Foundation

/// Security events: sign-ins, locks, refusals, grants. Append-only; never a victim's name,
/// address or location (targets are ids and routes).
public struct AuditStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Event: Sendable, Codable, Equatable {
        public var id: UUID
        public var at: Int64
        public var actor: String
        public var action: String
        public var target: String?
        public var detail: String?
    }

    public func append(actor: String, action: String, target: String? = nil, detail: String? = nil) async throws {
        let model = AuditEventModel()
        model.id = UUID()
        model.at = nowMilliseconds()
        model.actor = actor
        model.action = action
        model.target = target
        model.detail = detail
        try await model.create(on: db)
    }

    /// Newest first, optionally only one action.
    public func list(action: String? = nil, limit: Int, after cursor: Cursor?) async throws -> Page<Event> {
        let query = AuditEventModel.query(on: db)
        if let action { query.filter(\.$action == action) }
        if let cursor {
            query.group(.or) { or in
                or.filter(\.$at < cursor.key)
                or.group(.and) { $0.filter(\.$at == cursor.key).filter(\.$id < cursor.id) }
            }
        }
        let rows = try await query.sort(\.$at, .descending).sort(\.$id, .descending).limit(limit + 1).all()
        let items = try rows.prefix(limit).map { Event(id: try $0.requireID(), at: $0.at, actor: $0.actor, action: $0.action,
                                                       target: $0.target, detail: $0.detail) }
        let next = rows.count > limit ? rows[limit - 1] : nil
        return Page(items: items, nextCursor: try next.map { Cursor(key: $0.at, id: try $0.requireID()).text })
    }
}
