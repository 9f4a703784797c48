import Domain
import Foundation
import Store

/// The monitoring's values in the page's language: a zone by its kind and number, its shape in
/// figures, a device's health, durations and lengths.
package enum MonitoringWords {
    /// Who wears a device, or whose position it is: "потерпевшая: Асель Каримова".
    package static func person(_ person: Person, t: [String: String]) -> String {
        (t["personrole_\(person.role.rawValue)"] ?? person.role.rawValue) + ": " + person.name
    }

    /// One of her places: "дом: ул. Абая 10".
    package static func place(_ place: Place, t: [String: String]) -> String {
        [t["placekind_\(place.kind)"] ?? place.kind, place.text ?? ""].filter { !$0.isEmpty }.joined(separator: ": ")
    }

    /// "Зона 1 (дом)".
    package static func zoneKind(_ zone: Zone, number: Int, t: [String: String]) -> String {
        let kind = t["placekind_\(zone.kind)"] ?? t["zonekind_other"] ?? zone.kind
        return (t["monitoring_zone"] ?? "zone").replacingOccurrences(of: "{number}", with: String(number + 1)) + " (" + kind + ")"
    }

    package static func zone(_ zone: Zone, number: Int, order: String, t: [String: String]) -> String {
        zoneKind(zone, number: number, t: t) + " — " + order
    }

    /// "круг радиусом 300 м" or "многоугольник: 5 вершин, 1 вырез".
    package static func shape(_ zone: Zone, t: [String: String], format: LocaleFormat) -> String {
        if let polygon = zone.polygon {
            return (t["monitoring_polygon"] ?? "").replacingOccurrences(of: "{points}", with: String(polygon.count))
                .replacingOccurrences(of: "{holes}", with: String(zone.holes?.count ?? 0))
        }
        return (t["monitoring_circle"] ?? "").replacingOccurrences(of: "{radius}", with: length(zone.radiusMeters ?? 0, t: t))
    }

    /// "300 м", "1,5 км", "−1 км".
    package static func length(_ metres: Double, t: [String: String]) -> String {
        if metres < 0 { return "−" + length(-metres, t: t) }
        if metres >= 1000 {
            let km = metres / 1000
            let text = km == km.rounded() ? String(Int(km)) : String(format: "%.1f", km).replacingOccurrences(of: ".", with: t["decimal_separator"] ?? ".")
            return text + " " + (t["unit_km"] ?? "km")
        }
        return String(Int(metres.rounded())) + " " + (t["unit_metres"] ?? "m")
    }

    /// "1 мин", "24 ч".
    package static func duration(seconds: Int, t: [String: String]) -> String {
        if seconds >= 172_800, seconds % 86_400 == 0 { return "\(seconds / 86_400) " + (t["unit_days_short"] ?? "d") }
        if seconds % 3600 == 0 { return "\(seconds / 3600) " + (t["unit_hours_short"] ?? "h") }
        if seconds % 60 == 0 { return "\(seconds / 60) " + (t["unit_minutes_short"] ?? "min") }
        return "\(seconds) " + (t["unit_seconds_short"] ?? "s")
    }

    /// "5 мин назад".
    package static func ago(ms: Int64, t: [String: String]) -> String {
        let seconds = max(0, Int(ms / 1000))
        let amount = seconds < 3600 ? duration(seconds: max(60, seconds / 60 * 60), t: t)
            : seconds < 172_800 ? duration(seconds: seconds / 3600 * 3600, t: t)
            : "\(seconds / 86_400) " + (t["unit_days_short"] ?? "d")
        return (t["monitoring_ago"] ?? "{time}").replacingOccurrences(of: "{time}", with: amount)
    }

    /// A device's state: silent (no ping for three of its intervals), its last event in the
    /// period (a tampered strap, a low battery), or working.
    package static func health(device: Device, last: StoredPing?, track: [StoredPing], now: Int64, t: [String: String]) -> (text: String, trouble: Bool) {
        guard let last else { return (t["monitoring_state_never"] ?? "", true) }
        if now - last.at.epochMilliseconds > Int64(device.intervalSeconds) * 3_000 { return (t["monitoring_state_silent"] ?? "", true) }
        if let event = track.last(where: { $0.event != nil })?.event {
            return (t["monitoring_state_\(event.rawValue)"] ?? event.rawValue, true)
        }
        return (t["monitoring_state_ok"] ?? "", false)
    }
}
