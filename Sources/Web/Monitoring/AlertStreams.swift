import Foundation
import Vapor

/// The alert streams open on this instance, closed before the application's databases and storage
/// go at shutdown. A stream identifies its listener again before every event; once the databases
/// are gone that would crash (Fluent's `req.db` is a force-unwrap), so shutdown first tells the
/// streams to stop, ends their subscriptions and waits, briefly, until every one has left.
final class AlertStreams: LifecycleHandler, Sendable {
    private let gate: ShutdownGate

    init(patience: Duration = .seconds(5)) { gate = ShutdownGate(patience: patience) }

    /// Once true, a stream touches neither the request's databases nor the application's storage.
    var isClosing: Bool { gate.isClosing }

    /// A stream begins: false when the application is closing and the stream must end at once.
    func enter() -> Bool { gate.enter() }

    /// A stream has left: it uses nothing of the application any more.
    func leave() { gate.leave() }

    /// Without waiting (an application shut down from a synchronous context).
    func shutdown(_ application: Application) {
        gate.close()
        application.storage[MonitoringHubKey.self]?.unsubscribeAll()
    }

    func shutdownAsync(_ application: Application) async {
        shutdown(application)
        await gate.closeAndWait()
    }
}

struct AlertStreamsKey: StorageKey { typealias Value = AlertStreams }

extension Application {
    /// Registered in `configure` after the databases, so that it shuts down before them.
    var alertStreams: AlertStreams { storage[AlertStreamsKey.self]! }

    func setUpAlertStreams() {
        let streams = AlertStreams()
        storage[AlertStreamsKey.self] = streams
        lifecycle.use(streams)
    }
}
