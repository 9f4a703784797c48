import Cases
import Crypto
import Domain
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Store
import Vapor
import Web

/// `qorgau bench alerts`: panic alerts raised at a steady rate (1,000 a second by default), each
/// told to its case's officer by SMS and Web Push and to the duty centre's webhook, all three
/// against fake peers on loopback. Measured: from the alert stored to the first of its messages
/// received by a peer, p50/p99; the outbox's throughput; and the same alerts sent inline in the
/// request that stores them, the peer, in the same run. Then the crash: the outbox's sender, a
/// child process, is killed with SIGKILL mid-send and started again; the peers (which, like a
/// peer honouring `Idempotency-Key`, act on a key once) count what arrived, what came twice, what
/// never came.
public struct AlertsBenchmark: Sendable {
    public var database: DatabaseLocation
    public var rate: Int
    public var seconds: Int
    public var crashAlerts: Int
    /// Starts the child process that sends the outbox (the CLI runs itself with `--sender`); nil
    /// leaves the crash out.
    public var spawnSender: (@Sendable (SenderSpec) throws -> Process)?

    public init(database: DatabaseLocation, rate: Int = 1000, seconds: Int = 5, crashAlerts: Int = 2000,
                spawnSender: (@Sendable (SenderSpec) throws -> Process)? = nil) {
        self.database = database; self.rate = rate; self.seconds = seconds; self.crashAlerts = crashAlerts; self.spawnSender = spawnSender
    }

    /// What a sender process needs to send this benchmark's outbox as the benchmark would.
    public struct SenderSpec: Sendable, Codable {
        public var database: String
        public var peer: String
        public var pushKey: String
    }

    public struct Latency: Sendable, Codable {
        public var p50ms: Double
        public var p99ms: Double
        public var maxms: Double
    }

    public struct Run: Sendable, Codable {
        public var alerts: Int
        public var deliveries: Int
        /// From the alert stored to the first of its messages at a peer.
        public var firstDelivery: Latency
        /// The request that stores a group of alerts (and, inline, sends them).
        public var request: Latency
        /// Messages received by the peers a second, from the first alert stored to the last message.
        public var deliveriesPerSecond: Double
        public var lost: Int
        public var repeats: Int
    }

    public struct Crash: Sendable, Codable {
        public var alerts: Int
        public var expected: Int
        public var receivedBeforeKill: Int
        public var distinctAtPeers: Int
        /// Messages that arrived again with a key already seen (dropped by the peers).
        public var repeats: Int
        public var lost: Int
        public var seconds: Double
    }

    public struct Result: Sendable, Codable {
        public var database: String
        public var rate: Int
        public var outbox: Run
        public var inline: Run
        public var crash: Crash?
    }

    static let secret = "bench-duty-centre-shared-secret"

    public func run() async throws -> Result {
        let peers = try await BenchPeers.start()
        do {
            let pushKey = P256.Signing.PrivateKey()
            let result = try await IngestBenchmark.withApplication { app in
                try await configure(app, Self.config(database, peer: peers.url, pushKey: pushKey, migrate: true))
                let world = try await World.make(app, units: 20)
                let outbox = try await outboxRun(app, world, peers)
                peers.reset()
                var crash: Crash?
                if let spawnSender { // before the inline run, whose alerts' events stay in the outbox unsent
                    let spec = SenderSpec(database: Self.text(of: database), peer: peers.url, pushKey: pushKey.rawRepresentation.base64EncodedString())
                    crash = try await crashRun(app, world, peers, spawn: { try spawnSender(spec) })
                    peers.reset()
                }
                let inline = try await inlineRun(app, world, peers)
                return Result(database: database.redacted, rate: rate, outbox: outbox, inline: inline, crash: crash)
            }
            await peers.stop()
            return result
        } catch {
            await peers.stop()
            throw error
        }
    }

