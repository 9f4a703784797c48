import Cases
import Domain
import Fluent
import Foundation
import Monitoring
import NIOCore
import SQLKit
import Store
import Vapor
import Web

/// `qorgau bench monitoring`: the seeded `MonitoringWorld` checked by the engine alone on one core;
/// then sent through the API on loopback with the track stored durably, first at fixed offered
/// loads (5,000 and 20,000 pings/s by default) and then as fast as it goes, timing each alert from
/// the moment its ping was due to be sent to the moment it reaches a subscriber; and, with a
/// PostgreSQL that has PostGIS, the same checks done by PostGIS queries, one ping per query and in
/// batches. Every way must raise exactly the engine's alerts.
public struct MonitoringBenchmark: Sendable {
    public var database: DatabaseLocation
    public var cases: Int
    public var pings: Int
    public var batch: Int
    public var clients: Int
    /// Offered loads in pings per second, each held for `pacedSeconds`; then the rest at full speed.
    public var loads: [Int]
    public var pacedSeconds: Double
    /// A PostgreSQL database with the PostGIS extension (or the right to create it), for the peer.
    public var postgis: String?
    /// Only the engine alone (no server, no PostGIS).
    public var engineOnly = false
    /// Pings stored in the track before the phases (a month before the stream, in no breach's
    /// half hour), so that the phases run on a grown table, as a deployment's does, rather than a
    /// young one whose device index is still small.
    public var history = 0

    public init(database: DatabaseLocation, cases: Int = 100_000, pings: Int = 200_000, batch: Int = 500, clients: Int = 4,
                loads: [Int] = [5_000, 20_000], pacedSeconds: Double = 4, postgis: String? = nil) {
        self.database = database; self.cases = cases; self.pings = pings; self.batch = batch; self.clients = clients
        self.loads = loads; self.pacedSeconds = pacedSeconds; self.postgis = postgis
    }

    public struct Phase: Sendable, Codable {
        /// "socket" (each client keeps a WebSocket and sends without waiting for answers) or "post".
        public var transport: String
        /// Offered pings per second; nil for as fast as it goes.
        public var offered: Int?
        public var pings: Int
        public var pingsPerSecond: Double
        public var alerts: Int
        /// From a ping's due time to its alert reaching a subscriber (few samples: only breaches).
        public var latencyMs: [String: Double]
        /// From a ping's due time to the gateway hearing it is stored (every ping; WebSocket only).
        public var storedMs: [String: Double]
        /// From the ping's arrival at the server (its alert's `raisedAt`, whole milliseconds) to
        /// the alert reaching a subscriber: the server's part alone, as the issue words the goal.
        public var fromArrivalMs: [String: Double]
        /// At an offered load, the p99 of `fromArrivalMs` and of `storedMs` in each minute of the
        /// phase: a start's slow minutes told apart from the steady ones.
        public var fromArrivalP99ByMinute: [Double]? = nil
        public var storedP99ByMinute: [Double]? = nil
    }

    public struct Peer: Sendable, Codable {
        public var mode: String
        public var pings: Int
        public var pingsPerSecond: Double
        public var alerts: Int
        public var sameAlerts: Bool
    }

    public struct Result: Sendable, Codable {
        public var cases: Int
        public var devices: Int
        public var pings: Int
        /// Over the whole stream.
        public var engineChecksPerSecond: Double
        public var enginePingsPerSecond: Double
        /// The stream is timed in ten consecutive parts: the median part and the best, as this
        /// shared machine's speed moves from one moment to the next.
        public var engineChecksPerSecondMedianPart: Double
        public var engineChecksPerSecondBestPart: Double
        public var engineAlerts: Int
        public var phases: [Phase]
        public var apiAlerts: Int
        /// Whether the API raised exactly the engine's alerts.
        public var sameAlerts: Bool
        public var postgis: [Peer]
        /// Pings in the track once the phases are done (history included).
        public var trackRows = 0
        public var setup = Setup()
    }

    /// What the server's part costs before the first ping: the world's case files imported (a
    /// thousand per transaction), and the engines built from the database as at a start.
    public struct Setup: Sendable, Codable {
        public var importSeconds = 0.0
        public var loadSeconds = 0.0
        /// Of which: until pings are routed and checked (engines built on a case's first ping, the rest behind).
        public var routingSeconds = 0.0
    }

