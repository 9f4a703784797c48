import Fluent
import SQLKit

/// What makes an alert reach a person: the events of each alert's life (raised, escalated,
/// acknowledged, handed over) as an outbox written in the alert's own transaction; the
/// deliveries each event fans out to (one per recipient and channel, with their state); each
/// unit's duty roster; and how each user wants to be reached.
struct CreateAlertDelivery: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("alert_events")
            .field("id", .uuid, .identifier(auto: false)) // time-ordered (version 7): the event stream's cursor
            .field("alert_id", .uuid, .required)
            .field("case_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("step", .int, .required)
            .field("actor", .string, .required)
            .field("target_user", .uuid)
            .field("note", .string)
            .field("at_ms", .int64, .required)
            .field("routed_at_ms", .int64)
            .create()
        try await database.schema("deliveries")
            .field("id", .uuid, .identifier(auto: false))
            .field("event_id", .uuid, .required)
            .field("alert_id", .uuid, .required)
            .field("case_id", .uuid, .required)
            .field("channel", .string, .required)
            .field("recipient", .string, .required)
            .field("audience", .string, .required)
            .field("address", .string, .required)
            .field("language", .string, .required)
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_at_ms", .int64, .required)
            .field("lease_owner", .string)
            .field("lease_until_ms", .int64)
            .field("error", .string)
            .field("created_at_ms", .int64, .required)
            .field("sent_at_ms", .int64)
            .unique(on: "event_id", "channel", "recipient")
            .create()
        try await database.schema("duty_roster")
            .field("id", .uuid, .identifier(auto: false))
            .field("unit", .string, .required)
            .field("duty", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("from_minute", .int)
            .field("to_minute", .int)
            .create()
        try await database.schema("contacts")
            .field("user_id", .uuid, .identifier(auto: false), .references("users", "id", onDelete: .cascade))
            .field("language", .string, .required)
            .field("phone", .string)
            .field("email", .string)
            .field("channels", .string, .required)
            .field("updated_at_ms", .int64, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        // one raised event and one event per escalation step for each alert, whichever instance writes it
        try await sql.raw("CREATE UNIQUE INDEX alert_events_step ON alert_events (alert_id, step) WHERE kind IN ('raised', 'escalated')").run()
        try await sql.raw("CREATE INDEX alert_events_alert ON alert_events (alert_id, id)").run()
        try await sql.raw("CREATE INDEX alert_events_unrouted ON alert_events (routed_at_ms, id)").run()
        try await sql.raw("CREATE INDEX deliveries_due ON deliveries (state, next_at_ms)").run()
        try await sql.raw("CREATE INDEX deliveries_alert ON deliveries (alert_id)").run()
        try await sql.raw("CREATE INDEX duty_roster_unit ON duty_roster (unit, duty)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["contacts", "duty_roster", "deliveries", "alert_events"] { try await database.schema(table).delete() }
    }
}