    /// The settings of the benchmark's server and of its sender process: three channels to the peers.
    static func config(_ database: DatabaseLocation, peer: String, pushKey: P256.Signing.PrivateKey, migrate: Bool) throws -> AppConfig {
        var config = AppConfig(host: "127.0.0.1", port: 0, database: database, migrate: migrate, logLevel: .warning)
        config.bcryptCost = 4
        config.alertChannels = try AlertChannelSettings.fromEnvironment([
            "QORGAU_WEBHOOK_URL": peer + "/duty", "QORGAU_WEBHOOK_SECRET": secret, "QORGAU_SMS_URL": peer + "/sms",
            "QORGAU_PUSH_SUBJECT": "mailto:bench@qorgau.example", "QORGAU_PUSH_SERVICES": peer, "QORGAU_DELIVERY_POLL_MS": "0",
        ])
        config.pushKey = pushKey
        return config
    }

    /// The sender process: sends the outbox of `spec.database` until it is killed.
    public static func runSender(_ spec: SenderSpec) async throws {
        let database: DatabaseLocation = spec.database.hasPrefix("sqlite:") ? .sqliteFile(String(spec.database.dropFirst(7)))
                                                                             : .postgres(spec.database)
        let key = try PushKey.parse(spec.pushKey, source: "the push key")
        try await IngestBenchmark.withApplication { app in
            try await configure(app, config(database, peer: spec.peer, pushKey: key, migrate: false))
            var settings = DeliveryWorker.Settings()
            settings.pollInterval = .milliseconds(20)
            settings.leaseMilliseconds = 1500
            await app.makeDeliveryWorker(settings: settings).run()
        }
    }

    /// The cases (one a unit), each with an officer who chose SMS and Web Push on one device.
    struct World {
        var cases: [(id: UUID, number: String, unit: String)]
        var officers: [UUID: UUID] // case → officer

        static func make(_ app: Application, units: Int) async throws -> World {
            var world = World(cases: [], officers: [:])
            for n in 0..<units {
                let unit = "Unit \(n)"
                let number = String(format: "AL-%04d", n)
                let file = CaseFile(jurisdiction: "KZ", case: CaseHeader(number: number, openedAt: ZonedDateTime(epochMilliseconds: nowMilliseconds(), offsetSeconds: 18_000), unit: unit),
                                    persons: [Person(id: "v", role: .victim, name: "Victim \(n)"), Person(id: "r", role: .respondent, name: "Respondent \(n)")])
                let caseID = try await CaseFileStore(db: app.db).importCaseFiles([file], by: .commandLine)[0]
                let officer = try await UserStore(db: app.db).create(username: "officer\(n)", displayName: "Officer \(n)", role: .officer,
                                                                     unit: unit, passwordHash: "-", mustChangePassword: false)
                try await ContactStore(db: app.db).save(Contact(userID: officer.id, language: n % 2 == 0 ? "ru" : "kk",
                                                                phone: String(format: "+770100%05d", n), channels: [.sms, .push]), now: nowMilliseconds())
                let browser = P256.KeyAgreement.PrivateKey()
                _ = try await PushSubscriptionStore(db: app.db).subscribe(PushSubscription(
                    userID: officer.id, endpoint: "\(app.qorgauConfig.alertChannels.push!.services[0])/push/\(n)",
                    p256dh: browser.publicKey.x963Representation.base64URLEncoded, auth: WebPushEncryption.randomBytes(16).base64URLEncoded,
                    label: nil, createdAt: nowMilliseconds()))
                world.cases.append((caseID, number, unit))
                world.officers[caseID] = officer.id
            }
            return world
        }

        func alert(_ n: Int) -> StoredAlert {
            let kase = cases[n % cases.count]
            let now = nowMilliseconds()
            return StoredAlert(caseID: kase.id, alert: Alert(kind: .panic, device: "phone-v", at: ZonedDateTime(epochMilliseconds: now, offsetSeconds: 18_000)),
                               createdAt: now)
        }
    }

