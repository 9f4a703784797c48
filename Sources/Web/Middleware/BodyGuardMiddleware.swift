import Vapor

extension Route {
    /// Marks a route that takes a multipart/form-data body (a form with a file). Every other route
    /// refuses multipart before anything reads it.
    @discardableResult
    func acceptsMultipart() -> Route {
        userInfo[BodyGuardMiddleware.multipartKey] = true
        return self
    }

    var takesMultipart: Bool { userInfo[BodyGuardMiddleware.multipartKey] as? Bool == true }
}

/// The first thing a request meets: a multipart body is refused (415) on a route that does not
/// take one, and one without a usable boundary (400) on a route that does. Its bytes are checked
/// with `MultipartGuard` by whatever reads them, before any parser sees them: `form()` (the CSRF
/// check, a page's form) and the streamed evidence upload, chunk by chunk as it arrives.
struct BodyGuardMiddleware: AsyncMiddleware {
    static let multipartKey = "qorgau.acceptsMultipart"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let type = request.headers.contentType, type.type.lowercased() == "multipart" else {
            return try await next.respond(to: request)
        }
        guard let route = request.route else { return try await next.respond(to: request) } // 404: nothing reads it
        guard route.takesMultipart else {
            throw Abort(.unsupportedMediaType, reason: "this route does not take a multipart body")
        }
        _ = try MultipartGuard.boundary(of: type)
        // The body itself is checked by whoever reads it, once the sender is known: `form()` before
        // it decodes, the evidence upload as it streams. Nothing is read for an anonymous sender.
        return try await next.respond(to: request)
    }

}

extension Request {
    /// A web form's fields, decoded only from the content types a browser's form sends:
    /// url-encoded, or multipart on a route that takes a file (its body already checked by
    /// `BodyGuardMiddleware`). Any other body, or one that cannot be read, gives nil.
    func form<T: Decodable>(_ type: T.Type) -> T? {
        guard let contentType = headers.contentType else { return nil }
        let (kind, subKind) = (contentType.type.lowercased(), contentType.subType.lowercased())
        if kind == "application", subKind == "x-www-form-urlencoded" {
            return try? content.decode(T.self, as: .urlEncodedForm)
        }
        if kind == "multipart", subKind == "form-data", route?.takesMultipart == true,
           let body = body.data, (try? MultipartGuard.check(body, contentType: contentType)) != nil {
            return try? content.decode(T.self, as: .formData)
        }
        return nil
    }

    /// The CSRF token a form sent: the `X-CSRF-Token` header, else the form's `csrf` field.
    var sentCSRFToken: String? {
        if let header = headers.first(name: "X-CSRF-Token") { return header }
        struct Field: Decodable { var csrf: String? }
        return form(Field.self)?.csrf
    }
}
