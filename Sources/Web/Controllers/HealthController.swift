import Fluent
import SQLKit
import Vapor

/// `GET /health`: 200 when the database answers a query, 503 otherwise.
struct HealthController {
    struct Status: Content {
        var status: String
        var database: String
    }

    func check(req: Request) async throws -> Response {
        let response = Response()
        do {
            guard let sql = req.db as? any SQLDatabase else { throw Abort(.serviceUnavailable) }
            try await sql.raw("SELECT 1").run()
            try response.content.encode(Status(status: "ok", database: "ok"))
        } catch {
            req.logger.warning("health check: database did not answer")
            response.status = .serviceUnavailable
            try response.content.encode(Status(status: "unavailable", database: "unreachable"))
        }
        return response
    }
}
