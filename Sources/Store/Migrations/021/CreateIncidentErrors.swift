import Fluent

/// Incidents marked as entered in error: one row per marked incident, removed when the mark is
/// taken back. A row of its own rather than a column of `incidents`, so that the hashes the audit
/// log holds for every incident row stay what they were.
struct CreateIncidentErrors: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("incident_errors")
            .id()
            .field("incident_id", .uuid, .required, .references("incidents", "id"))
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("reason", .string, .required)
            .field("marked_by", .string, .required)
            .field("marked_at_ms", .int64, .required)
            .unique(on: "incident_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("incident_errors").delete()
    }
}
