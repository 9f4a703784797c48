import Fluent

/// The Fund ledger's projected payments keep the day whose unit value converted the amount and
/// the unverified law figures the amount and the due date rest on (comma-separated).
struct AddPaymentFigures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // one column a statement: SQLite adds one at a time
        try await database.schema("projected_payments").field("value_day", .int).update()
        try await database.schema("projected_payments").field("unverified", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("projected_payments").deleteField("unverified").update()
        try await database.schema("projected_payments").deleteField("value_day").update()
    }
}
