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
/// take one, and checked with `MultipartGuard` on a route that does, before any parser (the CSRF
/// check, a form's decoder) sees it. A streamed upload's body is checked chunk by chunk by its
/// handler instead (`EvidenceController`), as it arrives.
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
        if route.userInfo[Self.streamedKey] as? Bool != true {
            let body = try await request.body.collect(max: AuthorizationMiddleware.maxFormBytes).get()
            if let body { try MultipartGuard.check(body, contentType: type) }
        }
        return try await next.respond(to: request)
    }

    static let streamedKey = "qorgau.streamedMultipart"
}

extension Route {
    /// A multipart route whose handler reads the body as it streams and checks it chunk by chunk.
    @discardableResult
    func streamsMultipart() -> Route {
        userInfo[BodyGuardMiddleware.multipartKey] = true
        userInfo[BodyGuardMiddleware.streamedKey] = true
        return self
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
