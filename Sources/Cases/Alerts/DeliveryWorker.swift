import Fluent
import Foundation
import Store

/// Writes the messages of an alert's event: whatever the recipient's channel, language and role.
public protocol DeliveryTexts: Sendable {
    func message(for delivery: Delivery, context: DeliveryContext) -> OutgoingMessage
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
        /// Deliveries sent at once.
        public var batch = 64
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
                settings: Settings = Settings(), owner: String = UUID().uuidString.lowercased(),
                clock: @escaping @Sendable () -> Date = Date.init, onError: @escaping @Sendable (String) -> Void = { _ in }) {
        self.db = db; self.routing = routing; self.senders = senders; self.texts = texts; self.settings = settings
        self.owner = owner; self.clock = clock; self.onError = onError
    }

    /// There is new work (an alert stored here): the loop runs now instead of at its next poll.
    public func wake() {
        if let wakeUp { self.wakeUp = nil; wakeUp.resume() } else { woken = true }
    }

    /// Runs until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                while try await runOnce() > 0, !Task.isCancelled {}
            } catch {
                onError("delivery worker: \(type(of: error))")
            }
            await sleep()
        }
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

    /// Routes what is new and sends one batch of what is due; returns how much it did.
    @discardableResult
    public func runOnce() async throws -> Int {
        let store = DeliveryStore(db: db)
        let routing = self.routing
        var done = 0
        while true { // every new event routed, a hundred at a time
            let routed = try await store.route(now: now(), plan: { routing.plan($0, $1, $2) })
            guard routed > 0 else { break }
            done += routed
        }
        let due = try await store.claim(owner: owner, limit: settings.batch, now: now(), lease: settings.leaseMilliseconds)
        guard !due.isEmpty else { return done }
        let contexts = try await store.contexts(of: due)
        let results = await withTaskGroup(of: (Delivery, DeliveryResult).self) { group in
            for delivery in due {
                group.addTask { [senders, texts] in
                    guard let sender = senders[delivery.planned.channel] else { return (delivery, .permanent("the channel is not configured")) }
                    guard let context = contexts[delivery.eventID] else { return (delivery, .permanent("the alert is gone")) }
                    return (delivery, await sender.send(texts.message(for: delivery, context: context)))
                }
            }
            var results: [(Delivery, DeliveryResult)] = []
            for await result in group { results.append(result) }
            return results
        }
        for (delivery, result) in results {
            try await store.finish(delivery, owner: owner, outcome: outcome(of: delivery, result), now: now())
        }
        return done + due.count
    }

    /// A temporary failure is tried again after 1, 2, 4 … seconds (at most 5 minutes, a fifth
    /// of it random so that many do not come back at once) until the last attempt.
    func outcome(of delivery: Delivery, _ result: DeliveryResult) -> DeliveryOutcome {
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

    private func now() -> Int64 { Int64((clock().timeIntervalSince1970 * 1000).rounded()) }
}