    /// An alert as the three ways compare them.
    static func key(_ kind: String, _ device: String, _ at: Int64) -> String { "\(kind)|" + pingKey(device, at) }

    /// A ping, as the alerts it raises are timed from it.
    static func pingKey(_ device: String, _ at: Int64) -> String { "\(device)|\(at)" }

    public func run() async throws -> Result {
        let world = MonitoringWorld(cases: cases, pings: pings)
        let (checksPerSecond, pingsPerSecond, parts, engineAlerts) = Self.engineAlone(world)

        var phases: [Phase] = [], apiAlerts: [String] = [], peers: [Peer] = [], trackRows = 0, setup = Setup()
        if !engineOnly {
            let app = try await Application.make(Environment(name: "production", arguments: ["qorgau"]))
            do {
                (phases, apiAlerts, setup) = try await throughAPI(app, world: world)
                trackRows = try await (app.db as? any SQLDatabase)?.raw("SELECT count(*) AS n FROM pings").first()?
                    .decode(column: "n", as: Int.self) ?? 0
                trackRows += (app.monitoring.track as? JournalTrack)?.writer.waitingRows ?? 0 // in the journal, not yet moved into the track
                try await app.asyncShutdown()
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
        }
        if let postgis, !engineOnly {
            for batched in [false, true] {
                let (rate, alerts) = try await PostGISPeer(url: postgis, clients: clients, batch: batched ? batch : 1).run(world)
                peers.append(Peer(mode: batched ? "batches of \(batch)" : "one ping per query", pings: world.stream.count,
                                  pingsPerSecond: rate, alerts: alerts.count, sameAlerts: alerts.sorted() == engineAlerts.sorted()))
            }
        }
        return Result(cases: cases, devices: world.files.count * 2, pings: world.stream.count, engineChecksPerSecond: checksPerSecond,
                      enginePingsPerSecond: pingsPerSecond, engineChecksPerSecondMedianPart: parts[parts.count / 2],
                      engineChecksPerSecondBestPart: parts.last!, engineAlerts: engineAlerts.count, phases: phases,
                      apiAlerts: apiAlerts.count, sameAlerts: engineOnly || apiAlerts.sorted() == engineAlerts.sorted(), postgis: peers,
                      trackRows: trackRows, setup: setup)
    }

    /// The engine alone on one core: checks per second (a zone and the distance to her, per
    /// respondent ping), pings per second, and its alerts.
    static func engineAlone(_ world: MonitoringWorld) -> (Double, Double, [Double], [String]) {
        var engines = world.files.map(MonitoringEngine.init(file:))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var raised: [Alert] = []
        var parts: [Double] = [] // checks per second of each tenth of the stream, sorted
        // Two plain arrays: reading a ping out of the stream's (case, ping) pairs went through
        // the runtime's generic tuple copy, which cost as much as checking it.
        let cases = world.stream.map(\.caseIndex), pings = world.stream.map(\.ping)
        let fromRespondent = pings.map { $0.device.hasPrefix("r") }
        var seconds = 0.0
        let part = max(1, pings.count / 10)
        for first in stride(from: 0, to: pings.count, by: part) {
            let range = first..<min(pings.count, first + part)
            let partStarted = DispatchTime.now().uptimeNanoseconds
            pings.withUnsafeBufferPointer { pings in
                for i in range { _ = engines[cases[i]].ingest(pings[i], now: now, into: &raised) }
            }
            let partSeconds = Double(DispatchTime.now().uptimeNanoseconds - partStarted) / 1e9
            seconds += partSeconds
            parts.append(Double(fromRespondent[range].reduce(0) { $1 ? $0 + 1 : $0 }) * 2 / partSeconds)
        }
        let alerts = raised.map { key($0.kind.rawValue, $0.device, $0.at.epochMilliseconds) }
        let respondentPings = fromRespondent.reduce(0) { $1 ? $0 + 1 : $0 }
        return (Double(respondentPings) * 2 / seconds, Double(pings.count) / seconds, parts.sorted(), alerts)
    }

    private func throughAPI(_ app: Application, world: MonitoringWorld) async throws -> ([Phase], [String], Setup) {
        var setup = Setup()
        var config = AppConfig(host: "127.0.0.1", port: 0, database: database, logLevel: .warning)
        config.bcryptCost = 4
        try await configure(app, config)
        var caseOfDevice: [String: UUID] = [:]
        let importStarted = DispatchTime.now().uptimeNanoseconds
        for start in stride(from: 0, to: world.files.count, by: 10_000) {
            let files = Array(world.files[start..<min(start + 10_000, world.files.count)])
            for (file, caseID) in zip(files, try await CaseFileStore(db: app.db).importCaseFiles(files, by: .commandLine)) {
                for device in file.devices ?? [] { caseOfDevice[device.id] = caseID }
            }
        }
        let loadStarted = DispatchTime.now().uptimeNanoseconds
        try await app.monitoring.load(db: app.db)
        setup.importSeconds = Double(loadStarted - importStarted) / 1e9
        setup.routingSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStarted) / 1e9
        try await app.monitoring.buildAllEngines(db: app.db)
        setup.loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStarted) / 1e9
        try await storeHistory(app, world: world, caseOfDevice: caseOfDevice) // after the engines are built: it changes no alert
        if case .sqliteFile = database, let sql = app.db as? any SQLDatabase {
            // the setup's writes copied from the log into the file before the clock starts, as a
            // deployment's are between bulk loads: otherwise the first phase meets the checkpoint
            // of a log of gigabytes (100,000 cases: alerts 16 ms late at 5,000 pings/s)
            try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
        }
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
        let heard = HeardAlerts(pings: world.stream.count)
        let listener = Task {
            for await event in events {
                let alert = event.alert
                heard.arrived(kind: alert.kind.rawValue, ping: Self.pingKey(alert.device, alert.at.epochMilliseconds),
                              at: DispatchTime.now().uptimeNanoseconds,
                              sinceArrivalMs: Date().timeIntervalSince1970 * 1000 - Double(alert.createdAt))
            }
        }
        let sender = PingSender(app: app, address: "127.0.0.1:\(port)", token: token, clients: clients, heard: heard)
        var phases: [Phase] = []
        var next = 0
        let rest = world.stream.count - loads.reduce(0) { $0 + Int(Double($1) * pacedSeconds) }
        // the offered loads and the first half of the rest over WebSockets, the second half by POST
        let plan: [(String, Int?)] = loads.map { ("socket", $0) } + [("socket", nil), ("post", nil)]
        for (transport, load) in plan {
            let count = min(world.stream.count - next,
                            load.map { Int(Double($0) * pacedSeconds) } ?? (transport == "socket" ? max(0, rest / 2) : world.stream.count - next))
            guard count > 0 else { continue }
            let slice = world.stream[next..<next + count]
            next += count
            let before = heard.count
            let stored = StoredTimes(capacity: count)
            let started = DispatchTime.now().uptimeNanoseconds
            let seconds = transport == "socket" ? try await sender.stream(slice, offered: load, batch: batch, stored: stored)
                                                : try await sender.post(slice, batch: batch)
            try await Task.sleep(for: .milliseconds(300)) // the last alerts on their way
            let latencies = heard.latencies(from: before)
            var phase = Phase(transport: transport, offered: load, pings: count, pingsPerSecond: Double(count) / seconds,
                              alerts: heard.count - before, latencyMs: Self.percentiles(latencies),
                              storedMs: Self.percentiles(stored.values),
                              fromArrivalMs: Self.percentiles(heard.sinceArrival(from: before)))
            if let load, pacedSeconds >= 120 {
                phase.fromArrivalP99ByMinute = heard.sinceArrivalByMinute(from: before, since: started).map { Self.percentiles($0)["p99"] ?? 0 }
                let values = stored.values, perMinute = load * 60
                phase.storedP99ByMinute = stride(from: 0, to: values.count, by: perMinute).map {
                    Self.percentiles(Array(values[$0..<min(values.count, $0 + perMinute)]))["p99"] ?? 0
                }
            }
            phases.append(phase)
        }
        listener.cancel()
        app.monitoring.unsubscribeAll()
        return (phases, heard.keys, setup)
    }

    /// `history` pings of the world's devices, one a minute per device, ending a month before the stream.
    private func storeHistory(_ app: Application, world: MonitoringWorld, caseOfDevice: [String: UUID]) async throws {
        guard history > 0, let first = world.stream.first?.ping.at else { return }
        let devices = caseOfDevice.keys.sorted()
        guard !devices.isEmpty else { return }
        let perDevice = (history + devices.count - 1) / devices.count
        let start = first.epochMilliseconds - 30 * 86_400_000 - Int64(perDevice) * 60_000
        let store = MonitoringStore(db: app.db, track: app.monitoring.track)
        for from in stride(from: 0, to: history, by: 10_000) {
            let pings = (from..<min(history, from + 10_000)).map { i in
                let device = devices[i % devices.count]
                return StoredPing(caseID: caseOfDevice[device]!, ping: Ping(
                    device: device, at: ZonedDateTime(epochMilliseconds: start + Int64(i / devices.count) * 60_000, offsetSeconds: 18_000),
                    lat: 43.2 + Double(i % 997) / 1e4, lon: 76.9 + Double(i % 991) / 1e4, accuracy: 8))
            }
            // received when sent: a month before the stream, so on a SQLite file the journal's
            // runs of the history are due to move into the track while the stream comes in, as
            // older runs are in a deployment that has run for a while
            try await store.save(pings: pings, alerts: [], breaches: [], by: "bench",
                                 receivedAt: pings[pings.count - 1].at.epochMilliseconds)
        }
    }

    static func percentiles(_ values: [Double]) -> [String: Double] {
        let sorted = values.sorted()
        func at(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return ["median": at(0.5), "p99": at(0.99), "p99.9": at(0.999), "max": sorted.last ?? 0]
    }
}

