import NIOCore
import Vapor

/// `GET /metrics` in Prometheus's text format. It names no case, person or place, but it tells how
/// busy the system is: it answers a request bearing `QORGAU_METRICS_TOKEN` when one is set, and
/// otherwise only one from this machine (a reverse proxy must not pass `/metrics` on).
struct MetricsController {
    let token: String?

    func metrics(req: Request) async throws -> Response {
        if let token {
            guard let given = req.headers.bearerAuthorization?.token, Self.same(given, token) else { throw Abort(.unauthorized) }
        } else {
            guard Self.isLoopback(req.remoteAddress), req.headers.first(name: "X-Forwarded-For") == nil else { throw Abort(.forbidden) }
        }
        let response = Response(status: .ok, body: .init(string: try await OperationsMetrics.scrape(req.application)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return response
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return ip == "::1" || ip.hasPrefix("127.") || ip.hasPrefix("::ffff:127.")
    }

    /// Compares in time that does not depend on where the strings differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
