import Domain
import Fluent
import Foundation
import SQLKit
import Vapor

/// `GET /health` (the database answers), `/health/live` (the process serves requests: for a
/// supervisor's restart decision) and `/health/ready` (everything a request may need is there:
/// for a load balancer's routing decision). Public, and they say nothing of any case.
struct HealthController {
    struct Status: Content {
        var status: String
        var database: String
    }

    struct Readiness: Content {
        var status: String
        var version: String
        var database: String
        /// "built", or how many monitored cases' engines are still being built after a start.
        var monitoring: String
        var evidence: String
    }

    func check(req: Request) async throws -> Response {
        let response = Response()
        if await databaseAnswers(req) {
            try response.content.encode(Status(status: "ok", database: "ok"))
        } else {
            req.logger.warning("health check: database did not answer")
            response.status = .serviceUnavailable
            try response.content.encode(Status(status: "unavailable", database: "unreachable"))
        }
        return response
    }

    func live(req: Request) async throws -> [String: String] {
        ["status": "ok", "version": QorgauVersion.current]
    }

    func ready(req: Request) async throws -> Response {
        let database = await databaseAnswers(req)
        let pending = await req.application.monitoring.enginesPending()
        let evidence = Self.writable(req.application.blobs.directory + "/tmp")
        // -1: this process does not run the monitoring (a server loads it before it listens)
        let ready = database && pending <= 0 && evidence
        let response = Response(status: ready ? .ok : .serviceUnavailable)
        try response.content.encode(Readiness(
            status: ready ? "ready" : "not ready", version: QorgauVersion.current, database: database ? "ok" : "unreachable",
            monitoring: pending == 0 ? "built" : pending < 0 ? "not started" : "\(pending) cases being built",
            evidence: evidence ? "writable" : "not writable"))
        return response
    }

    private func databaseAnswers(_ req: Request) async -> Bool {
        guard let sql = req.db as? any SQLDatabase else { return false }
        do { try await sql.raw("SELECT 1").run(); return true } catch { return false }
    }

    /// Whether a file can be made in a folder (and is removed again).
    static func writable(_ folder: String) -> Bool {
        let probe = folder + "/.ready-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else { return false }
        try? FileManager.default.removeItem(atPath: probe)
        return true
    }
}
