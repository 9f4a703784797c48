import Fluent
import SQLKit

/// The search projection: each case's number, persons' names and IINs as folded words with the
/// case's unit, so that a search asks an index for the words of the units in scope instead of
/// reading every case; and where each projection has read the
/// audit log up to, so that a restarted server catches up on what was written while it was down.
struct CreateSearchIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("search_terms")
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("unit", .string)
            .field("term", .string, .required)
            .field("shown", .string, .required)
            .field("role", .string, .required)
            .create()
        try await database.schema("projection_state")
            .field("name", .string, .identifier(auto: false))
            .field("seq", .int64, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS search_terms_term ON search_terms (term)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS search_terms_unit_term ON search_terms (unit, term)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS search_terms_case ON search_terms (case_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("projection_state").delete()
        try await database.schema("search_terms").delete()
    }
}
