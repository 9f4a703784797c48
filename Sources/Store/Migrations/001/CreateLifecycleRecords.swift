import Fluent

struct CreateLifecycleRecords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("protective_orders")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("ref", .string, .required)
            .field("seq", .int, .required)
            .field("type", .string, .required)
            .field("issued_at_ms", .int64, .required)
            .field("issued_offset", .int, .required)
            .field("valid_until_ms", .int64, .required)
            .field("valid_until_offset", .int, .required)
            .field("issuer", .string, .required)
            .field("conditions", .string, .required)
            .field("revoked_at_ms", .int64)
            .field("revoked_offset", .int)
            .field("version", .int, .required)
            .unique(on: "case_id", "ref")
            .create()
        try await database.schema("case_records")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("section", .string, .required)
            .field("ref", .string, .required)
            .field("seq", .int, .required)
            .field("body", .string, .required)
            .field("version", .int, .required)
            .unique(on: "case_id", "section", "ref")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("case_records").delete()
        try await database.schema("protective_orders").delete()
    }
}
