import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Store
import Testing
import Vapor

/// A database from before the audit chain (its security events in `audit_events`) is upgraded by
/// migration 003: every event moves into the chain in its order, and the chain verifies.
@Suite struct AuditMigrationTests {
    @Test func eventsRecordedBeforeTheChainAreChainedInTheirOrder() async throws {
        let app = try await Application.make(.testing)
        do {
            app.databases.use(.sqlite(.memory), as: .sqlite)
            let before = 9 // the migrations that had landed before the audit chain (CreateMonitoring is the last)
            app.migrations.add(Array(StoreMigrations.all.prefix(before)))
            try await app.autoMigrate()
            let sql = app.db as! any SQLDatabase
            let events = [(1_700_000_000_000, "anonymous", "anonymous.refused"), (1_700_000_000_500, "u1", "signIn"),
                          (1_700_000_000_200, "u1", "token.created")]
            for (at, actor, action) in events {
                try await sql.raw("INSERT INTO audit_events (id, at_ms, actor, action, target) VALUES (\(bind: UUID()), \(bind: Int64(at)), \(bind: actor), \(bind: action), 'GET /x')").run()
            }
            app.migrations.add(Array(StoreMigrations.all.dropFirst(before)))
            try await app.autoMigrate()

            let records = try await AuditStore(db: app.db).list(limit: 10, after: nil).items.reversed().map { $0 }
            #expect(records.map(\.action) == ["anonymous.refused", "token.created", "signIn"], "in the order they happened")
            #expect(records.map(\.at) == [1_700_000_000_000, 1_700_000_000_200, 1_700_000_000_500])
            #expect(records.map(\.seq) == [1, 2, 3])
            let report = try await AuditVerifier(db: app.db, blobs: nil).verify()
            #expect(report.intact, "\(report.problems)")
            #expect(report.records == 3)
            let old = try await sql.raw("SELECT name FROM sqlite_master WHERE name = 'audit_events'").all()
            #expect(old.isEmpty, "the old table is gone once its events are in the chain")
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
