import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation

/// Where the data lives: an SQLite file (the embedded default), an in-memory SQLite database
/// (tests), or PostgreSQL (several stateless instances on one database).
public enum DatabaseLocation: Sendable, Equatable {
    case sqliteFile(String)
    case sqliteMemory
    case postgres(String)

    /// `DATABASE_URL` when set (postgres:// or postgresql://), otherwise `qorgau.sqlite` in `dataDirectory`.
    public static func from(databaseURL: String?, dataDirectory: String) throws -> DatabaseLocation {
        guard let url = databaseURL, !url.isEmpty else {
            return .sqliteFile(URL(fileURLWithPath: dataDirectory).appendingPathComponent("qorgau.sqlite").path)
        }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ConfigurationError("DATABASE_URL must start with postgres:// (or be unset for SQLite), got \"\(url.prefix(12))…\"")
        }
        return .postgres(url)
    }

    /// Registers the database as the default of `databases`.
    public func register(on databases: Databases) throws {
        switch self {
        case .sqliteFile(let path):
            databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
        case .sqliteMemory:
            databases.use(.sqlite(.memory, sqlLogLevel: nil), as: .sqlite)
        case .postgres(let url):
            let config = try SQLPostgresConfiguration(url: url)
            databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
        }
    }

    /// Settings applied once after connecting: SQLite keeps a write-ahead log, so readers do not
    /// block the writer and a crash of the process loses no committed transaction.
    public func prepare(_ db: any Database) async throws {
        guard case .sqliteFile(let path) = self, let sql = db as? any SQLDatabase else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        // victims' data: the database and its log readable by the owner only
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            chmod(file, 0o600)
        }
    }

    /// A description safe for logs: never the password.
    public var redacted: String {
        switch self {
        case .sqliteFile(let path): "sqlite:\(path)"
        case .sqliteMemory: "sqlite:memory"
        case .postgres(let url):
            URL(string: url).map { "postgres://\($0.host ?? "?"):\($0.port ?? 5432)\($0.path)" } ?? "postgres"
        }
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
