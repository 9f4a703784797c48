import Domain
import Foundation
import Store

/// What officers hear of an alert as it happens: raised, escalated, acknowledged or handed over.
/// A domain value from the engine to the stream: the HTTP shape is made only at the stream's edge,
/// and other instances receive it as it is (`ClusterMessage`).
public struct AlertNews: Sendable {
    public var kind: AlertEvent.Kind
    public var alert: StoredAlert
    /// Where the person who raised it was (a victim's panic alert, when her phone shared it).
    public var position: StoredPing?
    /// The alert event's id: a reconnecting stream resumes after it.
    public var eventID: UUID?

    public init(kind: AlertEvent.Kind, alert: StoredAlert, position: StoredPing? = nil, eventID: UUID?) {
        self.kind = kind; self.alert = alert; self.position = position; self.eventID = eventID
    }

    /// An alert just raised.
    public static func raised(_ alert: StoredAlert, position: StoredPing? = nil) -> AlertNews {
        AlertNews(kind: .raised, alert: alert, position: position, eventID: AlertEvent.raisedID(of: alert))
    }

    /// A stored event of an alert.
    public init(_ event: AlertEvent, alert: StoredAlert, position: StoredPing? = nil) {
        self.init(kind: event.kind, alert: alert, position: position, eventID: event.id)
    }
}

/// The alert streams of this instance: each listener hears the news of the cases its scope
/// allows, as the scope stands (a grant withdrawn, a case moved to another unit). Told under a
/// lock, not through an actor: the ping pipeline publishes with no hop and no suspension.
public final class AlertBus: @unchecked Sendable {
    struct Subscriber {
        var scope: CaseScope
        var continuation: AsyncStream<AlertNews>.Continuation
    }

    private let lock = NSLock()
    private var subscribers: [UUID: Subscriber] = [:]

    public init() {}

    /// How many streams are listening (for tests that must wait until one is).
    public var subscriberCount: Int { lock.withLock { subscribers.count } }

    /// The news of the cases in `scope`, as it happens.
    public func subscribe(scope: CaseScope) -> (UUID, AsyncStream<AlertNews>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<AlertNews>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        lock.withLock { subscribers[id] = Subscriber(scope: scope, continuation: continuation) }
        continuation.onTermination = { [weak self] _ in self?.unsubscribe(id) }
        return (id, stream)
    }

    /// Ends a subscription: its stream finishes (outside the lock: finishing calls `onTermination`).
    public func unsubscribe(_ id: UUID) {
        lock.withLock { subscribers.removeValue(forKey: id) }?.continuation.finish()
    }

    /// A subscriber's scope as it stands now.
    public func rescope(_ id: UUID, to scope: CaseScope) { lock.withLock { subscribers[id]?.scope = scope } }

    /// Ends every subscription (at shutdown, and after a benchmark).
    public func unsubscribeAll() {
        let all = lock.withLock { () -> [Subscriber] in
            defer { subscribers = [:] }
            return Array(subscribers.values)
        }
        for subscriber in all { subscriber.continuation.finish() }
    }

    /// To every listener whose scope allows the case (of `unit`). Told by the hub alone, from its
    /// actor, so that news reach each listener in the order they happened.
    func publish(_ news: AlertNews, unit: String?) {
        let listening = lock.withLock { subscribers.values.filter { $0.scope.allows(news.alert.caseID, unit: unit) } }
        for subscriber in listening { subscriber.continuation.yield(news) }
    }
}
