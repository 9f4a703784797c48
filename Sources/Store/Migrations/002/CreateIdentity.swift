import Fluent
import SQLKit

/// Users, their sessions and API tokens, single-case grants, and the security audit events.
struct CreateIdentity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("role", .string, .required)
            .field("unit", .string)
            .field("password_hash", .string, .required)
            .field("must_change_password", .bool, .required)
            .field("disabled", .bool, .required)
            .field("failed_attempts", .int, .required)
            .field("locked_until_ms", .int64)
            .field("created_at_ms", .int64, .required)
            .unique(on: "username")
            .create()
        try await database.schema("sessions")
            .field("token_hash", .string, .identifier(auto: false))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("csrf_token", .string, .required)
            .field("created_at_ms", .int64, .required)
            .field("last_seen_ms", .int64, .required)
            .create()
        try await database.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("may_write", .bool, .required)
            .field("created_at_ms", .int64, .required)
            .field("expires_at_ms", .int64, .required)
            .field("revoked_at_ms", .int64)
            .unique(on: "token_hash")
            .create()
        try await database.schema("case_access")
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("granted_by", .string, .required)
            .field("granted_at_ms", .int64, .required)
            .compositeIdentifier(over: "case_id", "user_id")
            .create()
        try await database.schema("audit_events")
            .id()
            .field("at_ms", .int64, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("target", .string)
            .field("detail", .string)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS case_access_user ON case_access (user_id)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS cases_unit ON cases (unit)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS audit_events_time ON audit_events (at_ms, id)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["audit_events", "case_access", "api_tokens", "sessions", "users"] {
            try await database.schema(table).delete()
        }
    }
}
