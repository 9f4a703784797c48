import Domain
import Fluent
import Foundation
import Monitoring
import NIOCore
import Store
import Vapor

/// `qorgau bench monitoring`: a seeded set of cases (one order each: 70% circular zones of
/// 200-1000 m, 30% polygons, and 500 m around the moving victim; a respondent's bracelet and the
/// victim's phone) and a seeded ping stream, checked by the engine alone on one core, then sent
/// through the API on loopback with the track stored durably, measuring pings/s and the time
/// from sending a ping to its alert reaching a subscriber.
public struct MonitoringBenchmark: Sendable {
    public var database: DatabaseLocation
    public var cases: Int
    public var pings: Int
    public var batch: Int
    public var clients: Int

    public init(database: DatabaseLocation, cases: Int = 2_000, pings: Int = 100_000, batch: Int = 500, clients: Int = 4) {
        self.database = database; self.cases = cases; self.pings = pings; self.batch = batch; self.clients = clients
    }

    public struct Result: Sendable, Codable {
        public var cases: Int
        public var pings: Int
        public var engineChecksPerSecond: Double
        public var enginePingsPerSecond: Double
        public var engineAlerts: Int
        public var apiPingsPerSecond: Double
        public var apiAlerts: Int
        public var alertLatencyMs: [String: Double]
        /// Whether the API raised exactly the engine's alerts.
        public var sameAlerts: Bool
    }

