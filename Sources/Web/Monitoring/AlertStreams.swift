import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The alert streams open on this instance, closed before the application's databases and storage
/// go at shutdown. A stream identifies its listener again before every event; once the databases
/// are gone that would crash (Fluent's `req.db` is a force-unwrap), so shutdown first tells the
/// streams to stop, ends their subscriptions and waits, briefly, until every one has left.
final class AlertStreams: LifecycleHandler, Sendable {
    private struct State {
        var closing = false
        var open = 0
    }

    private let state = NIOLockedValueBox(State())
    /// How long shutdown waits for the streams to leave.
    let patience: Duration

    init(patience: Duration = .seconds(5)) { self.patience = patience }

    /// Once true, a stream touches neither the request's databases nor the application's storage.
    var isClosing: Bool { state.withLockedValue { $0.closing } }

    /// A stream begins: false when the application is closing and the stream must end at once.
    func enter() -> Bool {
        state.withLockedValue { state in
            guard !state.closing else { return false }
            state.open += 1
            return true
        }
    }

    /// A stream has left: it uses nothing of the application any more.
    func leave() { state.withLockedValue { $0.open -= 1 } }

    /// Without waiting (an application shut down from a synchronous context).
    func shutdown(_ application: Application) {
        state.withLockedValue { $0.closing = true }
        application.storage[MonitoringHubKey.self]?.unsubscribeAll()
    }

    func shutdownAsync(_ application: Application) async {
        shutdown(application)
        let deadline = ContinuousClock.now + patience
        while state.withLockedValue({ $0.open }) > 0, ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(10)) } catch { return } // a shutdown told to hurry
        }
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
