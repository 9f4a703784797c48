import Domain
import Foundation
import Law
import Monitoring
import Presentation
import Store
import Vapor

/// `GET /cases/{id}/monitoring?from=&to=` (local times, the case's zone; or `hours=` back from
/// now): what the monitoring of a case sees, for the officers of
/// its scope. A map of the orders' zones (those in force drawn full, the others faint), the
/// victim's places, each device's last position with its accuracy, the respondent's track and
/// every alert of the period where it was raised; the devices' health; the alerts, each a link to
/// its page. Positions are victim data: the read is audited (`monitoringMap`).
struct MonitoringPage {
    let packs: PackLibrary
    static let periods = [6, 24, 72, 168]

    struct DeviceRow: Encodable {
        var person: String; var kind: String; var id: String; var interval: String
        var last: String; var accuracy: String; var state: String; var trouble: Bool
        /// Where it is replaced and taken off, for an officer who may; the form's values and errors when one failed.
        var replace: String?; var remove: String?
        var newId = ""; var reason = ""; var errors: [String: String] = [:]; var open = false
    }
    struct PersonChoice: Encodable { var value: String; var label: String; var selected: Bool }
    struct AlertRow: Encodable { var when: String; var what: String; var device: String; var distance: String; var link: String }
    struct ZoneRow: Encodable {
        var order: String; var zone: String; var shape: String; var current: Bool
        /// Where the zone is taken off its order (for an officer who may, on an order not revoked).
        var remove: String?
        /// What was wrong with this zone's removal form, when it came back refused.
        var removeError: String?
    }
    /// An order whose zones may be changed here.
    struct EditableOrder: Encodable { var ref: String; var name: String; var selected: Bool }
    struct PlaceChoice: Encodable { var value: String; var label: String; var point: String; var selected: Bool }
    struct KindChoice: Encodable { var value: String; var label: String; var selected: Bool }
    struct Period: Encodable { var hours: Int; var label: String; var selected: Bool }
    /// The period's fields as the form shows them, with what was wrong with them.
    struct Window: Encodable { var from: String; var to: String; var error: String? }
    struct Context: Encodable {
        var frame: PageFrame
        var caseId: String; var number: String
        var map: MapDrawing; var periods: [Period]; var window: Window
        var devices: [DeviceRow]; var alerts: [AlertRow]; var zones: [ZoneRow]
        var tiles: Bool
        /// The zone form, for an officer who may change orders and a case with an order not revoked.
        var editable: [EditableOrder]; var zoneForm: ZoneForms.State; var places: [PlaceChoice]; var kinds: [KindChoice]
        /// What the last zone form did, said.
        var saved: String?
        /// The device forms: the register form's values and errors, who may wear one, whether this officer may.
        var deviceForm: DeviceForms.State; var wearers: [PersonChoice]; var mayDevices: Bool; var devicesSaved: String?
        var deviceKinds: [KindChoice]
        /// What the map needs to turn a click into a point (Web Mercator: zoom, frame corner).
        var projection: String
    }

    func page(req: Request) async throws -> Response {
        try await render(req, caseID: try req.uuid("caseID", what: "case"), zoneForm: ZoneForms.State(), status: .ok)
    }

