import Cases
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
    ///
    /// Each event has an `id:`; a reconnection sending `Last-Event-ID` first gets the events of
    /// the alerts in scope it missed since (raised, escalated, acknowledged, handed over), in order.
    func stream(req: Request) async throws -> Response {
        let hub = req.application.monitoring, streams = req.application.alertStreams
        let scope = try req.principal.scope
        let (id, events) = await hub.subscribe(scope: scope) // before the missed events are read: nothing falls between
        let resumeAfter = req.headers.first(name: "Last-Event-ID").flatMap { UUID(uuidString: $0.trimmingCharacters(in: .whitespaces)) }
        var missed: [(event: AlertEvent, alert: StoredAlert)] = []
        var positions: [UUID: StoredPing] = [:]
        do {
            // alerts are told before they are stored: those told before the subscription are
            // read once stored, so none falls between the stream and the reading
            if resumeAfter != nil { await hub.settled() }
            if let resumeAfter { missed = try await AlertEventReads(db: req.db).events(after: resumeAfter, scope: scope) }
            for (_, alert) in missed where alert.kind == PanicButton.alertKind {
                positions[alert.id] = try await MonitoringStore(db: req.db).position(of: alert)
            }
        } catch {
            await hub.unsubscribe(id)
            throw error
        }
        // managed: the stream is ended (or failed) however the closure leaves, a listener gone
        // before the first line included
        let response = Response(status: .ok, body: .init(managedAsyncStream: { [positions, missed] writer in
            guard streams.enter() else { await hub.unsubscribe(id); return } // the application is closing
            defer { streams.leave() }
            let encoder = JSONEncoder.api
            try await writer.write(.buffer(ByteBuffer(string: ": subscribed\n\n")))
            // the missed events (and the one the listener had last) also heard live are sent once; a live event is otherwise sent
            // whatever its id (an alert stored on another instance may come after a newer one here)
            let sentFromMissed = Set(missed.map(\.event.id) + (resumeAfter.map { [$0] } ?? []))
            // the HTTP shape of the news is made here, at the stream's edge
            func send(_ news: AlertNews) async throws {
                let data = String(decoding: try encoder.encode(AlertResponse(news.alert, position: news.position)), as: UTF8.self)
                let id = news.eventID?.apiString
                let idLine = id.map { "id: \($0)\n" } ?? ""
                try await writer.write(.buffer(ByteBuffer(string: "\(idLine)event: \(Self.streamName(of: news.kind))\ndata: \(data)\n\n")))
            }
            for (event, alert) in missed {
                try await send(AlertNews(event, alert: alert, position: positions[alert.id]))
            }
            let watch = Task {
                var beats = 0
                while !Task.isCancelled {
                    do { try await Task.sleep(for: .seconds(5)) } catch { return } // the stream has ended
                    guard let listener = await Self.listener(req, streams) else { await hub.unsubscribe(id); return }
                    await hub.rescope(id, to: listener.scope)
                    beats += 1
                    guard beats % 3 == 0 else { continue }
                    // a listener gone away is noticed here, not only at the next event for its scope
                    do { try await writer.write(.buffer(ByteBuffer(string: ": keep-alive\n\n"))) } catch { await hub.unsubscribe(id); return }
                }
            }
            var lostRight = false
            do {
                for await news in events {
                    guard let listener = await Self.listener(req, streams) else { lostRight = true; break }
                    await hub.rescope(id, to: listener.scope)
                    let caseID = news.alert.caseID
                    guard let unit = try await req.unit(ofCase: caseID), listener.scope.allows(caseID, unit: unit) else { continue }
                    if let eventID = news.eventID, sentFromMissed.contains(eventID) { continue }
                    try await send(news)
                }
                var ended = lostRight
                if !ended { ended = await Self.listener(req, streams) == nil }
                if ended, !streams.isClosing { // not a shutdown: the listener lost the right
                    try await writer.write(.buffer(ByteBuffer(string: "event: end\ndata: {\"reason\":\"the right to these alerts ended: sign in again\"}\n\n")))
                }
            } catch {}
            watch.cancel()
            await watch.value // it identifies the listener too: done before the stream leaves
            await hub.unsubscribe(id)
        }))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "event-stream")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The stream's name for each kind of news.
    static func streamName(of kind: AlertEvent.Kind) -> String {
        switch kind {
        case .raised: "alert"
        case .escalated: "escalation"
        case .acknowledged: "acknowledged"
        case .handedOver: "handover"
        }
    }

    /// The stream's requester identified again (token or session, user, role, grants): nil once
    /// the right to the alert stream is gone.
    private static func listener(_ req: Request, _ streams: AlertStreams) async -> Principal? {
        // a stream at the application's shutdown has nobody left to serve, and no database to ask
        guard !streams.isClosing else { return nil }
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
        await req.application.monitoring.settled() // every alert already told on a stream is listed
        let alerts = try await MonitoringStore(db: req.db).alerts(caseID: caseID, scope: try req.principal.scope, openOnly: open)
        var items: [AlertResponse] = []
        for alert in alerts { items.append(AlertResponse(alert, position: try await MonitoringStore(db: req.db).position(of: alert))) }
        return PageResponse(items: items, nextCursor: nil)
    }

    /// Body (optional): `{"note": "…"}`, what the officer did.
    func acknowledge(req: Request) async throws -> AlertResponse {
        let (caseID, alertID) = try Self.ids(req)
        let note = try Self.note(req, optionalBody: true)
        return AlertResponse(try await AlertActions(req).acknowledge(alertID, caseID: caseID, note: note))
    }

    /// Body: `{"to": user id, "note": "…" (optional)}`.
    func handOver(req: Request) async throws -> AlertResponse {
        let (caseID, alertID) = try Self.ids(req)
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let to = body["to"].string(maxLength: 100)
        if let to, UUID(uuidString: to) == nil { body["to"].fail("must be a user id") }
        let note = AlertActions.note(body["note"])
        try body.throwIfInvalid()
        return AlertResponse(try await AlertActions(req).handOver(alertID, caseID: caseID, to: UUID(uuidString: to!)!, note: note))
    }

    /// Body (optional): `{"note": "…"}`. 409 when acknowledged or at the chain's last step.
    func escalate(req: Request) async throws -> AlertResponse {
        let (caseID, alertID) = try Self.ids(req)
        let note = try Self.note(req, optionalBody: true)
        return AlertResponse(try await AlertActions(req).escalate(alertID, caseID: caseID, note: note))
    }

    /// An alert's events and deliveries (no addresses: a victim's phone number is not shown).
    func deliveries(req: Request) async throws -> AlertDeliveriesResponse {
        let (caseID, alertID) = try Self.ids(req)
        await req.application.monitoring.settled()
        let alert = try await MonitoringStore(db: req.db).alert(alertID, caseID: caseID, scope: try req.principal.scope)
        let events = try await AlertEventReads(db: req.db).events(of: [alertID])[alertID] ?? []
        let deliveries = try await DeliveryStore(db: req.db).deliveries(of: [alertID])[alertID] ?? []
        return AlertDeliveriesResponse(alert: AlertResponse(alert, position: try await MonitoringStore(db: req.db).position(of: alert)),
                                       events: events.map(AlertEventResponse.init), deliveries: deliveries.map(DeliveryResponse.init))
    }

    /// `?open=true` (or false, default true): the alerts of every case in the caller's scope,
    /// newest first, `limit` at a time with `cursor`.
    func listAll(req: Request) async throws -> PageResponse<AlertResponse> {
        let raw = req.query[String.self, at: "open"]
        guard raw == nil || raw == "true" || raw == "false" else {
            throw ValidationFailure(pointer: "/open", message: "query parameter open must be true or false")
        }
        let (limit, cursor) = try req.page(cursor: AlertCursor.init)
        await req.application.monitoring.settled()
        let page = try await DashboardReads(db: req.db).alerts(scope: try req.principal.scope, openOnly: raw != "false",
                                                               before: cursor.map { ($0.createdAt, $0.id) }, limit: limit)
        var items: [AlertResponse] = []
        for (alert, _) in page { items.append(AlertResponse(alert, position: try await MonitoringStore(db: req.db).position(of: alert))) }
        let next = page.count == limit ? page.last.map { AlertCursor(createdAt: $0.alert.createdAt, id: $0.alert.id).text } : nil
        return PageResponse(items: items, nextCursor: next)
    }

    private static func ids(_ req: Request) throws -> (UUID, UUID) {
        (try req.uuid("caseID", what: "case"), try req.uuid("alertID", what: "alert"))
    }

    /// `note` from a JSON body that may be absent altogether.
    private static func note(_ req: Request, optionalBody: Bool) throws -> String? {
        guard req.body.data.map({ $0.readableBytes > 0 }) == true else { return nil }
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let note = AlertActions.note(body["note"])
        try body.throwIfInvalid()
        return note
    }
}