    /// Raises `rate` alerts a second for `seconds`, a group every 10 ms (as a batch of pings
    /// raises them); `handle` is the request's work for a group after it is stored.
    private func raise(_ app: Application, _ world: World, count: Int? = nil, paced: Bool = true,
                       handle: @escaping @Sendable ([StoredAlert]) async throws -> Void) async throws -> (alerts: [StoredAlert], requests: [Double]) {
        let total = count ?? rate * seconds
        let perGroup = max(1, rate / 100)
        let store = MonitoringStore(db: app.db, track: app.track) // as the ping pipeline stores them
        let started = DispatchTime.now().uptimeNanoseconds
        let requests = NIOLockedValueBox<[Double]>([])
        var raised: [StoredAlert] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            var n = 0, tick = 0
            while n < total {
                if paced {
                    let due = started + UInt64(tick) * 10_000_000
                    let now = DispatchTime.now().uptimeNanoseconds
                    if due > now { try await Task.sleep(nanoseconds: due - now) }
                }
                let alerts = (n..<min(total, n + perGroup)).map(world.alert)
                raised += alerts
                n += alerts.count; tick += 1
                group.addTask {
                    let begun = DispatchTime.now().uptimeNanoseconds
                    try await store.save(pings: [], alerts: alerts, breaches: [], by: "bench")
                    try await handle(alerts)
                    requests.withLockedValue { $0.append(Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e6) }
                }
            }
            try await group.waitForAll()
        }
        return (raised, requests.withLockedValue { $0 })
    }

    private func outboxRun(_ app: Application, _ world: World, _ peers: BenchPeers) async throws -> Run {
        var settings = DeliveryWorker.Settings()
        settings.pollInterval = .milliseconds(20)
        let worker = app.makeDeliveryWorker(settings: settings)
        let sending = Task { await worker.run() }
        let (alerts, requests) = try await raise(app, world) { _ in await worker.wake() }
        let expected = alerts.count * 3
        try await peers.waitFor(expected, timeout: 120)
        sending.cancel()
        await worker.wake()
        // each alert's first message, by the keys of its deliveries
        let store = DeliveryStore(db: app.db)
        let received = peers.firstSeen
        var firsts: [Double] = []
        var last: Int64 = 0
        var deliveries: [UUID: [Delivery]] = [:]
        for start in stride(from: 0, to: alerts.count, by: 500) {
            deliveries.merge(try await store.deliveries(of: alerts[start..<min(alerts.count, start + 500)].map(\.id))) { $1 }
        }
        for alert in alerts {
            let times = (deliveries[alert.id] ?? []).compactMap { received[$0.idempotencyKey] }
            guard let first = times.min() else { continue }
            firsts.append(Double(first - alert.createdAt))
            last = max(last, times.max() ?? 0)
        }
        return Self.run(alerts, requests: requests, firsts: firsts, received: received.count, last: last, expected: expected, repeats: peers.repeats)
    }

    private func inlineRun(_ app: Application, _ world: World, _ peers: BenchPeers) async throws -> Run {
        let senders = app.makeSenders()
        let texts = app.deliveryTexts
        let keys = NIOLockedValueBox<[String: StoredAlert]>([:]) // each message's key → its alert
        let (alerts, requests) = try await raise(app, world) { alerts in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for alert in alerts {
                    let kase = world.cases.first { $0.id == alert.caseID }!
                    let event = AlertEvent.raised(alert, by: "bench")
                    let context = DeliveryContext(event: event, alert: alert, caseNumber: kase.number, unit: kase.unit, jurisdiction: "KZ")
                    let officer = world.officers[alert.caseID]!.apiString
                    let planned = [PlannedDelivery(channel: .sms, recipient: officer, audience: .officer, address: "+77010000000", language: "ru"),
                                   PlannedDelivery(channel: .push, recipient: officer, audience: .officer, address: officer, language: "ru"),
                                   PlannedDelivery(channel: .webhook, recipient: PlannedDelivery.dutyCentre, audience: .dutyCentre, address: "", language: "ru")]
                    for plan in planned {
                        let delivery = Delivery(id: UUID(), eventID: event.id, alertID: alert.id, caseID: alert.caseID, planned: plan,
                                                nextAt: alert.createdAt, createdAt: alert.createdAt)
                        keys.withLockedValue { $0[delivery.idempotencyKey] = alert }
                        group.addTask { _ = await senders[plan.channel]!.send(texts.message(for: delivery, context: context)) }
                    }
                }
                try await group.waitForAll()
            }
        }
        let expected = alerts.count * 3
        try await peers.waitFor(expected, timeout: 120)
        let received = peers.firstSeen
        let sent = keys.withLockedValue { $0 }
        var byAlert: [UUID: (created: Int64, first: Int64)] = [:]
        for (key, at) in received {
            guard let alert = sent[key] else { continue }
            byAlert[alert.id] = (alert.createdAt, min(at, byAlert[alert.id]?.first ?? .max))
        }
        let firsts = byAlert.values.map { Double($0.first - $0.created) }
        let last = received.values.max() ?? 0
        return Self.run(alerts, requests: requests, firsts: firsts, received: received.count, last: last, expected: expected, repeats: peers.repeats)
    }

    private func crashRun(_ app: Application, _ world: World, _ peers: BenchPeers, spawn: () throws -> Process) async throws -> Crash {
        let (alerts, _) = try await raise(app, world, count: crashAlerts, paced: false) { _ in }
        let expected = alerts.count * 3
        let started = Date()
        var sender = try spawn()
        try await peers.waitFor(expected / 3, timeout: 120)
        kill(sender.processIdentifier, SIGKILL)
        sender.waitUntilExit()
        let beforeKill = peers.firstSeen.count
        sender = try spawn()
        try? await peers.waitFor(expected, timeout: 120)
        kill(sender.processIdentifier, SIGKILL)
        sender.waitUntilExit()
        let distinct = peers.firstSeen.count
        return Crash(alerts: alerts.count, expected: expected, receivedBeforeKill: beforeKill, distinctAtPeers: distinct,
                     repeats: peers.repeats, lost: expected - distinct, seconds: Date().timeIntervalSince(started))
    }

    /// A run's figures: messages a second from the first alert stored to the last message received.
    static func run(_ alerts: [StoredAlert], requests: [Double], firsts: [Double], received: Int, last: Int64, expected: Int,
                    repeats: Int) -> Run {
        let seconds = Double(last - (alerts.first?.createdAt ?? last)) / 1000
        return Run(alerts: alerts.count, deliveries: received, firstDelivery: latency(firsts), request: latency(requests),
                   deliveriesPerSecond: Double(received) / seconds, lost: expected - received, repeats: repeats)
    }

    /// The database as the sender process is told it.
    static func text(of database: DatabaseLocation) -> String {
        switch database {
        case .sqliteFile(let path): "sqlite:" + path
        case .postgres(let url): url
        case .sqliteMemory: "sqlite::memory:"
        }
    }

    static func latency(_ values: [Double]) -> Latency {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return Latency(p50ms: 0, p99ms: 0, maxms: 0) }
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        return Latency(p50ms: at(0.5), p99ms: at(0.99), maxms: sorted.last!)
    }
}

