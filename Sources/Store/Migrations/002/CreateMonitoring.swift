import Fluent
import SQLKit

/// The monitoring track (every accepted ping: it is evidence) and the alerts raised from it.
struct CreateMonitoring: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("pings")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("device", .string, .required)
            .field("at_ms", .int64, .required)
            .field("at_offset", .int, .required)
            .field("lat", .double)
            .field("lon", .double)
            .field("accuracy", .double)
            .field("event", .string)
            .field("received_at_ms", .int64, .required)
            .unique(on: "device", "at_ms")
            .create()
        try await database.schema("alerts")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("kind", .string, .required)
            .field("order_ref", .string)
            .field("zone", .int)
            .field("device", .string, .required)
            .field("at_ms", .int64, .required)
            .field("at_offset", .int, .required)
            .field("distance_m", .int)
            .field("accuracy_m", .int)
            .field("incident_ref", .string)
            .field("created_at_ms", .int64, .required)
            .field("acknowledged_at_ms", .int64)
            .field("acknowledged_by", .string)
            .field("escalated_at_ms", .int64)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS pings_case_time ON pings (case_id, at_ms)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS alerts_case_time ON alerts (case_id, at_ms)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS alerts_open ON alerts (acknowledged_at_ms, created_at_ms)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("alerts").delete()
        try await database.schema("pings").delete()
    }
}