/// Where a page of alerts across cases ends: the last one's raise time and id.
struct AlertCursor {
    var createdAt: Int64
    var id: UUID
    var text: String { "\(createdAt)_\(id.apiString)" }

    init(createdAt: Int64, id: UUID) { self.createdAt = createdAt; self.id = id }

    init?(_ raw: String) {
        let parts = raw.split(separator: "_")
        guard parts.count == 2, let at = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.init(createdAt: at, id: id)
    }
}

struct AlertEventResponse: Content {
    var id: String
    var kind: String
    var step: Int
    var actor: String
    var to: String?
    var note: String?
    var at: String

    init(_ event: AlertEvent) {
        id = event.id.apiString; kind = event.kind.rawValue; step = event.step; actor = event.actor
        to = event.targetUser?.apiString; note = event.note; at = Timestamp.text(event.at)
    }
}

struct DeliveryResponse: Content {
    var id: String
    var event: String
    var channel: String
    /// A user's id, or `duty-centre`.
    var recipient: String
    var audience: String
    var state: String
    var attempts: Int
    var error: String?
    var queuedAt: String
    var sentAt: String?
    /// When the gateway reported it delivered to the phone.
    var deliveredAt: String?

    init(_ delivery: Delivery) {
        id = delivery.idempotencyKey; event = delivery.eventID.apiString; channel = delivery.planned.channel.rawValue
        recipient = delivery.planned.recipient; audience = delivery.planned.audience.rawValue; state = delivery.state.rawValue
        attempts = delivery.attempts; error = delivery.error; queuedAt = Timestamp.text(delivery.createdAt)
        sentAt = delivery.sentAt.map(Timestamp.text)
        deliveredAt = delivery.deliveredAt.map(Timestamp.text)
    }
}

