import Domain
import Foundation
import Monitoring
import Vapor

/// `GET /api/v1/monitoring/pings/socket`: a WebSocket for gateways and devices that keep a
/// connection. Each text message is a batch as for `POST /api/v1/monitoring/pings`
/// (`{"pings": [...]}`) and is answered, in order, by a text message with the same answer as the
/// POST (`{"accepted", "refused", "alerts"}`), or `{"status", "detail"}` for a message that is
/// not a batch. The gateway's token is checked once, at the upgrade.
enum PingSocket {
    static let maxMessageBytes = 1 << 20

    /// Called on the connection's event loop as the upgrade completes, so the handlers are in place
    /// before the first message is read (websocket-kit's async handlers run each message in a task
    /// of its own, which could reorder them).
    static func serve(req: Request, ws: WebSocket) {
        guard let subject = try? req.principal.subject else { _ = ws.close(code: .policyViolation); return }
        let router = PingRouter(app: req.application)
        let db = req.application.db, authorization = req.headers.first(name: .authorization)
        let (messages, continuation) = AsyncStream<String>.makeStream()
        ws.onText { _, text in continuation.yield(text) }
        ws.onBinary { ws, _ in ws.send(answer(status: 415, detail: "send batches as text messages of JSON")) }
        ws.onClose.whenComplete { _ in continuation.finish() }
        // one message at a time, so a device's pings stay in the order it sent them
        Task {
            for await text in messages {
                let reply: String
                do {
                    let batch = try MonitoringController.readBatch(JSONNode(try JSONDocument.parse(Data(text.utf8)), log: ProblemLog()))
                    let outcome = try await router.ingest(batch, db: db, by: subject, authorization: authorization, forwarded: false)
                    reply = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
                } catch let failure as ValidationFailure {
                    reply = answer(status: 422, detail: failure.problems.map(\.description).joined(separator: "; "))
                } catch {
                    req.logger.error("monitoring socket: a batch failed (\(String(describing: type(of: error))))")
                    reply = answer(status: 503, detail: "the batch was not stored; send it again")
                }
                try? await ws.send(reply)
            }
        }
    }

    private static func answer(status: Int, detail: String) -> String {
        String(decoding: (try? JSONEncoder().encode(["status": String(status), "detail": detail])) ?? Data(), as: UTF8.self)
    }
}
