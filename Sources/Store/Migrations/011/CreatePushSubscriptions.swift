import Fluent
import SQLKit

/// The browsers and phones each user let Qorgau reach with Web Push: one row per subscription
/// (its push service address and the keys its messages are encrypted for).
struct CreatePushSubscriptions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("push_subscriptions")
            .field("id", .uuid, .identifier(auto: false))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("endpoint", .string, .required)
            .field("p256dh", .string, .required)
            .field("auth", .string, .required)
            .field("label", .string)
            .field("created_at_ms", .int64, .required)
            .unique(on: "endpoint")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("push_subscriptions").delete()
    }
}
