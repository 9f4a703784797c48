import Domain
import Foundation
import Store
import Vapor

extension Request {
    /// A UUID path parameter; anything else is a 404, as an unknown id would be.
    func uuid(_ name: String, what: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else { throw DomainError.notFound(what) }
        return id
    }

    /// The body parsed as JSON for field-by-field validation. A body sent as another type is
    /// refused (415), so that no page elsewhere can have a browser post JSON as a "simple"
    /// request (text/plain, a form) without the cross-origin check.
    func jsonBody() throws -> JSONNode {
        if let type = headers.contentType {
            let (kind, sub) = (type.type.lowercased(), type.subType.lowercased())
            guard kind == "application", sub == "json" || sub.hasSuffix("+json") else {
                throw Abort(.unsupportedMediaType, reason: "send the body as application/json")
            }
        }
        guard let buffer = body.data else {
            throw ValidationFailure(pointer: "", message: "a JSON body is required", isMalformed: true)
        }
        let value = try JSONDocument.parse(Data(buffer: buffer))
        return JSONNode(value, log: ProblemLog())
    }

    /// `limit` (1-500, default 50) and `cursor` from the query.
    func page() throws -> (limit: Int, cursor: Cursor?) {
        try page(cursor: Cursor.init)
    }

    /// `limit` (1-500, default 50) and a cursor of its own kind from the query.
    func page<C>(cursor parse: (String) -> C?) throws -> (limit: Int, cursor: C?) {
        var problems: [ValidationProblem] = []
        var limit = 50
        if let raw = query[String.self, at: "limit"] {
            if let n = Int(raw), (1...500).contains(n) { limit = n }
            else { problems.append(.init(pointer: "/limit", message: "query parameter limit must be 1 to 500, not \"\(raw)\"")) }
        }
        var cursor: C?
        if let raw = query[String.self, at: "cursor"] {
            cursor = parse(raw)
            if cursor == nil { problems.append(.init(pointer: "/cursor", message: "query parameter cursor is not one this server gave")) }
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return (limit, cursor)
    }

    /// An optional query parameter that is a date-time with offset or a date (midnight UTC).
    func instantQuery(_ name: String, log: ProblemLog) -> ZonedDateTime? {
        guard let raw = query[String.self, at: name] else { return nil }
        if let t = ZonedDateTime(raw) { return t }
        if let d = LocalDate(raw) { return ZonedDateTime(epochMilliseconds: Int64(d.daysSinceEpoch) * 86_400_000, offsetSeconds: 0) }
        log.add("/\(name)", "query parameter \(name) must be a date (2025-10-20) or a date-time with offset, not \"\(raw)\"")
        return nil
    }

    /// An optional query parameter from a vocabulary.
    func wordQuery<V: Vocabulary>(_ name: String, _ type: V.Type, log: ProblemLog) -> V? {
        guard let raw = query[String.self, at: name] else { return nil }
        guard let value = V(rawValue: raw) else {
            log.add("/\(name)", "query parameter \(name): unknown \(V.vocabularyName) \"\(raw)\" (expected one of: \(V.words.joined(separator: ", ")))")
            return nil
        }
        return value
    }
}

