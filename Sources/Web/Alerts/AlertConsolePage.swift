import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// `GET /alerts`: the alert console. The open alerts of every case in the officer's scope, the
/// most severe first and then the newest, each with where its chain stands, what was done and
/// who was told; acknowledged with a note, handed to a colleague or escalated from the page.
/// Live through `/assets/alerts.js` (the alert stream); without scripts it refreshes itself.
struct AlertConsolePage {
    let packs: PackLibrary

    /// The order of severity: a victim's panic and a respondent near her before the rest.
    static let severity: [Alert.Kind] = [.panic, .proximity, .zone, .tamper, .silent, .lowBattery]
    static let shown = 200

    struct Line: Encodable { var when: String; var text: String; var note: String? }
    struct Handler: Encodable { var id: String; var name: String }
    struct AlertView: Encodable {
        var id: String; var caseId: String; var caseNumber: String; var when: String; var kind: String; var severe: Bool
        var position: String?; var stage: String; var mayEscalate: Bool; var escalateLabel: String
        var history: [Line]; var deliveries: [Line]; var handlers: [Handler]
    }
    struct Context: Encodable { var frame: PageFrame; var alerts: [AlertView]; var done: String?; var problem: String? }

    func page(req: Request) async throws -> Response {
        try await render(req, problem: nil, status: .ok)
    }

