import Vapor

/// A request no route matches, but whose path a route of another method has, is answered 405
/// with the methods the path takes (RFC 9110), not 404.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.route == nil else { return try await next.respond(to: request) }
        let path = request.url.path.split(separator: "/", omittingEmptySubsequences: true)
        let methods = Set(request.application.routes.all.filter { Self.matches($0.path, path) }.map(\.method.rawValue))
        guard !methods.isEmpty, !methods.contains(request.method.rawValue) else { return try await next.respond(to: request) }
        let allowed = methods.sorted().joined(separator: ", ")
        throw Abort(.methodNotAllowed, headers: ["Allow": allowed], reason: "this path takes \(allowed)")
    }

    static func matches(_ pattern: [PathComponent], _ path: [Substring]) -> Bool {
        var index = 0
        for component in pattern {
            switch component {
            case .catchall: return index < path.count
            case .anything, .parameter: guard index < path.count else { return false }
            case .constant(let text): guard index < path.count, path[index] == text else { return false }
            }
            index += 1
        }
        return index == path.count
    }
}
