import Fluent
import SQLKit
import Store
import Testing
import TestSupport
import Vapor

/// The track on PostgreSQL has no foreign key to `cases` (migration 022): PostgreSQL would lock
/// the case's row for every ping stored. The other tables keep theirs.
@Suite struct TrackSchemaTests {
    @Test(.enabled(if: TestDatabase.postgresURL != nil, TestDatabase.postgresSkipReason))
    func theTrackHasNoForeignKeyOnPostgreSQL() async throws {
        try await withQorgauApp(.postgres) { app in
            let sql = app.db as! any SQLDatabase
            func foreignKeys(_ table: String) async throws -> [String] {
                try await sql.raw("SELECT conname FROM pg_constraint WHERE conrelid = \(bind: table)::regclass AND contype = 'f'")
                    .all().map { try $0.decode(column: "conname", as: String.self) }
            }
            let onPings = try await foreignKeys("pings"), onAlerts = try await foreignKeys("alerts")
            #expect(onPings.isEmpty)
            #expect(onAlerts.count == 1, "the alerts keep theirs")
        }
    }

    @Test func theTrackKeepsItsForeignKeyOnSQLite() async throws {
        try await withQorgauApp(.sqlite) { app in
            let sql = app.db as! any SQLDatabase
            let keys = try await sql.raw("SELECT \"table\" FROM pragma_foreign_key_list('pings')").all()
                .map { try $0.decode(column: "table", as: String.self) }
            #expect(keys == ["cases"])
        }
    }
}
