import Foundation
import Store
import Vapor

/// The server's settings, read once from the environment with command-line flags over them.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseLocation
    public var migrate: Bool
    /// Largest request body accepted, in bytes; larger bodies get 413.
    public var maxBodyBytes: Int
    /// Largest case file accepted by `POST /api/v1/case-files`, in bytes.
    public var maxCaseFileBytes: Int
    public var logLevel: Logger.Level

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseLocation, migrate: Bool = true,
                maxBodyBytes: Int = 1 << 20, maxCaseFileBytes: Int = 32 << 20, logLevel: Logger.Level = .info) {
        self.host = host; self.port = port; self.database = database; self.migrate = migrate
        self.maxBodyBytes = maxBodyBytes; self.maxCaseFileBytes = maxCaseFileBytes; self.logLevel = logLevel
    }

    /// Reads `QORGAU_MAX_BODY_BYTES` and `LOG_LEVEL` (the database comes from `DATABASE_URL` or
    /// `--data`, resolved by the caller); a bad value stops with a message naming the variable.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                       database: DatabaseLocation, host: String = "127.0.0.1", port: Int = 8080,
                                       migrate: Bool = true) throws -> AppConfig {
        var config = AppConfig(host: host, port: port, database: database, migrate: migrate)
        if let raw = env["QORGAU_MAX_BODY_BYTES"] {
            guard let bytes = Int(raw), bytes >= 1024 else {
                throw ConfigurationError("QORGAU_MAX_BODY_BYTES must be a number of bytes, at least 1024; got \"\(raw)\"")
            }
            config.maxBodyBytes = bytes
        }
        if let raw = env["LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: raw.lowercased()) else {
                throw ConfigurationError("LOG_LEVEL must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(raw)\"")
            }
            config.logLevel = level
        }
        return config
    }
}
