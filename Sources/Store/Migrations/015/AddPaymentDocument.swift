import Fluent

/// The Fund ledger's projected payments keep the payment document's number the Fund recorded.
struct AddPaymentDocument: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("projected_payments").field("document", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("projected_payments").deleteField("document").update()
    }
}