struct AlertDeliveriesResponse: Content {
    var alert: AlertResponse
    var events: [AlertEventResponse]
    var deliveries: [DeliveryResponse]
}

package struct IngestResponse: Content {
    package struct Refused: Content { package var index: Int; package var device: String?; package var reason: String }
    package var accepted: Int
    package var refused: [Refused]
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

package struct AlertResponse: Content {
    package var id: String
    package var caseId: String
    package var kind: String
    package var order: String?
    package var zone: Int?
    package var device: String
    package var at: ZonedDateTime
    package var distanceMeters: Int?
    package var accuracyMeters: Int?
    /// The incident a breach was recorded as.
    package var incident: String?
    /// Where the person who raised it was (a victim's panic alert, when her phone shared it).
    package var lat: Double?
    package var lon: Double?
    package var raisedAt: String
    package var acknowledgedAt: String?
    package var acknowledgedBy: String?
    package var escalatedAt: String?

    init(_ alert: StoredAlert, position: StoredPing? = nil) {
        lat = position?.lat; lon = position?.lon
        id = alert.id.apiString; caseId = alert.caseID.apiString; kind = alert.kind.rawValue; order = alert.order; zone = alert.zone
        device = alert.device; at = alert.at; distanceMeters = alert.distanceMeters; accuracyMeters = alert.accuracyMeters
        incident = alert.incident; raisedAt = Timestamp.text(alert.createdAt)
        acknowledgedAt = alert.acknowledgedAt.map(Timestamp.text); acknowledgedBy = alert.acknowledgedBy
        escalatedAt = alert.escalatedAt.map(Timestamp.text)
    }
}
