import Domain
import Foundation
import Monitoring
import Store

/// A zone or proximity breach recorded as an incident reported by monitoring, so that it goes
/// straight into the legal assessment and the risk status. Its evidence is the device's track
/// over the half hour before, as JSON lines, named by its SHA-256 (the pings themselves are
/// kept in the track table, so the file can be rebuilt and its hash checked).
package enum BreachIncident {
    package static func make(_ alert: Alert, id: String, ping: Ping, track: [Ping]) -> Incident {
        let encoder = makeLineEncoder()
        let lines = track.map { line($0, encoder: encoder) }.joined()
        let digest = SHA256Hex.of(lines)
        let what: String
        switch alert.kind {
        case .zone: what = "entered zone \(alert.zone.map(String.init) ?? "?") of order \(alert.order ?? "?")"
        default: what = "came within the distance of order \(alert.order ?? "?") from the victim (\(alert.distanceMeters ?? 0) m)"
        }
        return Incident(id: id, occurredAt: ping.at, kind: .tracking, channel: .gpsTracker,
                        place: IncidentPlace(text: "monitoring position", lat: alert.lat ?? ping.lat, lon: alert.lon ?? ping.lon),
                        description: "Monitoring: device \(alert.device) \(what); GPS accuracy \(alert.accuracyMeters ?? 0) m",
                        againstWill: true, violence: false, reportedBy: .monitoring, impact: [],
                        evidence: [EvidenceRef(sha256: digest, name: "track-\(alert.device)-\(ping.at.epochMilliseconds).jsonl",
                                               mediaType: "application/x-ndjson")])
    }

    /// An encoder of track lines; made once per track, not per line (a track has dozens).
    package static func makeLineEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// One ping as a line of the track file (the contract's ping format).
    package static func line(_ ping: Ping, encoder: JSONEncoder = makeLineEncoder()) -> String {
        let data = (try? encoder.encode(ping)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
