import Fluent
import Foundation
import SQLKit

/// The audit log becomes a hash chain (`audit_log`, with its head in `audit_head`). The security
/// events recorded before are moved into it in their order, chained, and their old table dropped.
struct CreateAuditChain: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_log")
            .field("seq", .int64, .identifier(auto: false))
            .field("id", .uuid, .required)
            .field("at_ms", .int64, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string)
            .field("entity_id", .string)
            .field("case_id", .uuid)
            .field("record_hash", .string)
            .field("target", .string)
            .field("detail", .string)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "id")
            .create()
        try await database.schema("audit_head")
            .field("id", .int, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .create()
        let sql = try AuditChain.sqlDatabase(database)
        try await sql.raw("CREATE INDEX IF NOT EXISTS audit_log_case ON audit_log (case_id, seq)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS audit_log_entity ON audit_log (entity_id, seq)").run()
        try await sql.raw("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, \(bind: AuditRecord.genesis))").run()
        try await database.transaction { tx in
            let old = try await (tx as! any SQLDatabase)
                .raw("SELECT at_ms, actor, action, target, detail FROM audit_events ORDER BY at_ms, id").all()
            for row in old {
                let entry = AuditEntry(actor: try row.decode(column: "actor", as: String.self),
                                       action: try row.decode(column: "action", as: String.self),
                                       target: try row.decode(column: "target", as: String?.self),
                                       detail: try row.decode(column: "detail", as: String?.self))
                try await AuditChain.append([entry], on: tx, at: try row.decode(column: "at_ms", as: Int64.self))
            }
        }
        try await database.schema("audit_events").delete()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_head").delete()
        try await database.schema("audit_log").delete()
    }
}
