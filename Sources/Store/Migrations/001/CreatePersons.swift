import Fluent

struct CreatePersons: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("persons")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("ref", .string, .required)
            .field("seq", .int, .required)
            .field("role", .string, .required)
            .field("name", .string, .required)
            .field("birth_date", .string)
            .field("iin", .string)
            .field("relationship", .string)
            .field("created_at_ms", .int64, .required)
            .field("version", .int, .required)
            .unique(on: "case_id", "ref")
            .create()
        try await database.schema("places")
            .id()
            .field("person_id", .uuid, .required, .references("persons", "id"))
            .field("seq", .int, .required)
            .field("kind", .string, .required)
            .field("text", .string)
            .field("lat", .double)
            .field("lon", .double)
            .field("valid_from", .string)
            .field("valid_until", .string)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("places").delete()
        try await database.schema("persons").delete()
    }
}
