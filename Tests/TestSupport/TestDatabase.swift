import Fluent
import FluentPostgresDriver
import Foundation
import Store
import Testing
import Vapor
import VaporTesting
import Web

/// The databases the store and API tests run on: in-memory SQLite always, and PostgreSQL when
/// `QORGAU_TEST_POSTGRES_URL` is set (each test in a schema of its own, dropped afterwards).
public enum TestDatabase: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres
    /// SQLite in a file of a temporary folder, as the server runs by default: the tests of
    /// whatever takes another way on a file (the track's own writer) run on it too.
    case sqliteFile

    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["QORGAU_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every database available here; a test parameterised over this runs once on each.
    public static var available: [TestDatabase] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// `available` and a SQLite file.
    public static var withSQLiteFile: [TestDatabase] { available + [.sqliteFile] }

    public static let postgresSkipReason: Comment =
        "QORGAU_TEST_POSTGRES_URL is not set: the PostgreSQL runs of the store and API tests were skipped (.ci/run sets it)"

    public var testDescription: String { rawValue }
}

/// Runs `body` with an application configured as the server is, on a fresh database.
/// `sharedSchema` puts a second application on the PostgreSQL schema of a first (several
/// instances on one database); that schema is left for the first to drop.
public func withQorgauApp<T>(_ database: TestDatabase = .sqlite, maxBodyBytes: Int = 1 << 20, sharedSchema: String? = nil,
                             settings: (inout AppConfig) -> Void = { _ in },
                             _ body: (Application) async throws -> T) async throws -> T {
    let app = try await Application.make(.testing)
    let ownsSchema = sharedSchema == nil
    let schema = sharedSchema ?? "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    app.storage[TestSchemaKey.self] = schema
    do {
        var config = AppConfig(database: .sqliteMemory, migrate: false, maxBodyBytes: maxBodyBytes, logLevel: .warning)
        config.bcryptCost = 4 // the lowest bcrypt allows: signing in is tested, not bcrypt's cost
        settings(&config)
        if database == .postgres {
            guard let url = TestDatabase.postgresURL else { throw TestSetupError("QORGAU_TEST_POSTGRES_URL is not set") }
            var pg = try SQLPostgresConfiguration(url: url)
            pg.searchPath = [schema]
            // two connections a loop and 30 s of patience: a loaded run of the whole suite (every test
            // at once, on two cores) kept a test waiting past the pool's default 10 s for its one
            app.databases.use(.postgres(configuration: pg, maxConnectionsPerEventLoop: 2, connectionPoolTimeout: .seconds(30),
                                        sqlLogLevel: .trace), as: .psql)
            config.database = .postgres(url)
            if ownsSchema { try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA \(ident: schema)").run() }
        }
        var folder: URL?
        if database == .sqliteFile {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qorgau-test-" + UUID().uuidString)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            folder = dir
            config.database = .sqliteFile(dir.appendingPathComponent("qorgau.sqlite").path)
        }
        defer { if let folder { try? FileManager.default.removeItem(at: folder) } }
        try await configure(app, config, registerDatabase: database != .postgres)
        try await migrate(app)
        app.storage[DefaultTestUserKey.self] = try await app.makeUser(.officer, username: "test.officer", unit: Fixtures.unit)
        let result = try await body(app)
        await app.server.shutdown() // a server a test started (a no-op otherwise), before the application's storage goes
        if database == .postgres, ownsSchema { try await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        try await app.asyncShutdown()
        return result
    } catch {
        await app.server.shutdown()
        if database == .postgres, ownsSchema { try? await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        try? await app.asyncShutdown()
        throw error
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

struct TestSchemaKey: StorageKey { typealias Value = String }

extension Application {
    /// The PostgreSQL schema this test application works in.
    public var testSchema: String { storage[TestSchemaKey.self] ?? "" }
}
