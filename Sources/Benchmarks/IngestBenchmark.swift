import Cases
import Domain
import Fluent
import Foundation
import NIOCore
import Store
import Vapor
import Web

/// `qorgau bench ingest`: incidents created through the HTTP API on loopback by concurrent
/// clients, against the same rows inserted straight through the store, in one run.
public struct IngestBenchmark: Sendable {
    public var database: DatabaseLocation
    public var incidents: Int
    public var clients: Int

    public init(database: DatabaseLocation, incidents: Int = 10_000, clients: Int = 64) {
        self.database = database; self.incidents = incidents; self.clients = clients
    }

    public struct Result: Sendable, Codable {
        public var database: String
        public var incidents: Int
        public var clients: Int
        public var apiPerSecond: Double
        public var directPerSecond: Double
        /// API rate divided by the direct rate.
        public var ratio: Double
    }

    public func run() async throws -> Result {
        try await Self.withApplication { app in try await measure(app) }
    }

    /// An application in production mode for one benchmark run, shut down after it however it ends.
    static func withApplication<T>(_ body: (Application) async throws -> T) async throws -> T {
        let app = try await Application.make(Environment(name: "production", arguments: ["qorgau"]))
        do {
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    private func measure(_ app: Application) async throws -> Result {
        try await configure(app, AppConfig(host: "127.0.0.1", port: 0, database: database, logLevel: .warning))
        app.http.client.configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        do {
            let result = try await measureRunning(app)
            await app.server.shutdown()
            return result
        } catch {
            await app.server.shutdown()
            throw error
        }
    }

    private func measureRunning(_ app: Application) async throws -> Result {
        guard let port = app.http.server.shared.localAddress?.port else { throw ConfigurationError("server did not bind") }

        let header = CaseHeader(openedAt: ZonedDateTime("2025-10-01T09:00:00+05:00")!)
        let cases = CaseStore(db: app.db)
        var apiHeader = header
        apiHeader.unit = "Benchmark unit"
        let apiCase = try await cases.create(jurisdiction: "KZ", header: apiHeader, by: .commandLine)
        // the API path as an officer of the case's unit, with a bearer token, as a real client
        let officer = try await Accounts(db: app.db, cost: 4).create(
            username: "bench.\(UUID().uuidString.prefix(8).lowercased())", displayName: "Benchmark", role: .officer,
            unit: "Benchmark unit", password: "benchmark passphrase", by: "bench").0
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let token = try await TokenStore(db: app.db).create(for: officer.id, name: "bench", mayWrite: true,
                                                            expiresAt: now + 3_600_000, now: now).secret
        let directCase = try await cases.create(jurisdiction: "KZ", header: header, by: .commandLine)
        let url = URI(string: "http://127.0.0.1:\(port)/api/v1/cases/\(apiCase.id.apiString)/incidents")
        let client = app.client

        let apiSeconds = try await timed(clients: clients, total: incidents) { n in
            var body = ByteBufferAllocator().buffer(capacity: 400)
            body.writeString(Self.incidentJSON(n))
            let response = try await client.post(url, headers: ["Content-Type": "application/json", "Authorization": "Bearer \(token)"]) { $0.body = body }
            guard response.status == .created else { throw ConfigurationError("API answered \(response.status.code)") }
        }

        let store = IncidentStore(db: app.db, writer: app.incidentWriter)
        let directSeconds = try await timed(clients: clients, total: incidents) { n in
            _ = try await store.add(Self.incident(n), to: directCase.id, by: .commandLine)
        }
        let api = Double(incidents) / apiSeconds
        let direct = Double(incidents) / directSeconds
        return Result(database: database.redacted.hasPrefix("postgres") ? "postgresql" : "sqlite", incidents: incidents,
                      clients: clients, apiPerSecond: api, directPerSecond: direct, ratio: api / direct)
    }

    /// Runs `total` operations spread over `clients` concurrent workers; returns the wall time.
    private func timed(clients: Int, total: Int, _ operation: @escaping @Sendable (Int) async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var n = worker
                    while n < total {
                        try await operation(n)
                        n += clients
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func occurredAt(_ n: Int) -> String {
        ZonedDateTime(epochMilliseconds: 1_760_000_000_000 + Int64(n) * 60_000, offsetSeconds: 18_000).description
    }

    static func incidentJSON(_ n: Int) -> String {
        """
        {"occurredAt":"\(occurredAt(n))","kind":"contact","channel":"messenger","description":"Message \(n) sent against her will","againstWill":true,"violence":false,"reportedBy":"victim","impact":["fear"]}
        """
    }

    static func incident(_ n: Int) -> Incident {
        Incident(id: "", occurredAt: ZonedDateTime(occurredAt(n))!, kind: .contact, channel: .messenger,
                 description: "Message \(n) sent against her will", againstWill: true, violence: false,
                 reportedBy: .victim, impact: [.fear])
    }
}
