import Fluent

/// What a victim was writing in her diary and has not yet saved as an incident: one draft per
/// user, kept as she types and when she submits after her session has ended, with the photo she
/// chose (sealed in the evidence store like any evidence) when the form came back with an error.
struct CreateDiaryDrafts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("diary_drafts")
            .field("user_id", .uuid, .identifier(auto: false), .references("users", "id", onDelete: .cascade))
            .field("case_id", .uuid, .references("cases", "id", onDelete: .cascade))
            .field("fields", .string, .required)
            .field("photo_sha256", .string)
            .field("photo_name", .string)
            .field("photo_type", .string)
            .field("photo_size", .int64)
            .field("updated_at_ms", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("diary_drafts").delete()
    }
}
