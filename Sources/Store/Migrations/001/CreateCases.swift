import Fluent

struct CreateCases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("cases")
            .id()
            .field("number", .string)
            .field("jurisdiction", .string, .required)
            .field("opened_at_ms", .int64, .required)
            .field("opened_offset", .int, .required)
            .field("unit", .string)
            .field("status", .string, .required)
            .field("created_at_ms", .int64, .required)
            .field("risk_assessments", .string)
            .field("version", .int, .required)
            .unique(on: "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("cases").delete()
    }
}
