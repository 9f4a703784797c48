import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A peer on loopback that the delivery tests send to (an SMS gateway, a duty centre's
/// webhook): it keeps every request it gets and answers with the statuses it is given, then 200.
/// Like a peer that honours idempotency keys, it counts a key seen before as a repeat.
public final class FakePeer: Sendable {
    public struct Received: Sendable {
        public var path: String
        public var headers: HTTPHeaders
        public var body: Data
        public var text: String { String(decoding: body, as: UTF8.self) }
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    typealias State = (received: [Received], answers: [HTTPStatus], delay: Duration?)
    private let app: Application
    private let box: NIOLockedValueBox<State>
    public let port: Int

    public var url: String { "http://127.0.0.1:\(port)" }

    public static func start() async throws -> FakePeer {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        let box = NIOLockedValueBox<State>(([], [], nil))
        app.post("**") { req async throws -> Response in
            let received = Received(path: req.url.path, headers: req.headers, body: req.body.data.map { Data(buffer: $0) } ?? Data())
            let (status, delay) = box.withLockedValue { state in
                state.received.append(received)
                return (state.answers.isEmpty ? HTTPStatus.ok : state.answers.removeFirst(), state.delay)
            }
            if let delay { try await Task.sleep(for: delay) }
            return Response(status: status)
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else { throw TestSetupError("the fake peer has no port") }
        return FakePeer(app: app, box: box, port: port)
    }

    private init(app: Application, box: NIOLockedValueBox<State>, port: Int) { self.app = app; self.box = box; self.port = port }

    /// The next requests are answered with these statuses, in order.
    public func answer(_ statuses: HTTPStatus...) { box.withLockedValue { $0.answers += statuses } }

    /// Every answer waits this long (a peer that times out).
    public func delay(_ duration: Duration?) { box.withLockedValue { $0.delay = duration } }

    public var received: [Received] { box.withLockedValue { $0.received } }

    /// The requests at `path`, each idempotency key once (what a peer that honours them acts on).
    public func distinct(at path: String) -> [Received] {
        var seen = Set<String>()
        return received.filter { $0.path == path && seen.insert($0.headers.first(name: "Idempotency-Key") ?? UUID().uuidString).inserted }
    }

    public func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}
