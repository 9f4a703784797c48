import Fluent

struct CreateRecordVersions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("record_versions")
            .id()
            .field("kind", .string, .required)
            .field("record_id", .uuid, .required)
            .field("version", .int, .required)
            .field("snapshot", .string, .required)
            .field("reason", .string, .required)
            .field("corrected_by", .string, .required)
            .field("corrected_at_ms", .int64, .required)
            .unique(on: "kind", "record_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("record_versions").delete()
    }
}
