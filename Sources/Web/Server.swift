import Store
import Vapor

/// Runs the HTTP server until it is told to stop (SIGINT or SIGTERM).
public enum Server {
    public static func run(_ config: AppConfig) async throws {
        // production unless VAPOR_ENV says otherwise: templates cached, no development details
        var env: Environment = ProcessInfo.processInfo.environment["VAPOR_ENV"] == nil
            ? .production : try Environment.detect(arguments: ["qorgau"])
        env.arguments = ["qorgau", "serve", "--hostname", config.host, "--port", String(config.port)]
        switch config.logFormat {
        case .text: try LoggingSystem.bootstrap(from: &env)
        case .json: try LoggingSystem.bootstrap(from: &env) { level in { JSONLogHandler(label: $0, level: level) } }
        }
        let app = try await Application.make(env)
        do {
            try await configure(app, config)
            try await FirstAdministrator.ensure(on: app.db, bcryptCost: config.bcryptCost, logger: app.logger) // also under --no-migrate after `qorgau migrate`
            try await app.startMonitoring(sweepSeconds: config.monitoringSweepSeconds, escalateAfter: config.alertEscalationSeconds)
            await app.startDeliveries()
            app.logger.notice("Qorgau on http://\(config.host):\(config.port) with \(config.database.redacted)")
            try await app.execute()
            // Vapor stops the HTTP server only after the databases: the alert streams end first,
            // then the server, so that no request reaches a database that is gone
            await app.alertStreams.shutdownAsync(app)
            await app.server.shutdown()
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
