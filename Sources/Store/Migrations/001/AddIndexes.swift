import Fluent
import SQLKit

/// Indexes for the list queries (cases by time, incidents of a case by time). Plain SQL that both
/// SQLite and PostgreSQL accept.
struct AddIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS incidents_case_time ON incidents (case_id, occurred_at_ms, id)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS cases_created ON cases (created_at_ms, id)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS persons_case ON persons (case_id, seq)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS places_person ON places (person_id, seq)").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for name in ["incidents_case_time", "cases_created", "persons_case", "places_person"] {
            try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: name)").run()
        }
    }
}
