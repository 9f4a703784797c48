import Fluent
import SQLKit

/// The Fund ledger's projected payments keep the court whose verdict imposed them, for the
/// Fund officer's filter by court; the projection's rows are made again at the next start
/// (its name changed), so those made before get theirs.
struct AddPaymentCourt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("projected_payments").field("court", .string).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX IF NOT EXISTS projected_payments_court ON projected_payments (court, decided_day)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("projected_payments").deleteField("court").update()
    }
}