/// Sends a part of the stream through the API, each case's pings from one client, in order.
/// Over WebSockets, at an offered load each client sends what falls due every 10 ms without
/// waiting for answers, the clients in turn (with 4 clients, a message every 2.5 ms, as from
/// gateways that do not share a clock). A ping is due at its place in the stream divided by the
/// load, and its alert is timed from then, so a server that falls behind is charged for the wait.
/// At full speed batches go back to back. By POST, each client waits for each answer.
struct PingSender: Sendable {
    let app: Application
    let address: String
    let token: String
    let clients: Int
    let heard: HeardAlerts

    /// A message: the keys of its pings (`MonitoringBenchmark.pingKey`) and its JSON.
    typealias Request = (keys: [String], body: String)

    /// Each client's messages, made before the clock starts: the client's JSON is not the server's cost.
    func requests(_ slice: ArraySlice<(caseIndex: Int, ping: Ping)>, chunk: Int) throws -> [[Request]] {
        let encoder = JSONEncoder()
        return try (0..<clients).map { client in
            let pings = slice.filter { $0.caseIndex % clients == client }.map(\.ping)
            return try stride(from: 0, to: pings.count, by: chunk).map { start in
                let part = Array(pings[start..<min(start + chunk, pings.count)])
                return (part.map { MonitoringBenchmark.pingKey($0.device, $0.at.epochMilliseconds) },
                        String(decoding: try encoder.encode(["pings": part]), as: UTF8.self))
            }
        }
    }

