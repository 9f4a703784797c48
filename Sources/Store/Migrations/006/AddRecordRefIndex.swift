import Fluent
import SQLKit

/// Records found by their section and id across cases: whether a device is already worn in an
/// open case is asked for every device of every import, and without this index each question
/// read every record of every case (100,000 imported cases took most of an hour).
struct AddRecordRefIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS case_records_ref ON case_records (section, ref)").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS case_records_ref").run()
    }
}
