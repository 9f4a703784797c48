import ArgumentParser
import Store
import Web

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (SQLite in --data unless DATABASE_URL names PostgreSQL).")

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8080
    @Flag(name: .customLong("no-migrate"), help: "Do not migrate the database on start.") var noMigrate = false
    @OptionGroup var options: DataOptions

    func run() async throws {
        var config = try AppConfig.fromEnvironment(database: try options.location(), host: host, port: port,
                                                   migrate: !noMigrate)
        config.evidence = try options.evidence(creating: true)
        config.dossierSigner = try options.signingKey(creating: true)
        if config.alertChannels.push != nil { config.pushKey = try options.pushKey() }
        try await Server.run(config)
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date.")
    @OptionGroup var options: DataOptions

    func run() async throws {
        let location = try options.location()
        let pending = try await DatabaseSession.migrate(location)
        for name in pending { print("applying \(name)") }
        print(pending.isEmpty ? "database is up to date: \(location.redacted)"
                              : "database is up to date: \(location.redacted) (\(pending.count) migration(s) applied)")
    }
}
