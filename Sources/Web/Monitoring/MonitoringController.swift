import Domain
import Monitoring
import Store
import Vapor

/// `POST /api/v1/monitoring/pings` (gateways), `GET /api/v1/monitoring/alerts/stream` (officers:
/// server-sent events), `GET /api/v1/cases/{caseId}/alerts` and
/// `POST /api/v1/cases/{caseId}/alerts/{alertId}/acknowledgement`.
struct MonitoringController {
    /// Body: `{"pings": [{"device", "at", "lat", "lon", "accuracy"} | {"device", "at", "event"}, …]}`
    /// (at most 10,000). Each ping is taken or refused with its reason; a refused one changes nothing.
    func ingest(req: Request) async throws -> IngestResponse {
        guard let body = req.body.data else {
            throw ValidationFailure(pointer: "", message: "a JSON body is required", isMalformed: true)
        }
        let batch = try PingBatch.read(Data(buffer: body))
        return try await PingRouter(app: req.application).ingest(
            batch, db: req.db, by: try req.principal.subject, authorization: req.headers.first(name: .authorization),
            forwarded: req.headers.first(name: PingRouter.forwardedHeader) != nil)
    }

    /// Server-sent events: `event: alert` or `event: escalation`, `data:` the alert, for the cases
    /// in the officer's scope, as they happen; a comment every 15 seconds keeps the line open.
    /// Who listens is checked again before each event and every 5 seconds: a revoked token, an
    /// ended session, a disabled user or a role without the permission ends the stream (with
    /// `event: end`), and a withdrawn grant or a changed unit narrows it at once.
    func stream(req: Request) async throws -> Response {
        let hub = req.application.monitoring
        let (id, events) = await hub.subscribe(scope: try req.principal.scope)
        let response = Response(status: .ok, body: .init(asyncStream: { writer in
            let encoder = JSONEncoder.api
            try await writer.write(.buffer(ByteBuffer(string: ": subscribed\n\n")))
            let watch = Task {
                var beats = 0
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(5))
                    guard let listener = await Self.listener(req) else { await hub.unsubscribe(id); return }
                    await hub.rescope(id, to: listener.scope)
                    beats += 1
                    guard beats % 3 == 0 else { continue }
                    // a listener gone away is noticed here, not only at the next event for its scope
                    do { try await writer.write(.buffer(ByteBuffer(string: ": keep-alive\n\n"))) } catch { await hub.unsubscribe(id); return }
                }
            }
            defer { watch.cancel() }
            var lostRight = false
            do {
                for await event in events {
                    guard let listener = await Self.listener(req) else { lostRight = true; break }
                    await hub.rescope(id, to: listener.scope)
                    guard let caseID = UUID(uuidString: event.alert.caseId),
                          let unit = try await req.unit(ofCase: caseID),
                          listener.scope.allows(caseID, unit: unit) else { continue }
                    let data = String(decoding: try encoder.encode(event.alert), as: UTF8.self)
                    try await writer.write(.buffer(ByteBuffer(string: "event: \(event.event)\ndata: \(data)\n\n")))
                }
                let ended = lostRight ? true : await Self.listener(req) == nil // not a shutdown: the listener lost the right
                if ended {
                    try await writer.write(.buffer(ByteBuffer(string: "event: end\ndata: {\"reason\":\"the right to these alerts ended: sign in again\"}\n\n")))
                }
            } catch {}
            await hub.unsubscribe(id)
            try? await writer.write(.end)
        }))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "event-stream")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The stream's requester identified again (token or session, user, role, grants): nil once
    /// the right to the alert stream is gone.
    private static func listener(_ req: Request) async -> Principal? {
        guard let still = try? await AuthenticationMiddleware().identify(req), !still.user.mustChangePassword,
              still.principal.may(.handleAlerts) else { return nil }
        return still.principal
    }

    /// `?open=true`: only those not acknowledged yet.
    func list(req: Request) async throws -> PageResponse<AlertResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let raw = req.query[String.self, at: "open"]
        guard raw == nil || raw == "true" || raw == "false" else {
            throw ValidationFailure(pointer: "/open", message: "query parameter open must be true or false")
        }
        let open = raw == "true"
        let alerts = try await MonitoringStore(db: req.db).alerts(caseID: caseID, scope: try req.principal.scope, openOnly: open)
        var items: [AlertResponse] = []
        for alert in alerts { items.append(AlertResponse(alert, position: try await PanicButton.point(of: alert, db: req.db))) }
        return PageResponse(items: items, nextCursor: nil)
    }

    func acknowledge(req: Request) async throws -> AlertResponse {
        let caseID = try req.uuid("caseID", what: "case")
        let alertID = try req.uuid("alertID", what: "alert")
        let principal = try req.principal
        let alert = try await MonitoringStore(db: req.db).acknowledge(alertID, caseID: caseID, by: principal.subject, scope: principal.scope)
        return AlertResponse(alert)
    }
}

struct IngestResponse: Content {
    struct Refused: Content { var index: Int; var device: String?; var reason: String }
    var accepted: Int
    var refused: [Refused]
    // Not how many alerts the batch raised: a gateway learns whether its pings were taken,
    // nothing of what they meant (with a stolen token, counting alerts finds the victim's home).
}

extension IngestResponse {
    init(_ outcome: MonitoringHub.Outcome) {
        self.init(accepted: outcome.accepted, refused: outcome.refused.map {
            .init(index: $0.index, device: Self.echo($0.device), reason: Self.gatewayReason($0.reason))
        })
    }

    /// What a gateway is told of a refusal. Whether a device is watched, where its case is
    /// watched, and when it last reported, are the monitoring's state, not the gateway's: every
    /// refusal but a malformed ping (its field named) and an instance that could not be reached
    /// (send again) answers alike.
    static let notTaken = "not taken: an unknown device, or a time not after the device's last ping or in the future; do not send it again"

    static func gatewayReason(_ reason: String) -> String {
        reason.hasPrefix("/") || reason.hasSuffix(PingRouter.sendAgain) ? reason : notTaken
    }

    /// The device as the gateway sent it, when it is a plausible id; never a long or odd string echoed back.
    static func echo(_ device: String?) -> String? {
        guard let device, device.count <= 200, JSONNode.forbiddenControl(in: device) == nil else { return nil }
        return device
    }
}

struct AlertResponse: Content {
    var id: String
    var caseId: String
    var kind: String
    var order: String?
    var zone: Int?
    var device: String
    var at: ZonedDateTime
    var distanceMeters: Int?
    var accuracyMeters: Int?
    /// The incident a breach was recorded as.
    var incident: String?
    /// Where the person who raised it was (a victim's panic alert, when her phone shared it).
    var lat: Double?
    var lon: Double?
    var raisedAt: String
    var acknowledgedAt: String?
    var acknowledgedBy: String?
    var escalatedAt: String?

    init(_ alert: StoredAlert, position: StoredPing? = nil) {
        lat = position?.lat; lon = position?.lon
        id = alert.id.apiString; caseId = alert.caseID.apiString; kind = alert.kind; order = alert.order; zone = alert.zone
        device = alert.device; at = alert.at; distanceMeters = alert.distanceMeters; accuracyMeters = alert.accuracyMeters
        incident = alert.incident; raisedAt = Timestamp.text(alert.createdAt)
        acknowledgedAt = alert.acknowledgedAt.map(Timestamp.text); acknowledgedBy = alert.acknowledgedBy
        escalatedAt = alert.escalatedAt.map(Timestamp.text)
    }
}
