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
        let batch = try Self.readBatch(try req.jsonBody())
        return try await PingRouter(app: req.application).ingest(
            batch, db: req.db, by: try req.principal.subject, authorization: req.headers.first(name: .authorization),
            forwarded: req.headers.first(name: PingRouter.forwardedHeader) != nil)
    }

    /// A batch's pings, each read or refused with its reason; a body that is not a batch is refused whole.
    static func readBatch(_ body: JSONNode) throws -> [Result<Ping, PingRefusal>] {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        guard case .array(let items)? = body["pings"].value else {
            throw ValidationFailure(pointer: "/pings", message: "a batch is {\"pings\": [ … ]}")
        }
        guard items.count <= 10_000 else { throw ValidationFailure(pointer: "/pings", message: "at most 10,000 pings a batch") }
        return items.map { value in
            let node = JSONNode(value, log: ProblemLog())
            if let ping = Ping.read(node) { return .success(ping) }
            let device = node["device"].value.flatMap { if case .string(let s) = $0 { s } else { nil } } ?? ""
            return .failure(PingRefusal(device: device, reason: node.log.problems.map(\.description).joined(separator: "; ")))
        }
    }

    /// Server-sent events: `event: alert` or `event: escalation`, `data:` the alert, for the cases
    /// in the officer's scope, as they happen; a comment every 15 seconds keeps the line open.
    func stream(req: Request) async throws -> Response {
        let (id, events) = await req.application.monitoring.subscribe(scope: try req.principal.scope)
        let hub = req.application.monitoring
        let response = Response(status: .ok, body: .init(asyncStream: { writer in
            let encoder = JSONEncoder.api
            try await writer.write(.buffer(ByteBuffer(string: ": subscribed\n\n")))
            let keepAlive = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(15))
                    try await writer.write(.buffer(ByteBuffer(string: ": keep-alive\n\n")))
                }
            }
            defer { keepAlive.cancel() }
            do {
                for await event in events {
                    let data = String(decoding: try encoder.encode(event.alert), as: UTF8.self)
                    try await writer.write(.buffer(ByteBuffer(string: "event: \(event.event)\ndata: \(data)\n\n")))
                }
            } catch {
                await hub.unsubscribe(id)
            }
            try await writer.write(.end)
        }))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "event-stream")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// `?open=true`: only those not acknowledged yet.
    func list(req: Request) async throws -> PageResponse<AlertResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let open = req.query[String.self, at: "open"] == "true"
        let alerts = try await MonitoringStore(db: req.db).alerts(caseID: caseID, scope: try req.principal.scope, openOnly: open)
        return PageResponse(items: alerts.map(AlertResponse.init), nextCursor: nil)
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
    /// How many alerts the batch raised (they go to the officers, not to the gateway).
    var alerts: Int
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
    var raisedAt: String
    var acknowledgedAt: String?
    var acknowledgedBy: String?
    var escalatedAt: String?

    init(_ alert: StoredAlert) {
        id = alert.id.apiString; caseId = alert.caseID.apiString; kind = alert.kind; order = alert.order; zone = alert.zone
        device = alert.device; at = alert.at; distanceMeters = alert.distanceMeters; accuracyMeters = alert.accuracyMeters
        incident = alert.incident; raisedAt = Timestamp.text(alert.createdAt)
        acknowledgedAt = alert.acknowledgedAt.map(Timestamp.text); acknowledgedBy = alert.acknowledgedBy
        escalatedAt = alert.escalatedAt.map(Timestamp.text)
    }
}
