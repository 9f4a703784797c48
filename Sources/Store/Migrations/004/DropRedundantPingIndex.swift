import Fluent
import SQLKit

/// Every query of the track names its device, which the unique (device, at_ms) index serves; the
/// (case_id, at_ms) index only cost each stored ping one more index insertion.
struct DropRedundantPingIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS pings_case_time").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS pings_case_time ON pings (case_id, at_ms)").run()
    }
}
