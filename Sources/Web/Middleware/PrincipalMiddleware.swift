import Domain
import Vapor

/// The one place that decides who is making a request and which cases they may see. Until the
/// identity issue lands, every request acts with full scope, which is why the server binds to
/// 127.0.0.1 by default; authentication replaces this middleware's body, not the routes.
struct PrincipalMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.storage[PrincipalKey.self] = Principal(subject: "local", scope: .all)
        return try await next.respond(to: request)
    }
}

struct PrincipalKey: StorageKey { typealias Value = Principal }

extension Request {
    /// The principal set by `PrincipalMiddleware`; a route without one is a programming error.
    var principal: Principal {
        get throws {
            guard let principal = storage[PrincipalKey.self] else { throw Abort(.unauthorized) }
            return principal
        }
    }
}
