import Vapor

/// An error met while browsing the pages (not the API) shown as a page in the reader's language,
/// with the quick exit, instead of a problem document a person cannot read.
enum ErrorPage {
    struct Context: Encodable { var frame: PublicFrame; var heading: String; var message: String }

    /// A browser asking for a page: not the API, and HTML among what it accepts.
    static func wanted(by request: Request) -> Bool {
        guard !request.url.path.hasPrefix("/api/"), request.url.path != "/health" else { return false }
        return request.headers[.accept].contains { $0.contains("text/html") }
    }

    static func render(_ problem: Problem, for request: Request) async throws -> Response {
        let frame = PublicFrame(request)
        let key: String
        switch problem.status {
        case 400, 422: key = "bad_request"
        case 403: key = "forbidden"
        case 404, 405: key = "not_found"
        case 409: key = "conflict"
        case 413: key = "too_large"
        case 429: key = "too_many"
        default: key = "server"
        }
        let heading = frame.t["errorpage_\(key)_title"] ?? problem.title
        let message = frame.t["errorpage_\(key)"] ?? ""
        return try await request.renderPage("error", Context(frame: frame, heading: heading, message: message),
                                            status: HTTPResponseStatus(statusCode: problem.status))
    }
}