/// The SMS gateway, the push service and the duty centre, on loopback: each request's
/// `Idempotency-Key` is acted on once; a key seen again is counted as a repeat and dropped.
final class BenchPeers: Sendable {
    private let app: Application
    private let box: NIOLockedValueBox<(first: [String: Int64], repeats: Int)>
    let url: String

    static func start() async throws -> BenchPeers {
        let app = try await Application.make(Environment(name: "production", arguments: ["qorgau"]))
        app.logger.logLevel = .error
        app.routes.defaultMaxBodySize = "64kb"
        let box = NIOLockedValueBox<(first: [String: Int64], repeats: Int)>(([:], 0))
        app.post("**") { req -> HTTPStatus in
            let now = nowMilliseconds()
            guard let key = req.headers.first(name: "Idempotency-Key") else { return .badRequest }
            box.withLockedValue { state in
                if state.first[key] == nil { state.first[key] = now } else { state.repeats += 1 }
            }
            return req.url.path.hasPrefix("/push/") ? .created : .ok
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else { throw ConfigurationError("the peers have no port") }
        return BenchPeers(app: app, box: box, url: "http://127.0.0.1:\(port)")
    }

    private init(app: Application, box: NIOLockedValueBox<(first: [String: Int64], repeats: Int)>, url: String) {
        self.app = app; self.box = box; self.url = url
    }

    /// When each key was first received (epoch ms).
    var firstSeen: [String: Int64] { box.withLockedValue { $0.first } }
    var repeats: Int { box.withLockedValue { $0.repeats } }
    func reset() { box.withLockedValue { $0 = ([:], 0) } }

    /// Waits until `count` distinct keys arrived, or throws after `timeout` seconds.
    func waitFor(_ count: Int, timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while box.withLockedValue({ $0.first.count }) < count {
            guard Date() < deadline else {
                throw ConfigurationError("the peers received \(firstSeen.count) of \(count) messages in \(Int(timeout)) s")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}
