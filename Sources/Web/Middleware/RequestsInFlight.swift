import Vapor

/// The requests being answered, waited for at shutdown before the databases close. Vapor shuts
/// Fluent's databases in a lifecycle handler, before it stops the HTTP server and while requests
/// may still be running; a request that then reached `req.db` (Fluent's force-unwrap) crashed the
/// process. Registered after the databases, this handler shuts down before them: it refuses new
/// requests (503) and waits, up to `patience`, for those inside to finish. A streamed body (the
/// alert stream) is not waited for here: `AlertStreams` ends it.
final class RequestsInFlight: AsyncMiddleware, LifecycleHandler, Sendable {
    private let gate: ShutdownGate

    /// 30 s, a service manager's usual grace before it kills (Kubernetes' default): a request on
    /// an overloaded machine took more than the 10 s of before, and reached the application's
    /// storage after it was gone (a crash at shutdown, seen in a test run beside a CPU hog).
    init(patience: Duration = .seconds(30)) { gate = ShutdownGate(patience: patience) }

    /// Requests inside now.
    var open: Int { gate.open }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard gate.enter() else { throw Abort(.serviceUnavailable, reason: "the server is shutting down: send the request again shortly") }
        defer { gate.leave() }
        return try await next.respond(to: request)
    }

    func shutdown(_ application: Application) { gate.close() }

    func shutdownAsync(_ application: Application) async { await gate.closeAndWait() }
}