    public func run() async throws -> Result {
        var generator = SeededGenerator(seed: 20251115)
        let files = (0..<cases).map { Self.caseFile($0, &generator) }
        let stream = Self.pings(count: pings, cases: cases, files: files, &generator)

        // the engine alone, one core
        var engines = files.map(MonitoringEngine.init(file:))
        let now = Date()
        var engineAlerts: [String] = []
        let started = DispatchTime.now().uptimeNanoseconds
        for (caseIndex, ping) in stream {
            if case .success(let alerts) = engines[caseIndex].ingest(ping, now: now) {
                engineAlerts += alerts.map { "\($0.kind.rawValue)|\($0.device)|\($0.at.epochMilliseconds)" }
            }
        }
        let engineSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let respondentPings = stream.filter { $0.1.device.hasPrefix("r") }.count
        let checks = Double(respondentPings) * 2 // a zone and the distance to her, per respondent ping

        // through the API
        let app = try await Application.make(Environment(name: "production", arguments: ["qorgau"]))
        do {
            let api = try await throughAPI(app, files: files, stream: stream, now: now)
            try await app.asyncShutdown()
            return Result(cases: cases, pings: stream.count, engineChecksPerSecond: checks / engineSeconds,
                          enginePingsPerSecond: Double(stream.count) / engineSeconds, engineAlerts: engineAlerts.count,
                          apiPingsPerSecond: api.rate, apiAlerts: api.alerts.count, alertLatencyMs: api.latency,
                          sameAlerts: api.alerts.sorted() == engineAlerts.sorted())
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    private func throughAPI(_ app: Application, files: [CaseFile], stream: [(Int, Ping)], now: Date) async throws
        -> (rate: Double, alerts: [String], latency: [String: Double]) {
        var config = AppConfig(host: "127.0.0.1", port: 0, database: database, logLevel: .warning)
        config.bcryptCost = 4
        try await configure(app, config)
        for file in files { _ = try await CaseFileStore(db: app.db).importCaseFile(file, by: .commandLine) }
        try await app.monitoring.load(db: app.db)
        let gateway = try await Accounts(db: app.db, cost: 4).create(username: "bench.gateway", displayName: "gateway", role: .gateway,
                                                                    unit: nil, password: "benchmark passphrase", by: "bench").0
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let token = try await TokenStore(db: app.db).create(for: gateway.id, name: "bench", mayWrite: true,
                                                            expiresAt: nowMs + 3_600_000, now: nowMs).secret
        app.http.client.configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        defer { Task { await app.server.shutdown() } }
        guard let port = app.http.server.shared.localAddress?.port else { throw ConfigurationError("server did not bind") }

        let (_, events) = await app.monitoring.subscribe(scope: .all)
        let sentAt = SentTimes()
        let listener = Task { () -> ([String], [Double]) in
            var alerts: [String] = [], latencies: [Double] = []
            for await event in events {
                let alert = event.alert
                let key = "\(alert.kind)|\(alert.device)|\(alert.at.epochMilliseconds)"
                alerts.append(key)
                if let sent = sentAt.time(alert.device, alert.at.epochMilliseconds) {
                    latencies.append(Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e6)
                }
            }
            return (alerts, latencies)
        }

        // each case's pings stay in order: a case belongs to one client
        let perClient = (0..<clients).map { client in stream.filter { $0.0 % clients == client }.map(\.1) }
        let url = URI(string: "http://127.0.0.1:\(port)/api/v1/monitoring/pings")
        let encoder = JSONEncoder()
        let started = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for pings in perClient {
                group.addTask {
                    for start in stride(from: 0, to: pings.count, by: batch) {
                        let chunk = Array(pings[start..<min(start + batch, pings.count)])
                        let body = try encoder.encode(["pings": chunk])
                        let t = DispatchTime.now().uptimeNanoseconds
                        for ping in chunk { sentAt.set(ping.device, ping.at.epochMilliseconds, t) }
                        let response = try await app.client.post(url, headers: ["Content-Type": "application/json",
                                                                                "Authorization": "Bearer \(token)"]) {
                            $0.body = ByteBuffer(data: body)
                        }
                        guard response.status == .ok else { throw ConfigurationError("ingest answered \(response.status)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        try await Task.sleep(for: .milliseconds(200))
        listener.cancel()
        await app.monitoring.unsubscribeAll()
        let (alerts, latencies) = await listener.value
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return (Double(stream.count) / seconds, alerts,
                ["median": percentile(0.5), "p99": percentile(0.99), "p99.9": percentile(0.999)])
    }

    // MARK: the seeded world

    static func caseFile(_ n: Int, _ g: inout SeededGenerator) -> CaseFile {
        let lat = 43.2 + Double.random(in: -0.1...0.1, using: &g), lon = 76.9 + Double.random(in: -0.1...0.1, using: &g)
        let zone: Zone
        if Double.random(in: 0..<1, using: &g) < 0.7 {
            zone = Zone(kind: "home", lat: lat, lon: lon, radiusMeters: Double.random(in: 200...1000, using: &g))
        } else {
            let r = Double.random(in: 0.002...0.008, using: &g)
            zone = Zone(kind: "work", polygon: (0..<6).map { k in
                GeoPoint(lat: lat + r * sin(Double(k) * .pi / 3), lon: lon + r * cos(Double(k) * .pi / 3))
            })
        }
        let order = ProtectiveOrder(id: "o1", type: .protectiveOrder, issuedAt: ZonedDateTime("2025-10-01T00:00:00+05:00")!,
                                    validUntil: ZonedDateTime("2026-12-31T00:00:00+05:00")!, issuer: "bench",
                                    conditions: OrderConditions(noContact: true, minDistanceMeters: 500, zones: [zone]))
        var file = CaseFile(jurisdiction: "KZ", case: CaseHeader(openedAt: ZonedDateTime("2025-10-01T00:00:00+05:00")!, unit: "Bench"),
                            persons: [Person(id: "v", role: .victim, name: "V \(n)"), Person(id: "r", role: .respondent, name: "R \(n)")],
                            incidents: [])
        file.protectiveOrders = [order]
        file.devices = [Device(id: "r\(n)", person: "r", kind: .bracelet, intervalSeconds: 60),
                        Device(id: "v\(n)", person: "v", kind: .phone, intervalSeconds: 60)]
        return file
    }

    /// Pings a minute apart per device, the respondent wandering 1-3 km from the zone's centre,
    /// now and then (about 0.1% of pings) walking in; the victim moving around her place.
    static func pings(count: Int, cases: Int, files: [CaseFile], _ g: inout SeededGenerator) -> [(Int, Ping)] {
        var result: [(Int, Ping)] = []
        result.reserveCapacity(count)
        let start = ZonedDateTime("2025-11-01T00:00:00+05:00")!.epochMilliseconds
        var step = 0
        while result.count < count {
            for n in 0..<cases where result.count < count {
                let zone = files[n].protectiveOrders[0].conditions.zones![0]
                let (clat, clon) = zone.lat.map { ($0, zone.lon!) } ?? (zone.polygon![0].lat, zone.polygon![0].lon)
                let at = ZonedDateTime(epochMilliseconds: start + Int64(step) * 60_000 + Int64(n % 60) * 1000, offsetSeconds: 18_000)
                let breach = Double.random(in: 0..<1, using: &g) < 0.002
                let distance = breach ? 0.0005 : Double.random(in: 0.012...0.03, using: &g)
                let angle = Double.random(in: 0..<(2 * .pi), using: &g)
                result.append((n, Ping(device: "r\(n)", at: at, lat: clat + distance * sin(angle), lon: clon + distance * cos(angle),
                                       accuracy: 10)))
                if result.count < count {
                    result.append((n, Ping(device: "v\(n)", at: at, lat: clat + 0.05, lon: clon + 0.05, accuracy: 15)))
                }
            }
            step += 1
        }
        return result
    }
}

/// When each ping was sent, for the alert latency.
final class SentTimes: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [String: UInt64] = [:]
    func set(_ device: String, _ at: Int64, _ t: UInt64) { lock.withLock { times["\(device)|\(at)"] = t } }
    func time(_ device: String, _ at: Int64) -> UInt64? { lock.withLock { times["\(device)|\(at)"] } }
}

/// SplitMix64: the same world on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
