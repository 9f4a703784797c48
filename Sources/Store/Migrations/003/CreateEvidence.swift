import Fluent
import SQLKit

/// Evidence files attached to incidents (the bytes are in the blob store).
struct CreateEvidence: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("evidence")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("incident_id", .uuid, .required, .references("incidents", "id"))
            .field("sha256", .string, .required)
            .field("name", .string, .required)
            .field("media_type", .string, .required)
            .field("size_bytes", .int64, .required)
            .field("added_by", .string, .required)
            .field("added_at_ms", .int64, .required)
            .unique(on: "incident_id", "sha256")
            .create()
        try await AuditChain.sqlDatabase(database).raw("CREATE INDEX IF NOT EXISTS evidence_case ON evidence (case_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("evidence").delete()
    }
}
