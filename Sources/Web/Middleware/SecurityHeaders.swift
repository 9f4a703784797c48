import Vapor

/// Headers every answer carries: nothing from elsewhere may run or frame Qorgau's pages, no
/// referrer leaves, and nothing about a case is kept in a shared cache.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// The policy; images may also come from the deployment's own tile server, when it has one.
    let policy: String

    init(tilesOrigin: String? = nil) {
        policy = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'"
            + (tilesOrigin.map { "; img-src 'self' " + $0 } ?? "")
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers: [(String, String)] = [
            ("Content-Security-Policy", policy),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
        ]
        for (name, value) in headers where !response.headers.contains(name: name) { response.headers.replaceOrAdd(name: name, value: value) }
        if request.url.path != "/health", !response.headers.contains(name: .cacheControl) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}
