import Fluent
import SQLKit

/// The worklist projections: each case's deadlines with the days they are listed on, the payments
/// its verdicts impose, and per case when its rows must be made again without a write (a record
/// dated in the future) and when the victim last wrote, so that the dashboard, the deadlines and
/// the Fund ledger are indexed reads instead of every case file assessed on every request.
struct CreateWorklists: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("projected_cases")
            .field("case_id", .uuid, .identifier(auto: false), .references("cases", "id"))
            .field("unit", .string)
            .field("refresh_day", .int)
            .field("last_victim_entry_ms", .int64)
            .create()
        try await database.schema("projected_deadlines")
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("unit", .string)
            .field("case_number", .string)
            .field("kind", .string, .required)
            .field("record", .string, .required)
            .field("offence", .string)
            .field("due_day", .int, .required)
            .field("listed_from", .int, .required)
            .field("listed_until", .int, .required)
            .field("window_days", .int)
            .field("text", .string, .required)
            .create()
        try await database.schema("projected_payments")
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("unit", .string)
            .field("case_number", .string)
            .field("verdict", .string, .required)
            .field("person", .string, .required)
            .field("iin", .string)
            .field("person_key", .string, .required)
            .field("decided_day", .int, .required)
            .field("units", .int, .required)
            .field("unit_name", .string, .required)
            .field("amount", .int64, .required)
            .field("currency", .string, .required)
            .field("due_day", .int, .required)
            .field("paid_day", .int)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        for statement in [
            "CREATE INDEX IF NOT EXISTS projected_cases_unit_entry ON projected_cases (unit, last_victim_entry_ms)",
            "CREATE INDEX IF NOT EXISTS projected_cases_entry ON projected_cases (last_victim_entry_ms)",
            "CREATE INDEX IF NOT EXISTS projected_cases_refresh ON projected_cases (refresh_day)",
            "CREATE INDEX IF NOT EXISTS projected_deadlines_case ON projected_deadlines (case_id)",
            "CREATE INDEX IF NOT EXISTS projected_deadlines_unit_due ON projected_deadlines (unit, due_day, case_id)",
            "CREATE INDEX IF NOT EXISTS projected_deadlines_due ON projected_deadlines (due_day, case_id)",
            "CREATE INDEX IF NOT EXISTS projected_deadlines_until ON projected_deadlines (listed_until)",
            "CREATE INDEX IF NOT EXISTS projected_payments_case ON projected_payments (case_id)",
            "CREATE INDEX IF NOT EXISTS projected_payments_order ON projected_payments (decided_day, case_id, verdict)",
            "CREATE INDEX IF NOT EXISTS projected_payments_person ON projected_payments (person_key)",
            // an officer's dashboard lists the unit's newest cases
            "CREATE INDEX IF NOT EXISTS cases_unit_created ON cases (unit, created_at_ms, id)",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
        // a database without a case has every projection built: they follow from the first write
        // on (one with cases is projected whole by the server's catch-up at start)
        if try await CaseStore(db: database).isEmpty() {
            let head = try await AuditStore(db: database).head().seq
            let state = ProjectionState(db: database)
            for name in [SearchIndex.name, "worklists"] where try await state.seq(of: name) == nil {
                try await state.set(name, seq: head)
            }
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.raw("DROP INDEX IF EXISTS cases_unit_created").run() }
        try await database.schema("projected_payments").delete()
        try await database.schema("projected_deadlines").delete()
        try await database.schema("projected_cases").delete()
    }
}
