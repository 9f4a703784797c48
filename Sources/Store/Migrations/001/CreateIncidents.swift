import Fluent

struct CreateIncidents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("incidents")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("ref", .string, .required)
            .field("version", .int, .required)
            .field("occurred_at_ms", .int64, .required)
            .field("occurred_offset", .int, .required)
            .field("kind", .string, .required)
            .field("channel", .string, .required)
            .field("place_text", .string)
            .field("place_lat", .double)
            .field("place_lon", .double)
            .field("description", .string, .required)
            .field("against_will", .bool, .required)
            .field("violence", .bool, .required)
            .field("reported_by", .string, .required)
            .field("impact", .string, .required)
            .field("witnesses", .string)
            .field("evidence", .string)
            .field("recorded_at_ms", .int64, .required)
            .field("updated_at_ms", .int64, .required)
            .field("version_by", .string, .required)
            .field("version_reason", .string)
            .unique(on: "case_id", "ref")
            .create()
        try await database.schema("incident_versions")
            .id()
            .field("incident_id", .uuid, .required, .references("incidents", "id"))
            .field("version", .int, .required)
            .field("snapshot", .string, .required)
            .field("reason", .string)
            .field("recorded_by", .string, .required)
            .field("recorded_at_ms", .int64, .required)
            .unique(on: "incident_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("incident_versions").delete()
        try await database.schema("incidents").delete()
    }
}
