import Cases
import Domain
import Foundation
import Store

/// A `ClusterMessage` as it goes over NOTIFY: the JSON the instances exchanged before the alert
/// bus carried domain values (the news as the stream shows it, under `event`), so that instances
/// of the version before and of this one hear each other's alerts during a rolling upgrade.
struct ClusterWire: Codable {
    struct Event: Codable {
        /// The stream's name of the news ("alert", "escalation", "acknowledged", "handover").
        var event: String
        var alert: AlertResponse
        var id: String?
    }

    var origin: UUID
    var kind: ClusterMessage.Kind
    var caseID: UUID?
    var unit: String?
    var event: Event?

    init(_ message: ClusterMessage) {
        origin = message.origin; kind = message.kind; caseID = message.caseID; unit = message.unit
        event = message.news.map { news in
            Event(event: MonitoringController.streamName(of: news.kind), alert: AlertResponse(news.alert, position: news.position),
                  id: news.eventID?.apiString)
        }
    }

    /// The message; nil when its news cannot be read back (not a message of Qorgau's).
    var message: ClusterMessage? {
        guard let event else { return ClusterMessage(origin: origin, kind: kind, caseID: caseID, unit: unit) }
        guard let news = Self.news(event) else { return nil }
        return ClusterMessage(origin: origin, kind: kind, caseID: caseID, unit: unit, news: news)
    }

    static func news(_ event: Event) -> AlertNews? {
        let shown = event.alert
        guard let kind = AlertEvent.Kind.allCases.first(where: { MonitoringController.streamName(of: $0) == event.event }),
              let id = UUID(uuidString: shown.id), let caseID = UUID(uuidString: shown.caseId),
              let raised = ZonedDateTime(shown.raisedAt), let alertKind = Alert.Kind(rawValue: shown.kind) else { return nil }
        var alert = StoredAlert(id: id, caseID: caseID,
                                alert: Alert(kind: alertKind, order: shown.order, zone: shown.zone, device: shown.device, at: shown.at,
                                             distanceMeters: shown.distanceMeters, accuracyMeters: shown.accuracyMeters),
                                incident: shown.incident, createdAt: raised.epochMilliseconds)
        alert.acknowledgedAt = shown.acknowledgedAt.flatMap(ZonedDateTime.init).map(\.epochMilliseconds)
        alert.acknowledgedBy = shown.acknowledgedBy
        alert.escalatedAt = shown.escalatedAt.flatMap(ZonedDateTime.init).map(\.epochMilliseconds)
        // the stream shows where she was as the alert's lat/lon: her position at the alert's moment
        let position = shown.lat.flatMap { lat in shown.lon.map { lon in
            StoredPing(caseID: caseID, ping: Ping(device: shown.device, at: shown.at, lat: lat, lon: lon))
        } }
        return AlertNews(kind: kind, alert: alert, position: position, eventID: event.id.flatMap(UUID.init(uuidString:)))
    }
}
