import NIOConcurrencyHelpers

/// Work the application waits for at shutdown before its databases close: each piece enters and
/// leaves; once the gate closes nothing more enters, and `closeAndWait` returns when all have left
/// or `patience` has run out.
final class ShutdownGate: Sendable {
    private struct State {
        var closing = false
        var open = 0
    }

    private let state = NIOLockedValueBox(State())
    let patience: Duration

    init(patience: Duration) { self.patience = patience }

    var isClosing: Bool { state.withLockedValue { $0.closing } }
    /// How many are inside now.
    var open: Int { state.withLockedValue { $0.open } }

    /// False once the gate is closed: the work must not start.
    func enter() -> Bool {
        state.withLockedValue { state in
            guard !state.closing else { return false }
            state.open += 1
            return true
        }
    }

    func leave() { state.withLockedValue { $0.open -= 1 } }

    func close() { state.withLockedValue { $0.closing = true } }

    func closeAndWait() async {
        close()
        let deadline = ContinuousClock.now + patience
        while open > 0, ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(10)) } catch { return } // a shutdown told to hurry
        }
    }
}