    func stream(_ slice: ArraySlice<(caseIndex: Int, ping: Ping)>, offered: Int?, batch: Int, stored: StoredTimes) async throws -> Double {
        let tick = 0.010
        let chunk = offered.map { max(1, Int((Double($0) * tick / Double(clients)).rounded())) } ?? batch
        let requests = try requests(slice, chunk: chunk)
        let headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        let started = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (client, requests) in requests.enumerated() {
                group.addTask {
                    let (answers, answered) = AsyncStream<String>.makeStream()
                    let upgraded = app.eventLoopGroup.any().makePromise(of: WebSocket.self)
                    try await WebSocket.connect(to: "ws://\(address)/api/v1/monitoring/pings/socket", headers: headers,
                                                configuration: .init(maxFrameSize: PingSocket.maxMessageBytes), on: app.eventLoopGroup) { ws in
                        ws.onText { _, text in answered.yield(text) }
                        upgraded.succeed(ws)
                    }.get()
                    let ws = try await upgraded.futureResult.get()
                    let dueTimes = StoredTimes(capacity: requests.count)
                    let reader = Task {
                        var accepted = 0, count = 0
                        for await text in answers {
                            let now = DispatchTime.now().uptimeNanoseconds
                            let answer = try JSONDecoder().decode(IngestResponse.self, from: Data(text.utf8))
                            if let due = dueTimes.value(count) { stored.add(Double(now - min(now, UInt64(due))) / 1e6, times: requests[count].keys.count) }
                            accepted += answer.accepted
                            count += 1
                            if count == requests.count { break }
                        }
                        return accepted
                    }
                    for (k, request) in requests.enumerated() {
                        var due = DispatchTime.now().uptimeNanoseconds
                        if let offered { // the clients take turns: message k of client c is the stream's (k × clients + c)th
                            due = started + UInt64(Double((k * clients + client) * chunk) / Double(offered) * 1e9)
                            let now = DispatchTime.now().uptimeNanoseconds
                            if due > now { try await Task.sleep(nanoseconds: due - now) }
                        }
                        for key in request.keys { heard.sent(key, at: due) }
                        dueTimes.add(Double(due), times: 1)
                        try await ws.send(request.body)
                    }
                    let accepted = try await reader.value
                    try await ws.close()
                    let sent = requests.reduce(0) { $0 + $1.keys.count }
                    guard accepted == sent else { throw ConfigurationError("the server took \(accepted) of \(sent) pings") }
                }
            }
            try await group.waitForAll()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    func post(_ slice: ArraySlice<(caseIndex: Int, ping: Ping)>, batch: Int) async throws -> Double {
        let requests = try requests(slice, chunk: batch)
        let url = URI(string: "http://\(address)/api/v1/monitoring/pings")
        let started = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            for requests in requests {
                group.addTask {
                    for request in requests {
                        for key in request.keys { heard.sent(key, at: DispatchTime.now().uptimeNanoseconds) }
                        let response = try await app.client.post(url, headers: ["Content-Type": "application/json",
                                                                                "Authorization": "Bearer \(token)"]) {
                            $0.body = ByteBuffer(string: request.body)
                        }
                        guard response.status == .ok else { throw ConfigurationError("ingest answered \(response.status)") }
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }
}

/// Numbers gathered from several tasks: latencies, or each message's due time in order.
final class StoredTimes: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [Double] = []
    /// `capacity`: room made before the clock starts (see `HeardAlerts.init`).
    init(capacity: Int = 0) { all.reserveCapacity(capacity) }
    func add(_ value: Double, times: Int) { lock.withLock { all.append(contentsOf: repeatElement(value, count: times)) } }
    func value(_ index: Int) -> Double? { lock.withLock { all.indices.contains(index) ? all[index] : nil } }
    var values: [Double] { lock.withLock { all } }
}

/// When each ping was due, and each alert as it reached the subscriber with its latency.
final class HeardAlerts: @unchecked Sendable {
    private let lock = NSLock()
    private var due: [String: UInt64] = [:]
    private var heard: [(key: String, latencyMs: Double, sinceArrivalMs: Double, at: UInt64)] = []

    /// Room for every ping's due time made before the clock starts: grown on the way, the table
    /// would be copied and rehashed under the lock (at millions of pings, seconds in which the
    /// senders and the listener wait, charged to the server as late alerts).
    init(pings: Int) { due.reserveCapacity(pings) }

    func sent(_ key: String, at time: UInt64) { lock.withLock { due[key] = time } }

    func arrived(kind: String, ping: String, at time: UInt64, sinceArrivalMs: Double) {
        lock.withLock {
            let latency = due[ping].map { Double(time - min(time, $0)) / 1e6 } ?? .nan
            heard.append((kind + "|" + ping, latency, sinceArrivalMs, time))
        }
    }

    func sinceArrival(from start: Int) -> [Double] { lock.withLock { heard[start...].map(\.sinceArrivalMs).filter { !$0.isNaN } } }

    /// `sinceArrival` of the alerts heard in each minute after `since` (uptime nanoseconds).
    func sinceArrivalByMinute(from start: Int, since: UInt64) -> [[Double]] {
        lock.withLock {
            var minutes: [[Double]] = []
            for alert in heard[start...] where !alert.sinceArrivalMs.isNaN {
                let minute = Int((alert.at - min(alert.at, since)) / 60_000_000_000)
                while minutes.count <= minute { minutes.append([]) }
                minutes[minute].append(alert.sinceArrivalMs)
            }
            return minutes
        }
    }

    var count: Int { lock.withLock { heard.count } }
    var keys: [String] { lock.withLock { heard.map(\.key) } }
    func latencies(from start: Int) -> [Double] { lock.withLock { heard[start...].map(\.latencyMs).filter { !$0.isNaN } } }
}
