import Domain
import Vapor

/// An RFC 9457 problem document (`application/problem+json`).
struct Problem: Content {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    /// For validation problems: each with its JSON pointer.
    var errors: [ValidationProblem]?

    static let mediaType = HTTPMediaType(type: "application", subType: "problem+json")

    func response() -> Response {
        let response = Response(status: HTTPResponseStatus(statusCode: status))
        response.headers.contentType = Problem.mediaType
        response.body = .init(data: (try? JSONEncoder.api.encode(self)) ?? Data())
        return response
    }
}

/// Turns every error into a problem document. Validation failures carry their pointers;
/// unexpected errors are logged and answered with a generic 500 that reveals nothing.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let problem = problem(for: error, request: request)
            if ErrorPage.wanted(by: request), let page = try? await ErrorPage.render(problem, for: request) { return page }
            let response = problem.response()
            if let abort = error as? any AbortError {
                for (name, value) in abort.headers where ["www-authenticate", "allow", "retry-after"].contains(name.lowercased()) {
                    response.headers.add(name: name, value: value)
                }
            }
            return response
        }
    }

    func problem(for error: any Error, request: Request) -> Problem {
        switch error {
        case let failure as ValidationFailure where failure.isMalformed:
            return Problem(type: "urn:qorgau:problem:malformed", title: "The request body cannot be read", status: 400,
                           detail: failure.problems.map(\.description).joined(separator: "; "), errors: failure.problems)
        case let failure as ValidationFailure:
            // said in the language the client asks for (Accept-Language) where the problem has a
            // code with a text in that catalog; the code and its values stay for programs
            let language = request.preferredLanguage
            let problems = language == "en" ? failure.problems : failure.problems.map { problem in
                guard problem.code != nil else { return problem }
                var said = problem
                said.message = problem.said(in: request.application.catalogs.words(language))
                return said
            }
            return Problem(type: "urn:qorgau:problem:validation", title: "The request has invalid fields",
                           status: 422, detail: problems.map(\.description).joined(separator: "; "),
                           errors: problems)
        case DomainError.notFound(let what):
            return Problem(type: "about:blank", title: "Not Found", status: 404, detail: "\(what) not found")
        case DomainError.conflict(let why):
            return Problem(type: "about:blank", title: "Conflict", status: 409, detail: why)
        case DomainError.forbidden(let why):
            return Problem(type: "about:blank", title: "Forbidden", status: 403, detail: why)
        case let abort as any AbortError:
            let detail = abort.status == .payloadTooLarge
                ? "the request body is larger than this route accepts" : abort.reason
            return Problem(type: "about:blank", title: abort.status.reasonPhrase, status: Int(abort.status.code),
                           detail: detail)
        default:
            request.logger.error("unexpected error: \(String(reflecting: type(of: error)))")
            return Problem(type: "about:blank", title: "Internal Server Error", status: 500,
                           detail: "something went wrong; the request id is \(request.id)")
        }
    }
}
