import Vapor

/// Every request has an id in its log lines and in the `X-Request-ID` answer header: the one a
/// proxy or client sent (when it is a plain token of at most 128 characters), or a new one. So
/// a line in the proxy's log, the server's log and a user's report can be matched. The id says
/// nothing about the request's content.
struct RequestIDMiddleware: AsyncMiddleware {
    static let header = "X-Request-ID"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Vapor takes a given X-Request-ID as it is: one that is not a plain token is replaced
        var id = request.id
        if !Self.acceptable(id) {
            id = UUID().uuidString
            request.logger[metadataKey: "request-id"] = .string(id)
        }
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: Self.header, value: id)
        return response
    }

    static func acceptable(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.count <= 128
            && value.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F }
    }
}
