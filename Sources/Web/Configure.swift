import Fluent
import Store
import Vapor

/// Sets up an application: database, migrations, middleware, routes. Tests that bring their own
/// database registration pass `registerDatabase: false`.
public func configure(_ app: Application, _ config: AppConfig, registerDatabase: Bool = true) async throws {
    app.logger.logLevel = config.logLevel
    if registerDatabase { try config.database.register(on: app.databases) }
    app.migrations.add(StoreMigrations.all)
    try await config.database.prepare(app.db)
    if config.migrate { try await app.autoMigrate() }

    app.http.server.configuration.hostname = config.host
    app.http.server.configuration.port = config.port
    app.routes.defaultMaxBodySize = ByteCount(value: config.maxBodyBytes)

    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .debug))
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(PrincipalMiddleware())

    ContentConfiguration.global.use(encoder: JSONEncoder.api, for: .json)
    app.storage[AppConfigKey.self] = config
    try routes(app)
}

struct AppConfigKey: StorageKey { typealias Value = AppConfig }

extension Application {
    var qorgauConfig: AppConfig { storage[AppConfigKey.self]! }
}

extension JSONEncoder {
    /// Stable output for API responses.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