    func render(_ req: Request, caseID: UUID, zoneForm: ZoneForms.State, deviceForm: DeviceForms.State = .init(),
                status: HTTPResponseStatus) async throws -> Response {
        let principal = try req.principal
        let summary = try await CaseStore(db: req.db).get(caseID, scope: principal.scope)
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        let frame = try PageFrame.make(req, emergencyNumber: pack.emergencyNumber)
        let t = frame.t
        let words = CaseWords(t: t, lang: frame.lang, pack: pack, file: file)
        let hours = req.query[Int.self, at: "hours"].flatMap { Self.periods.contains($0) ? $0 : nil } ?? 24
        let clock = FormTime(jurisdiction: file.jurisdiction, packs: packs)
        let wallClock = nowMilliseconds() // the last position's age is from now, whatever period is shown
        var now = wallClock
        var from = now - Int64(hours) * 3_600_000
        var window = Window(from: "", to: "")
        let askedFrom = req.query[String.self, at: "from"] ?? "", askedTo = req.query[String.self, at: "to"] ?? ""
        if !askedFrom.isEmpty || !askedTo.isEmpty {
            window = Window(from: askedFrom, to: askedTo)
            if let start = ZonedDateTime(clock.instant(askedFrom)), let end = ZonedDateTime(clock.instant(askedTo)),
               start.epochMilliseconds < end.epochMilliseconds, end.epochMilliseconds - start.epochMilliseconds <= 31 * 86_400_000 {
                from = start.epochMilliseconds
                now = end.epochMilliseconds
            } else {
                window.error = t["monitoring_period_wrong"]
            }
        }
        if window.from.isEmpty && window.to.isEmpty {
            window.from = FormTime.local(ZonedDateTime(epochMilliseconds: from, offsetSeconds: clock.offsetSeconds))
            window.to = FormTime.local(ZonedDateTime(epochMilliseconds: now, offsetSeconds: clock.offsetSeconds))
        }
        let store = MonitoringStore(db: req.db, track: req.application.track)
        let devices = file.devices ?? []
        let persons = Dictionary(file.persons.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let last = Dictionary(try await store.lastPings(caseID: caseID, devices: devices.map(\.id)).map { ($0.device, $0) },
                              uniquingKeysWith: { first, _ in first })
        var map = MapBuilder(hysteresisMetres: MonitoringEngine.defaultHysteresisMeters)
        var zones: [ZoneRow] = []
        let mayOrder = principal.may(.manageOrders)
        var editable: [EditableOrder] = []
        for order in file.protectiveOrders {
            let end = order.endsAt.epochMilliseconds
            let current = order.issuedAt.epochMilliseconds < now && end > from // in force during the period shown
            let inForceNow = order.issuedAt.epochMilliseconds <= wallClock && end > wallClock
            let changeable = mayOrder && order.revokedAt == nil && order.validUntil.epochMilliseconds > wallClock
            let base = "/cases/\(caseID.apiString)/orders/\(order.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? order.id)/zones"
            if changeable {
                editable.append(EditableOrder(ref: order.id, name: words.episode(order.id), selected: zoneForm.order == order.id))
            }
            for (n, zone) in (order.conditions.zones ?? []).enumerated() {
                let label = MonitoringWords.zone(zone, number: n, order: words.episode(order.id), t: t)
                let zoneInPeriod = (zone.from?.epochMilliseconds ?? .min) < now && (zone.until?.epochMilliseconds ?? .max) > from
                let liveNow = zone.inForce(at: wallClock)
                // on a map up to now, a zone taken off is drawn faint like an order no longer in force
                let showsNow = now >= wallClock - 60_000
                if zoneInPeriod || liveNow { map.zone(zone, label: label, current: current && zoneInPeriod && (liveNow || !showsNow)) }
                var shape = MonitoringWords.shape(zone, t: t, format: words.format)
                if let since = zone.from { shape += "; " + (t["zones_since"] ?? "").replacingOccurrences(of: "{date}", with: words.format.dateTime(since)) }
                if let until = zone.until { shape += "; " + (t["zones_until"] ?? "").replacingOccurrences(of: "{date}", with: words.format.dateTime(until)) }
                var row = ZoneRow(order: words.episode(order.id), zone: MonitoringWords.zoneKind(zone, number: n, t: t),
                                  shape: shape, current: inForceNow && liveNow,
                                  remove: changeable && liveNow ? base + "/\(n)/remove" : nil)
                if zoneForm.removing == "\(order.id)/\(n)" { row.removeError = zoneForm.errors["remove"] }
                zones.append(row)
            }
        }
        if !editable.contains(where: \.selected), !editable.isEmpty { editable[editable.count - 1].selected = true }
        map.places(of: file, t: t)
        var places: [PlaceChoice] = [] // her places offered as a circle's centre
        for person in file.persons where person.role == .victim {
            for (n, place) in person.places.enumerated() {
                guard let lat = place.lat, let lon = place.lon else { continue }
                let value = "\(person.id)/\(n)"
                places.append(PlaceChoice(value: value, label: MonitoringWords.place(place, t: t), point: "\(lat),\(lon)", selected: zoneForm.place == value))
            }
        }
        var rows: [DeviceRow] = []
        var tracks: [String: [StoredPing]] = [:]
        func who(_ device: Device) -> String { persons[device.person].map { MonitoringWords.person($0, t: t) } ?? device.person }
        // the devices worn before (replaced, taken off): their tracks in the period are evidence too
        let current = Set(devices.map(\.id))
        var former: [Device] = []
        for device in try await DeviceRecords(db: req.db).former(caseID: caseID) where !current.contains(device.id) && !former.contains(where: { $0.id == device.id }) {
            former.append(device)
        }
        for device in devices + former {
            let isRespondent = persons[device.person]?.role == .respondent
            let track = try await store.track(caseID: caseID, device: device.id, from: from, to: now)
            tracks[device.id] = track
            map.track(track.compactMap(\.point), label: (t["monitoring_track"] ?? "") + ": " + who(device) + ", " + device.id, kind: isRespondent ? "respondent" : "victim")
            // where it was last in the period shown (a position from before the period is not drawn as where it is)
            if let ping = track.last(where: { $0.point != nil }), let point = ping.point {
                map.position(point, accuracy: ping.accuracy ?? 0,
                             label: who(device) + ", " + device.id + ", " + words.format.dateTime(ping.at) + " (" + MonitoringWords.ago(ms: wallClock - ping.at.epochMilliseconds, t: t) + ")",
                             kind: isRespondent ? "respondent" : "victim")
            }
        }
        for device in devices {
            let track = tracks[device.id] ?? []
            let ping = last[device.id]
            let state = MonitoringWords.health(device: device, last: ping, track: track, now: wallClock, t: t)
            let base = "/cases/\(caseID.apiString)/devices/\(device.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? device.id)"
            var row = DeviceRow(person: who(device), kind: t["devicekind_\(device.kind.rawValue)"] ?? device.kind.rawValue, id: device.id,
                                interval: MonitoringWords.duration(seconds: device.intervalSeconds, t: t),
                                last: ping.map { words.format.dateTime($0.at) + " (" + MonitoringWords.ago(ms: wallClock - $0.at.epochMilliseconds, t: t) + ")" } ?? (t["monitoring_never"] ?? ""),
                                accuracy: ping?.accuracy.map { "\(Int($0.rounded())) " + (t["unit_metres"] ?? "m") } ?? "—",
                                state: state.text, trouble: state.trouble,
                                replace: mayOrder ? base + "/replace" : nil, remove: mayOrder ? base + "/remove" : nil)
            if deviceForm.target == device.id || deviceForm.target == "remove-" + device.id {
                row.newId = deviceForm.id; row.reason = deviceForm.reason; row.errors = deviceForm.errors; row.open = true
            }
            rows.append(row)
        }
        rows.sort { ($0.trouble ? 0 : 1, $0.person) < ($1.trouble ? 0 : 1, $1.person) }
        var alertRows: [AlertRow] = []
        for alert in try await store.alerts(caseID: caseID, scope: principal.scope) where alert.at.epochMilliseconds >= from && alert.at.epochMilliseconds <= now {
            let link = "/cases/\(caseID.apiString)/alerts/\(alert.id.apiString)"
            let what = t["alertkind_\(alert.kind.rawValue)"] ?? alert.kind.rawValue
            let point = tracks[alert.device]?.last { $0.at.epochMilliseconds == alert.at.epochMilliseconds }
            if let lat = point?.lat, let lon = point?.lon {
                map.alert(GeoPoint(lat: lat, lon: lon), label: what + ", " + words.format.dateTime(alert.at), link: link)
            }
            let wornBy = (devices + former).first { $0.id == alert.device }.map { who($0) + ", " } ?? ""
            // a zone's distance as the alert's page says it: how far inside
            var distance = alert.distanceMeters.map { MonitoringWords.length(Double($0), t: t) } ?? "—"
            if alert.kind == .zone, let lat = point?.lat, let lon = point?.lon, let n = alert.zone,
               let zone = file.protectiveOrders.first(where: { $0.id == alert.order })?.conditions.zones.flatMap({ n < $0.count ? $0[n] : nil }),
               let metres = zone.signedDistance(lat: lat, lon: lon) {
                distance = BreachPage.said(metres, zone: true, t: t)
            }
            alertRows.append(AlertRow(when: words.format.dateTime(alert.at), what: what, device: wornBy + alert.device,
                                      distance: distance, link: link))
        }
        let (drawing, projection) = map.drawWithProjection(title: (t["monitoring_map_title"] ?? "").replacingOccurrences(of: "{number}", with: summary.number ?? "—"),
                               tiles: req.application.qorgauConfig.tilesURL, metres: { MonitoringWords.length($0, t: t) })
        return try await req.renderPage("monitoring", Context(
            frame: frame, caseId: caseID.apiString, number: summary.number ?? "—", map: drawing,
            periods: Self.periods.map { Period(hours: $0, label: MonitoringWords.duration(seconds: $0 * 3600, t: t), selected: $0 == hours) },
            window: window,
            devices: rows, alerts: alertRows, zones: zones, tiles: req.application.qorgauConfig.tilesURL != nil,
            editable: editable, zoneForm: zoneForm, places: places,
            kinds: ["home", "work", "school", "other"].map { KindChoice(value: $0, label: t["placekind_\($0)"] ?? $0, selected: zoneForm.kind == $0) },
            saved: zoneForm.failed ? nil : req.query[String.self, at: "saved"].flatMap { ["added", "removed"].contains($0) ? t["zones_saved_\($0)"] : nil },
            deviceForm: deviceForm,
            wearers: file.persons.filter { $0.role == .respondent || $0.role == .victim }.map {
                PersonChoice(value: $0.id, label: MonitoringWords.person($0, t: t), selected: deviceForm.person == $0.id)
            },
            mayDevices: mayOrder, devicesSaved: req.query[String.self, at: "devices"].flatMap { ["registered", "replaced", "removed"].contains($0) ? t["devices_saved_\($0)"] : nil },
            deviceKinds: ["bracelet", "phone"].map { KindChoice(value: $0, label: t["devicekind_\($0)"] ?? $0, selected: deviceForm.kind == $0) },
            projection: "\(projection.zoom) \(projection.left) \(projection.top)"), status: status)
    }
}
