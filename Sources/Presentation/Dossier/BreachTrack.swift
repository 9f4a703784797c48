import Cases
import Domain
import Foundation
import Monitoring
import Store

/// The tracks around an alert, as its page and the court dossier show them: the respondent's
/// half hour before and after, the victim's (for a distance alert), the order and the zone.
package struct BreachTrack {
    /// Before and after the alert, as court asks.
    package static let windowMs: Int64 = 30 * 60_000

    package var file: CaseFile
    package var alert: StoredAlert
    package var respondent: [StoredPing]
    package var victim: [StoredPing]
    package var order: ProtectiveOrder?
    package var zone: Zone?

    /// The tracks around an alert of a case whose file is given, read from `store`.
    package static func load(_ alert: StoredAlert, file: CaseFile, store: MonitoringStore) async throws -> BreachTrack {
        let caseID = alert.caseID
        let at = alert.at.epochMilliseconds
        let respondent = try await store.track(caseID: caseID, device: alert.device, from: at - windowMs, to: at + windowMs)
        let victimIDs = Set(file.persons.filter { $0.role == .victim }.map(\.id))
        var victim: [StoredPing] = []
        for device in (file.devices ?? []) where victimIDs.contains(device.person) && device.id != alert.device {
            victim += try await store.track(caseID: caseID, device: device.id, from: at - windowMs - 600_000, to: at + windowMs)
        }
        victim.sort { $0.at.epochMilliseconds < $1.at.epochMilliseconds }
        let order = file.protectiveOrders.first { $0.id == alert.order }
        let zone = alert.zone.flatMap { n in order?.conditions.zones.flatMap { n < $0.count ? $0[n] : nil } }
        return BreachTrack(file: file, alert: alert, respondent: respondent, victim: victim, order: order, zone: zone)
    }

    /// The breach's evidence file made again from the stored pings: the respondent's pings of the
    /// half hour up to the alert, one JSON line each, as the monitoring recorded it.
    package var trackFile: String {
        let at = alert.at.epochMilliseconds
        let encoder = BreachIncident.makeLineEncoder()
        return respondent.filter { $0.at.epochMilliseconds >= at - Self.windowMs && $0.at.epochMilliseconds <= at }
            .map { BreachIncident.line($0.ping, encoder: encoder) }.joined()
    }
}
