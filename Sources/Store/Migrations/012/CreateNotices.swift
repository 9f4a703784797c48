import Fluent
import SQLKit

/// What a victim is told besides alerts: her order issued, extended, about to end or revoked, the
/// case registered, sent to court, decided. Notices are read from the audit log (every path that
/// changes a case writes there, in the change's own transaction) from a cursor kept here, so a
/// notice is made once whichever instance reads it and none is missed across a restart. The
/// cursor starts at the log's head: what happened before is not news.
struct CreateNotices: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("notices")
            .field("id", .uuid, .identifier(auto: false)) // time-ordered, like alert events
            .field("case_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("ref", .string, .required)
            /// The date the notice names (an order's end), epoch ms and its UTC offset.
            .field("date_ms", .int64)
            .field("date_offset", .int)
            .field("at_ms", .int64, .required)
            .field("routed_at_ms", .int64)
            .unique(on: "case_id", "kind", "ref")
            .create()
        try await database.schema("notice_cursor")
            .field("name", .string, .identifier(auto: false))
            .field("seq", .int64, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX notices_unrouted ON notices (routed_at_ms, id)").run()
        try await sql.raw("INSERT INTO notice_cursor (name, seq) SELECT 'audit', seq FROM audit_head WHERE id = 1").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["notice_cursor", "notices"] { try await database.schema(table).delete() }
    }
}
