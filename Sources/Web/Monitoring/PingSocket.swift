import Domain
import Foundation
import Monitoring
import Vapor

/// `GET /api/v1/monitoring/pings/socket`: a WebSocket for gateways and devices that keep a
/// connection. Each text message is a batch as for `POST /api/v1/monitoring/pings`
/// (`{"pings": [...]}`) and is answered, in order, by a text message with the same answer as the
/// POST (`{"accepted", "refused"}`), or `{"status", "detail"}` for a message that is
/// not a batch. A sender need not wait for an answer before sending the next batch: batches are
/// queued for checking in the order they arrive and stored together with whatever else is queued
/// (each answer still comes only once its pings are stored). The gateway's token is checked at the
/// upgrade and again for every message (from the instance's short memory of live tokens), so a
/// revoked token, a disabled account or a role taken away closes the socket.
package enum PingSocket {
    package static let maxMessageBytes = 1 << 20

    /// Called on the connection's event loop as the upgrade completes, so the handlers are in place
    /// before the first message is read (websocket-kit's async handlers run each message in a task
    /// of its own, which could reorder them).
    static func serve(req: Request, ws: WebSocket) {
        guard let subject = try? req.principal.subject else { _ = ws.close(code: .policyViolation); return }
        ws.pingInterval = .seconds(30) // traffic both ways, so a quiet gateway outlives the idle timeout
        let router = PingRouter(app: req.application), hub = req.application.monitoring, logger = req.logger
        let db = req.application.db, authorization = req.headers.first(name: .authorization)
        let (messages, received) = AsyncStream<(text: String, arrived: Date)>.makeStream()
        let (replies, replied) = AsyncStream<(Int, Answer)>.makeStream()
        ws.onText { _, text in received.yield((text, Date())) }
        ws.onBinary { ws, _ in ws.send(answer(status: 415, detail: "send batches as text messages of JSON")) }
        ws.onClose.whenComplete { _ in received.finish() }

        // one message at a time into the queue, so a device's pings stay in the order it sent them
        Task {
            var seq = 0
            for await (text, arrived) in messages {
                defer { seq += 1 }
                guard let still = try? await AuthenticationMiddleware().identify(req), still.principal.may(.ingestPings),
                      still.principal.mayWrite else {
                    replied.yield((seq, .text(answer(status: 401, detail: "the token is no longer valid for sending pings; the socket is closed"))))
                    try? await Task.sleep(for: .milliseconds(100)) // let the answer go out first
                    try? await ws.close(code: .policyViolation)
                    break
                }
                do {
                    let batch = try PingBatch.read(Data(text.utf8))
                    let queued = try await hub.enqueueIfLocal(batch, db: db, by: subject, arrived: arrived) { [seq] result in
                        replied.yield((seq, .outcome(result.map(IngestResponse.init)))) // written out by the answering task
                    }
                    if !queued {
                        let outcome = try await router.ingest(batch, db: db, by: subject, authorization: authorization, forwarded: false)
                        replied.yield((seq, .outcome(.success(outcome))))
                    }
                } catch {
                    replied.yield((seq, .outcome(.failure(error))))
                }
            }
            replied.yield((-1, .count(seq))) // how many answers the writer is to send
        }
        // answers in the order of the messages
        Task {
            var waiting: [Int: Answer] = [:], next = 0, total = Int.max
            for await (seq, answer) in replies {
                if case .count(let count) = answer { total = count } else { waiting[seq] = answer }
                while let answer = waiting.removeValue(forKey: next) {
                    switch answer {
                    case .outcome(let outcome): try? await ws.send(reply(outcome, logger: logger))
                    case .text(let text): try? await ws.send(text)
                    case .count: break
                    }
                    next += 1
                }
                if next >= total { break } // the socket is closed and every queued batch answered
            }
        }
    }

    /// What the answering task is to send for a message. An outcome is written out as JSON there,
    /// not by the hub's writer, which calls back as each group is stored and goes on to the next.
    private enum Answer: Sendable {
        case outcome(Result<IngestResponse, any Error>)
        case text(String)
        /// The number of answers in all, once the socket is closed.
        case count(Int)
    }

    private static func reply(_ outcome: Result<IngestResponse, any Error>, logger: Logger) -> String {
        switch outcome {
        case .success(let response):
            return String(decoding: (try? JSONEncoder().encode(response)) ?? Data(), as: UTF8.self)
        case .failure(let failure as ValidationFailure):
            return answer(status: 422, detail: failure.problems.map(\.description).joined(separator: "; "))
        case .failure(let error):
            logger.error("monitoring socket: a batch failed (\(String(describing: type(of: error))))")
            return answer(status: 503, detail: "the batch was not stored; send it again")
        }
    }

    private static func answer(status: Int, detail: String) -> String {
        String(decoding: (try? JSONEncoder().encode(["status": String(status), "detail": detail])) ?? Data(), as: UTF8.self)
    }
}