    func render(_ req: Request, problem: String?, status: HTTPStatus) async throws -> Response {
        let frame = try PageFrame.make(req)
        let t = frame.t
        let scope = try req.principal.scope
        await req.application.monitoring.settled() // the alerts already heard on the stream are on the page
        let open = try await DashboardReads(db: req.db).alerts(scope: scope, openOnly: true, before: nil, limit: Self.shown)
        let ids = open.map(\.alert.id)
        let events = try await AlertEventReads(db: req.db).events(of: ids)
        func step(_ alert: StoredAlert) -> Int {
            (events[alert.id] ?? []).filter { $0.kind == .raised || $0.kind == .escalated }.map(\.step).max() ?? 0
        }
        // the most severe kind first; then the furthest up its chain; then the newest
        let sorted = open.sorted { a, b in
            let (ra, rb) = (Self.rank(a.alert.kind), Self.rank(b.alert.kind))
            if ra != rb { return ra < rb }
            let (sa, sb) = (step(a.alert), step(b.alert))
            return sa != sb ? sa > sb : a.alert.createdAt > b.alert.createdAt
        }
        let deliveries = try await DeliveryStore(db: req.db).deliveries(of: ids)
        var people = Set(events.values.flatMap { $0.flatMap { [UUID(uuidString: $0.actor), $0.targetUser].compactMap { $0 } } })
        people.formUnion(deliveries.values.flatMap { $0.compactMap { UUID(uuidString: $0.planned.recipient) } })
        var handlers: [UUID: [Handler]] = [:]
        for caseID in Set(open.map(\.case.id)) {
            handlers[caseID] = try await MonitoringStore(db: req.db).handlers(of: caseID).map { Handler(id: $0.id.apiString, name: $0.name) }
        }
        let names = try await UserStore(db: req.db).displayNames(people)
        func name(_ subject: String) -> String {
            if subject == "monitoring" { return t["actor_monitoring"] ?? subject }
            if subject == PlannedDelivery.dutyCentre { return t["duty_centre"] ?? subject }
            return UUID(uuidString: subject).flatMap { names[$0] } ?? subject
        }
        var views: [AlertView] = []
        let me = try req.signedIn.user.id
        for (alert, summary) in sorted {
            let zone = (try? packs.pack(for: summary.jurisdiction)).flatMap { TimeZone(identifier: $0.timeZone) } ?? .current
            let format = LocaleFormat(language: frame.lang, timeZone: zone)
            func when(_ ms: Int64) -> String { format.dateTime(ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 0)) }
            let history = events[alert.id] ?? []
            let step = step(alert)
            let told = Dictionary(grouping: deliveries[alert.id] ?? [], by: \.eventID)
            var stage = t["alert_step_\(step)"] ?? ""
            if let handed = history.last(where: { $0.kind == .handedOver }), let target = handed.targetUser {
                stage += " · " + (t["alert_handed_to"] ?? "").replacingOccurrences(of: "{to}", with: names[target] ?? "—")
            }
            let position = try await MonitoringStore(db: req.db).position(of: alert).flatMap { PositionText.make($0, t: t) }
            views.append(AlertView(
                id: alert.id.apiString, caseId: summary.id.apiString, caseNumber: summary.number ?? "—", when: format.dateTime(alert.at),
                kind: t["alertkind_\(alert.kind.rawValue)"] ?? alert.kind.rawValue, severe: Self.rank(alert.kind) < 3,
                position: position ?? (alert.kind == PanicButton.alertKind ? t["position_not_shared"] : nil),
                stage: stage,
                mayEscalate: step < AlertEvent.lastStep, escalateLabel: t["alert_escalate_to_\(min(step + 1, AlertEvent.lastStep))"] ?? "",
                history: history.map { event in
                    var text = (t["alertevent_\(event.kind.rawValue)"] ?? event.kind.rawValue)
                        .replacingOccurrences(of: "{step}", with: t["alert_step_\(event.step)"] ?? String(event.step))
                        .replacingOccurrences(of: "{actor}", with: name(event.actor))
                    if let target = event.targetUser { text = text.replacingOccurrences(of: "{to}", with: names[target] ?? "—") }
                    if event.kind != .acknowledged {
                        let count = told[event.id]?.count ?? 0
                        text += " — " + (event.routedAt == nil ? t["alert_told_pending"] ?? ""
                            : count == 0 ? t["alert_told_none"] ?? "" : (t["alert_told_count"] ?? "").replacingOccurrences(of: "{count}", with: String(count)))
                    }
                    return Line(when: when(event.at), text: text, note: event.note)
                },
                deliveries: (deliveries[alert.id] ?? []).map { delivery in
                    let state = t["delivery_\(delivery.state.rawValue)"] ?? delivery.state.rawValue
                    let channel = t["channel_\(delivery.planned.channel.rawValue)"] ?? delivery.planned.channel.rawValue
                    return Line(when: when(delivery.deliveredAt ?? delivery.sentAt ?? delivery.createdAt),
                                text: "\(channel) → \(name(delivery.planned.recipient)): \(state)",
                                note: [.sent, .delivered].contains(delivery.state) ? nil : delivery.error.map { "\(t["attempts"] ?? ""): \(delivery.attempts) · \($0)" })
                },
                handlers: (handlers[summary.id] ?? []).filter { $0.id != me.apiString }))
        }
        let done = req.query[String.self, at: "done"].flatMap { ["acknowledged", "handedOver", "escalated"].contains($0) ? t["alert_done_\($0)"] : nil }
        return try await req.renderPage("alerts", Context(frame: frame, alerts: views, done: done, problem: problem), status: status)
    }

    static func rank(_ kind: Alert.Kind) -> Int { severity.firstIndex(of: kind) ?? severity.count }

    // MARK: the forms

    struct Action: Decodable { var note: String?; var to: String? }

    func acknowledge(req: Request) async throws -> Response {
        try await act(req, done: "acknowledged") { actions, caseID, alertID, note, _ in
            _ = try await actions.acknowledge(alertID, caseID: caseID, note: note)
        }
    }

    func handOver(req: Request) async throws -> Response {
        try await act(req, done: "handedOver") { actions, caseID, alertID, note, to in
            guard let target = to.flatMap(UUID.init(uuidString:)) else {
                throw ValidationFailure(pointer: "/to", message: "choose an officer")
            }
            _ = try await actions.handOver(alertID, caseID: caseID, to: target, note: note)
        }
    }

    func escalate(req: Request) async throws -> Response {
        try await act(req, done: "escalated") { actions, caseID, alertID, note, _ in
            _ = try await actions.escalate(alertID, caseID: caseID, note: note)
        }
    }

    private func act(_ req: Request, done: String,
                     _ action: (AlertActions, UUID, UUID, String?, String?) async throws -> Void) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case"), alertID = try req.uuid("alertID", what: "alert")
        let form = req.form(Action.self)
        let t = try PageFrame.make(req).t
        let raw = form?.note.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let node = JSONNode(raw.isEmpty ? nil : .string(raw), pointer: "/note", log: ProblemLog())
        let note = AlertActions.note(node)
        guard node.log.isEmpty else { return try await render(req, problem: t["alert_problem_note"], status: .unprocessableEntity) }
        do {
            try await action(try AlertActions(req), caseID, alertID, note, form?.to)
        } catch is ValidationFailure {
            return try await render(req, problem: t["alert_problem_handover"], status: .unprocessableEntity)
        } catch DomainError.conflict {
            return try await render(req, problem: t["alert_problem_\(done)"], status: .conflict)
        }
        return req.redirect(to: "/alerts?done=\(done)#alerts")
    }
}

/// Where a person was, as the pages show it: latitude, longitude and accuracy.
enum PositionText {
    static func make(_ point: StoredPing, t: [String: String]) -> String? {
        guard let lat = point.lat, let lon = point.lon else { return nil }
        return String(format: "%.5f, %.5f", lat, lon) + (point.accuracy.map { " (±\(Int($0.rounded()))\u{00A0}" + (t["meters"] ?? "m") + ")" } ?? "")
    }
}
