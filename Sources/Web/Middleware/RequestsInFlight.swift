import NIOConcurrencyHelpers
import Vapor

/// The requests being answered, waited for at shutdown before the databases close. Vapor shuts
/// Fluent's databases in a lifecycle handler, before it stops the HTTP server and while requests
/// may still be running; a request that then reached `req.db` (Fluent's force-unwrap) crashed the
/// process. Registered after the databases, this handler shuts down before them: it refuses new
/// requests (503) and waits, up to `patience`, for those inside to finish. A streamed body (the
/// alert stream) is not waited for here: `AlertStreams` ends it.
final class RequestsInFlight: AsyncMiddleware, LifecycleHandler, Sendable {
    private struct State {
        var closing = false
        var open = 0
    }

    private let state = NIOLockedValueBox(State())
    let patience: Duration

    init(patience: Duration = .seconds(10)) { self.patience = patience }

    /// Requests inside now.
    var open: Int { state.withLockedValue { $0.open } }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let admitted = state.withLockedValue { state -> Bool in
            guard !state.closing else { return false }
            state.open += 1
            return true
        }
        guard admitted else { throw Abort(.serviceUnavailable, reason: "the server is shutting down: send the request again shortly") }
        defer { state.withLockedValue { $0.open -= 1 } }
        return try await next.respond(to: request)
    }

    func shutdown(_ application: Application) { state.withLockedValue { $0.closing = true } }

    func shutdownAsync(_ application: Application) async {
        shutdown(application)
        let deadline = ContinuousClock.now + patience
        while open > 0, ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(10)) } catch { return } // a shutdown told to hurry
        }
    }
}
