import Fluent

/// When a gateway reported a message delivered to the phone (its delivery receipt).
struct AddDeliveryReceipts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("deliveries").field("delivered_at_ms", .int64).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("deliveries").deleteField("delivered_at_ms").update()
    }
}
