import Domain
import Fluent
import Foundation
import Store
import Vapor

/// `POST /panic`: the victim's panic button. One press raises an alert in each of her cases, to
/// the officers who may see the case (the alert stream, the alerts list) and, left
/// unacknowledged, escalated like any monitoring alert; with the position her phone shared, kept
/// as a point on the case's track. A position that cannot be right is left out, never refused:
/// the alert goes out whatever else is wrong.
struct PanicButton {
    static let alertKind = Alert.Kind.panic
    /// The device name her phone has on the case's track when it raised the alert: one per case
    /// and user (a track point is unique by device and instant).
    static func device(caseID: UUID, userID: UUID) -> String {
        "victim-phone-" + caseID.apiString.prefix(8) + "-" + userID.apiString.prefix(8)
    }
    /// A second press within this long adds no alert (the first is open): the page says it was sent.
    static let repeatWindowMs: Int64 = 60_000

    struct Posted: Content { var lat: String?; var lon: String?; var accuracy: String? }

    /// What a press raised: the alert the pages name (a new one, or the one still open from a press
    /// moments before), and whether her position went with it.
    struct Raised { var alertID: UUID; var withPosition: Bool }

    func press(req: Request) async throws -> Response {
        let signedIn = try req.signedIn
        guard signedIn.user.role == .victim else { throw Abort(.forbidden, reason: "the panic button is the victim's") }
        guard let raised = try await Self.raise(for: signedIn.user, principal: signedIn.principal, req: req) else { return req.redirect(to: "/") }
        // the diary says the police were alerted only for an alert that was raised (not for the
        // address alone); the address says nothing to whoever reads her browser's history
        return req.redirect(to: "/?r=\(raised.alertID.apiString)")
    }

    /// Raises the alerts of a press (nil: she has no open case).
    static func raise(for user: UserAccount, principal: Principal, req: Request) async throws -> Raised? {
        let posted = req.form(Posted.self) ?? Posted()
        let cases = try await CaseStore(db: req.db).list(CaseFilter(), scope: principal.scope, limit: 100, after: nil).items
        let now = nowMilliseconds()
        let at = ZonedDateTime(epochMilliseconds: now, offsetSeconds: 0)
        let position = Self.position(posted)
        var alerts: [StoredAlert] = []
        var positions: [StoredPing] = []
        var units: [UUID: String?] = [:]
        let monitoring = MonitoringStore(db: req.db)
        var repeated: StoredAlert?
        for summary in cases where summary.status == .open {
            let device = Self.device(caseID: summary.id, userID: user.id)
            // a press repeated within a minute adds nothing while the first is still open and
            // no newer position comes with it; once an officer acknowledged it, a press is new
            let open = try await monitoring.recentAlerts(caseID: summary.id, kind: Self.alertKind, since: now - Self.repeatWindowMs)
                .first(where: { $0.device == device && $0.acknowledgedAt == nil })
            var firstHadPosition = false
            if let open { firstHadPosition = try await monitoring.position(of: open) != nil }
            if let recent = open, position == nil || firstHadPosition {
                repeated = repeated ?? recent
                continue
            }
            let accuracy = position.flatMap { $0.accuracy.map { Int($0.rounded()) } }
            alerts.append(StoredAlert(caseID: summary.id, alert: Alert(kind: Self.alertKind, device: device, at: at, accuracyMeters: accuracy),
                                      createdAt: now))
            if let position {
                positions.append(StoredPing(caseID: summary.id, ping: Ping(device: device, at: at, lat: position.lat, lon: position.lon,
                                                                           accuracy: position.accuracy, event: .panic)))
            }
            units[summary.id] = .some(summary.unit)
        }
        if !alerts.isEmpty {
            try await req.application.monitoring.raise(alerts, positions: positions, units: units, db: req.db, by: principal.subject)
        }
        if let first = alerts.first { return Raised(alertID: first.id, withPosition: position != nil) }
        return repeated.map { Raised(alertID: $0.id, withPosition: true) } // said as sent, as the first press was
    }

    /// Whether `alertID` is a panic alert raised within the last 15 minutes (a page says the police
    /// were alerted only then, never for an address alone). The id is random: it names nothing else.
    /// What the diary tells her after a press (`/?r={alert}`): the catalog key of "the police were
    /// alerted", with or without her position; nil unless it is a panic alert of the last 15 minutes.
    static func confirmation(_ alertID: UUID, db: any Database) async throws -> String? {
        let store = MonitoringStore(db: db)
        guard let alert = try await store.raised(alertID, kind: alertKind, since: nowMilliseconds() - 15 * 60_000) else { return nil }
        return try await store.position(of: alert) == nil ? "panic_sent_without_position" : "panic_sent"
    }

    /// The position sent, when it is one: latitude and longitude on the globe, accuracy 0-100 km.
    static func position(_ posted: Posted) -> (lat: Double, lon: Double, accuracy: Double?)? {
        guard let lat = posted.lat.flatMap(Double.init), let lon = posted.lon.flatMap(Double.init),
              lat.isFinite, lon.isFinite, (-90...90).contains(lat), (-180...180).contains(lon) else { return nil }
        let accuracy = posted.accuracy.flatMap(Double.init).flatMap { $0.isFinite && (0...100_000).contains($0) ? $0 : nil }
        return (lat, lon, accuracy)
    }
}
