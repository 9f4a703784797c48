import FluentKit
import Foundation
import Logging
import NIOPosix
import SQLKit

/// A database opened for one command-line task, without the HTTP server: Fluent's databases and
/// migrator on the process's shared event loops and thread pool.
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
        return try await open(location) { session in
            if access != .create {
                let pending = try await session.pending()
                if pending.count == StoreMigrations.all.count {
                    throw ConfigurationError("\(location.redacted) holds no Qorgau database: check DATABASE_URL (or --data); "
                        + "`qorgau migrate` makes a new one there")
                }
                if access == .read, !pending.isEmpty {
                    throw ConfigurationError("the database \(location.redacted) needs \(pending.count) migration(s) this version of Qorgau "
                        + "reads with: run `qorgau migrate` (it lists them) and try again")
                }
            }
            if access != .read { try await session.migrate() }
            return try await body(session.db)
        }
    }

    /// Makes the database if there is none and applies the migrations it still needs; returns
    /// their names.
    public static func migrate(_ location: DatabaseLocation) async throws -> [String] {
        try await open(location) { session in
            let pending = try await session.pending().map(\.name)
            try await session.migrate()
            return pending
        }
    }

    /// One opened database with its migrator.
    private struct Opened {
        var migrator: Migrator
        var db: any Database

        /// The migrations not yet applied: every one when the database has no migration log (a new one).
        func pending() async throws -> [any Migration] {
            if let sql = db as? any SQLDatabase {
                do { _ = try await sql.raw("SELECT COUNT(*) AS n FROM _fluent_migrations").all() } catch { return StoreMigrations.all }
            }
            return try await migrator.previewPrepareBatch().get().map(\.0)
        }

        func migrate() async throws {
            try await migrator.setupIfNeeded().get()
            try await migrator.prepareBatch().get()
        }
    }

    /// The database opened on its own, closed again whatever `body` does.
    private static func open<T: Sendable>(_ location: DatabaseLocation, _ body: (Opened) async throws -> T) async throws -> T {
        let loops = MultiThreadedEventLoopGroup.singleton
        let databases = Databases(threadPool: NIOThreadPool.singleton, on: loops)
        var logger = Logger(label: "qorgau.database")
        logger.logLevel = .warning
        do {
            try location.register(on: databases)
            let migrations = Migrations()
            migrations.add(StoreMigrations.all)
            guard let db = databases.database(logger: logger, on: loops.any()) else { throw ConfigurationError("no database is configured") }
            try await location.prepare(db)
            let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: loops.any())
            let result = try await body(Opened(migrator: migrator, db: db))
            await databases.shutdownAsync()
            return result
        } catch {
            await databases.shutdownAsync()
            throw error
        }
    }
}
