import Cases
import Domain
import Fluent
import Foundation
import Monitoring
import NIOCore
import Vapor

/// Takes a batch of pings from a gateway (over HTTP or a WebSocket): the pings of cases this
/// instance owns are checked here, the others are forwarded to the instances that own them, and
/// the answers are put back together in the batch's order.
struct PingRouter {
    /// Marks a batch forwarded by another instance, which must not be forwarded again.
    static let forwardedHeader = "X-Qorgau-Forwarded"

    static let forwardTimeout = TimeAmount.seconds(2)
    /// How a refusal that the gateway should retry ends.
    static let sendAgain = MonitoringHub.sendAgain

    let app: Application

    func ingest(_ batch: [Result<Ping, PingRefusal>], db: any Database, by subject: String, authorization: String?,
                forwarded: Bool) async throws -> IngestResponse {
        let hub = app.monitoring
        let cluster = await hub.cluster
        let plan = forwarded || cluster.count == 1 ? [cluster.selfID: Array(batch.indices)] : try await hub.route(batch, db: db)
        return try await withThrowingTaskGroup(of: IngestResponse.self) { group in
            for (owner, indices) in plan {
                let part = indices.map { batch[$0] }
                group.addTask {
                    let answer: IngestResponse
                    if owner == cluster.selfID {
                        answer = IngestResponse(try await hub.ingest(part, db: db, by: subject))
                    } else {
                        answer = await forward(part, to: cluster.address(of: owner), authorization: authorization)
                    }
                    // indices back into the whole batch
                    return IngestResponse(accepted: answer.accepted,
                                          refused: answer.refused.map { .init(index: indices[$0.index], device: $0.device, reason: $0.reason) })
                }
            }
            var whole = IngestResponse(accepted: 0, refused: [])
            for try await part in group {
                whole.accepted += part.accepted
                whole.refused += part.refused
            }
            whole.refused.sort { $0.index < $1.index }
            return whole
        }
    }

    /// Sends pings to the instance that owns them; if it cannot be reached they are refused, so
    /// the gateway sends them again (nothing was stored).
    private func forward(_ part: [Result<Ping, PingRefusal>], to peer: String?, authorization: String?) async -> IngestResponse {
        let pings = part.compactMap { try? $0.get() }
        do {
            guard let peer else { throw Abort(.serviceUnavailable) }
            var headers: HTTPHeaders = ["Content-Type": "application/json", Self.forwardedHeader: "1"]
            if let authorization { headers.add(name: .authorization, value: authorization) }
            let response = try await app.client.post(URI(string: peer + "/api/v1/monitoring/pings"), headers: headers) {
                try $0.content.encode(["pings": pings], as: .json)
                $0.timeout = Self.forwardTimeout // a gateway waits no longer for an instance that is down
            }
            guard response.status == .ok else { throw Abort(response.status) }
            return try response.content.decode(IngestResponse.self)
        } catch {
            app.logger.warning("monitoring: the instance at \(peer ?? "?") did not take forwarded pings: \(String(describing: type(of: error)))")
            return IngestResponse(accepted: 0, refused: part.indices.map {
                .init(index: $0, device: (try? part[$0].get())?.device,
                      reason: "an instance is unavailable; " + Self.sendAgain)
            })
        }
    }
}
