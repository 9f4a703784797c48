import Fluent
import Foundation
import Store
import Vapor

/// A database opened for one command-line task, without the HTTP server.
public enum DatabaseSession {
    public static func with<T: Sendable>(_ location: DatabaseLocation, migrate: Bool = true,
                                         _ body: @Sendable (any Database) async throws -> T) async throws -> T {
        let app = try await Application.make(Environment(name: "production", arguments: ["qorgau"]))
        app.logger.logLevel = .warning
        do {
            try location.register(on: app.databases)
            app.migrations.add(StoreMigrations.all)
            try await location.prepare(app.db)
            if migrate { try await app.autoMigrate() }
            let result = try await body(app.db)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
