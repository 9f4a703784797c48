import Fluent
import SQLKit

/// One record per place in a section's sequence: of two records added to a case's section at the
/// same moment (two officers saving a risk assessment), one fails instead of both landing.
struct AddRecordSequenceIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE UNIQUE INDEX IF NOT EXISTS case_records_seq ON case_records (case_id, section, seq)").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS case_records_seq").run()
    }
}
