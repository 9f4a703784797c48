import Fluent
import SQLKit
import Foundation
import Store
import Vapor

/// A database opened for one command-line task, without the HTTP server.
public enum DatabaseSession {
    /// What a command may do to the database it is pointed at.
    public enum Access: Sendable {
        /// Reads only: never migrates, and refuses a database that is missing or not up to date.
        case read
        /// Writes records: the database must exist (a mistyped `--data` does not make an empty
        /// one); it is migrated first.
        case write
        /// Makes the database when there is none, and migrates it (`migrate`, `demo`, `serve`).
        case create
    }

    public static func with<T: Sendable>(_ location: DatabaseLocation, access: Access = .write,
                                         _ body: @Sendable (any Database) async throws -> T) async throws -> T {
        if access != .create, case .sqliteFile(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw ConfigurationError("there is no Qorgau database at \(path): check --data (or DATABASE_URL); "
                + "`qorgau migrate` makes a new one there")
        }
        return try await open(location) { app in
            if access != .create {
                let pending = try await pendingMigrations(app)
                if pending.count == StoreMigrations.all.count {
                    throw ConfigurationError("\(location.redacted) holds no Qorgau database: check DATABASE_URL (or --data); "
                        + "`qorgau migrate` makes a new one there")
                }
                if access == .read, !pending.isEmpty {
                    throw ConfigurationError("the database \(location.redacted) needs \(pending.count) migration(s) this version of Qorgau "
                        + "reads with: run `qorgau migrate` (it lists them) and try again")
                }
            }
            if access != .read { try await app.autoMigrate() }
            return try await body(app.db)
        }
    }

    /// Makes the database if there is none and applies the migrations it still needs; returns
    /// their names.
    public static func migrate(_ location: DatabaseLocation) async throws -> [String] {
        try await open(location) { app in
            let pending = try await pendingMigrations(app).map(\.name)
            try await app.autoMigrate()
            return pending
        }
    }

    /// The database opened in an application of its own, closed again whatever `body` does.
    private static func open<T: Sendable>(_ location: DatabaseLocation, _ body: (Application) async throws -> T) async throws -> T {
        let app = try await Application.make(Environment(name: "production", arguments: ["qorgau"]))
        app.logger.logLevel = .warning
        do {
            try location.register(on: app.databases)
            app.migrations.add(StoreMigrations.all)
            try await location.prepare(app.db)
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// The migrations not yet applied: every one when the database has no migration log (a new one).
    private static func pendingMigrations(_ app: Application) async throws -> [any Migration] {
        if let sql = app.db as? any SQLDatabase {
            do { _ = try await sql.raw("SELECT COUNT(*) AS n FROM _fluent_migrations").all() } catch { return StoreMigrations.all }
        }
        return try await app.migrator.previewPrepareBatch().get().map(\.0)
    }
}
