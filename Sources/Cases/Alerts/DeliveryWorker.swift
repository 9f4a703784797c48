import Domain
import Fluent
import Foundation
import Store

/// Writes the messages of an alert's event: whatever the recipient's channel, language and role.
public protocol DeliveryTexts: Sendable {
    func message(for delivery: Delivery, context: DeliveryContext) -> OutgoingMessage
    func message(for delivery: Delivery, notice: NoticeContext) -> OutgoingMessage
}

/// Sends the outbox: routes new alert events to their deliveries, takes the deliveries that
/// are due under a lease, hands each to its channel and keeps the outcome, trying a failed one
/// again with exponential back-off. Woken at once when this instance stored an alert, and every
/// `pollInterval` for what other instances or a lease run out left.
public actor DeliveryWorker {
    public struct Settings: Sendable {
        public var maxAttempts = 8
        /// A delivery taken and not finished within this is taken again (the worker died).
        public var leaseMilliseconds: Int64 = 60_000
        public var pollInterval: Duration = .milliseconds(500)
        /// Deliveries taken at once.
        public var batch = 128
        /// Batches being sent at once.
        public var inFlight = 3
        /// How often the audit log is read for news of the victims' cases.
        public var noticeInterval: Duration = .milliseconds(250)
        /// How often the orders are looked through for those about to end, and how near their end.
        public var expiringCheckInterval: Duration = .seconds(600)
        public var expiringWithin: Int64 = 3 * 86_400_000
        public init() {}
    }

    let db: any Database
    let routing: AlertRouting
    let senders: [DeliveryChannel: any DeliverySender]
    let texts: any DeliveryTexts
    let settings: Settings
    let owner: String
    let clock: @Sendable () -> Date
    let onError: @Sendable (String) -> Void
    private var wakeUp: CheckedContinuation<Void, Never>?
    private var woken = false

    public init(db: any Database, routing: AlertRouting, senders: [DeliveryChannel: any DeliverySender], texts: any DeliveryTexts,
                settings: Settings = Settings(), owner: String = UUID().apiString,
                clock: @escaping @Sendable () -> Date = Date.init, onError: @escaping @Sendable (String) -> Void = { _ in }) {
        self.db = db; self.routing = routing; self.senders = senders; self.texts = texts; self.settings = settings
        self.owner = owner; self.clock = clock; self.onError = onError
    }

    /// There is new work (an alert stored here): the loop runs now instead of at its next poll.
    public func wake() {
        if let wakeUp { self.wakeUp = nil; wakeUp.resume() } else { woken = true }
    }

    /// Runs until the task is cancelled. While one batch is being sent, the next is routed and
    /// taken (up to `inFlight` batches at once): the database's work and the peers' answers overlap,
    /// and a slow peer holds only its own batch, never the routing of what comes next.
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do {
                    if sending >= settings.inFlight { await sleep(); continue } // a batch that ends wakes the loop
                    let batch = try await prepare()
                    if batch.due.isEmpty {
                        if batch.routed > 0 { continue }
                        await sleep()
                        continue
                    }
                    sending += 1
                    group.addTask { [self] in
                        do { try await self.deliver(batch) } catch { self.onError("delivery worker: \(type(of: error))") }
                        await self.sent()
                    }
                } catch {
                    onError("delivery worker: \(type(of: error))")
                    await sleep()
                }
            }
        }
    }

    /// Batches being sent now.
    private var sending = 0

    private func sent() {
        sending -= 1
        wake()
    }

    private func sleep() async {
        if woken { woken = false; return }
        let interval = settings.pollInterval
        let timer = Task { [weak self] in
            try? await Task.sleep(for: interval)
            await self?.wake()
        }
        await withCheckedContinuation { wakeUp = $0 }
        timer.cancel()
    }

    /// Routes some of what is new and sends one batch of what is due; returns how much it did
    /// (0 when there is nothing left to do).
    @discardableResult
    public func runOnce() async throws -> Int {
        let batch = try await prepare(collectingNow: true)
        try await deliver(batch)
        return batch.routed + batch.due.count
    }

    struct Batch: Sendable {
        var routed: Int
        var due: [Delivery]
        var contexts: [UUID: DeliveryContext]
        var notices: [UUID: NoticeContext]
    }

    private var noticesReadAt: ContinuousClock.Instant?
    private var expiringReadAt: ContinuousClock.Instant?

    /// Makes the notices of what changed since the last read, and of orders about to end, when
    /// it is time to look (`now`: look for what changed at once).
    private func collectNotices(now force: Bool) async throws -> Int {
        let store = NoticeStore(db: db), clock = ContinuousClock(), now = clock.now
        var made = 0
        if force || noticesReadAt.map({ now - $0 >= settings.noticeInterval }) ?? true {
            noticesReadAt = now
            made += try await store.collect(now: self.now())
        }
        if expiringReadAt.map({ now - $0 >= settings.expiringCheckInterval }) ?? true {
            expiringReadAt = now
            made += try await store.collectExpiring(now: self.now(), window: settings.expiringWithin)
        }
        return made
    }

    /// Routes a few new events, then takes what is due: under a burst the first messages go out
    /// while the rest are still being routed.
    private func prepare(collectingNow: Bool = false) async throws -> Batch {
        let store = DeliveryStore(db: db)
        let routing = self.routing
        var routed = try await store.route(limit: settings.batch / 2, now: now(), plan: { routing.plan($0, $1, $2) })
        let notices = NoticeStore(db: db)
        routed += try await collectNotices(now: collectingNow)
        routed += try await notices.route(limit: settings.batch / 4, now: now(), plan: { routing.plan($0, $1) })
        let due = try await store.claim(owner: owner, limit: settings.batch, now: now(), lease: settings.leaseMilliseconds)
        guard !due.isEmpty else { return Batch(routed: routed, due: [], contexts: [:], notices: [:]) }
        return Batch(routed: routed, due: due, contexts: try await store.contexts(of: due), notices: try await notices.contexts(of: due))
    }

    /// Hands a batch to its channels, all at once, and keeps what became of each.
    private nonisolated func deliver(_ batch: Batch) async throws {
        guard !batch.due.isEmpty else { return }
        let results = await withTaskGroup(of: (Delivery, DeliveryResult).self) { group in
            for delivery in batch.due {
                group.addTask { [senders, texts] in
                    guard let sender = senders[delivery.planned.channel] else { return (delivery, .permanent("the channel is not configured")) }
                    if let context = batch.contexts[delivery.eventID] {
                        return (delivery, await sender.send(texts.message(for: delivery, context: context)))
                    }
                    guard let notice = batch.notices[delivery.eventID] else { return (delivery, .permanent("the alert is gone")) }
                    return (delivery, await sender.send(texts.message(for: delivery, notice: notice)))
                }
            }
            var results: [(Delivery, DeliveryResult)] = []
            for await result in group { results.append(result) }
            return results
        }
        try await DeliveryStore(db: db).finish(results.map { ($0, outcome(of: $0, $1)) }, owner: owner, now: now())
    }

    /// A temporary failure is tried again after 1, 2, 4 … seconds (at most 5 minutes, a fifth
    /// of it random so that many do not come back at once) until the last attempt.
    nonisolated func outcome(of delivery: Delivery, _ result: DeliveryResult) -> DeliveryOutcome {
        switch result {
        case .sent: return .sent
        case .permanent(let error): return .failed(error: error)
        case .temporary(let error):
            guard delivery.attempts < settings.maxAttempts else {
                return .failed(error: "\(error); gave up after \(delivery.attempts) attempts")
            }
            let delay = min(300_000, 1000 << min(delivery.attempts - 1, 20))
            return .retry(at: now() + Int64(delay + Int.random(in: 0...delay / 5)), error: error)
        }
    }

    private nonisolated func now() -> Int64 { Int64((clock().timeIntervalSince1970 * 1000).rounded()) }
}
