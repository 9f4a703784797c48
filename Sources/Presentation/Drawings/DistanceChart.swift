import Domain
import Foundation
import Monitoring
import Store

/// The distance over the hour around an alert, as the monitoring measured it: for a zone, from
/// each of the respondent's positions to the zone's edge (below zero inside); for the distance an
/// order sets, from each of his positions to her latest one at that moment (no older than the
/// engine uses). Drawn as SVG with the order's line and the alert's moment marked.
package enum DistanceChart {
    package struct Sample { package var ping: StoredPing; package var metres: Double }

    package struct Drawing: Encodable {
        package struct Tick: Encodable { package var x: String; package var label: String }
        package struct YTick: Encodable { package var y: String; package var label: String }
        package struct Dot: Encodable { package var x: String; package var y: String; package var label: String }
        package var width: String; var height: String; var title: String
        package var line: String; var dots: [Dot]
        package var limitY: String; var limitLabel: String
        package var alertX: String; var alertLabel: String
        package var xTicks: [Tick]; var yTicks: [YTick]
        package var left: String; var right: String; var top: String; var bottom: String
    }

    package static func samples(_ loaded: BreachTrack) -> [Sample] {
        let maxAge = Int64(MonitoringEngine.defaultVictimPositionMaxAge * 1000)
        return loaded.respondent.compactMap { ping in
            guard let lat = ping.lat, let lon = ping.lon else { return nil }
            if let zone = loaded.zone { return zone.signedDistance(lat: lat, lon: lon).map { Sample(ping: ping, metres: $0) } }
            guard loaded.alert.kind == .proximity, let her = loaded.victim.last(where: {
                $0.at.epochMilliseconds <= ping.at.epochMilliseconds && ping.at.epochMilliseconds - $0.at.epochMilliseconds <= maxAge && $0.lat != nil
            }), let herLat = her.lat, let herLon = her.lon else { return nil }
            return Sample(ping: ping, metres: Geo.distanceMeters(lat, lon, herLat, herLon))
        }
    }

    /// The order's line: the zone's edge (0), or the distance the order sets.
    package static func limit(_ loaded: BreachTrack) -> Double {
        loaded.zone != nil ? 0 : loaded.order?.conditions.minDistanceMeters ?? 0
    }

    package static func draw(_ samples: [Sample], loaded: BreachTrack, t: [String: String], format: LocaleFormat) -> Drawing {
        let width = 760.0, height = 280.0, left = 64.0, right = 16.0, top = 16.0, bottom = 40.0
        let at = loaded.alert.at.epochMilliseconds
        let start = at - BreachTrack.windowMs, end = at + BreachTrack.windowMs
        let limit = Self.limit(loaded)
        let values = samples.map(\.metres) + [limit]
        var low = min(0, values.min() ?? 0), high = max(values.max() ?? 1, limit + 1)
        let step = niceStep((high - low) / 5)
        low = (low / step).rounded(.down) * step
        high = (high / step).rounded(.up) * step
        func x(_ ms: Int64) -> Double { left + Double(ms - start) / Double(end - start) * (width - left - right) }
        func y(_ m: Double) -> Double { top + (high - m) / (high - low) * (height - top - bottom) }
        func n(_ v: Double) -> String { String(format: "%.1f", v) }
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm"
        clock.timeZone = TimeZone(secondsFromGMT: loaded.alert.at.offsetSeconds)
        let xTicks = stride(from: start, through: end, by: 10 * 60_000).map { ms in
            Drawing.Tick(x: n(x(ms)), label: clock.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
        }
        let yTicks = stride(from: low, through: high + step / 2, by: step).map { Drawing.YTick(y: n(y($0)), label: MonitoringWords.length($0, t: t)) }
        let limitLabel = loaded.zone != nil ? (t["breach_zone_edge"] ?? "")
            : (t["breach_order_distance"] ?? "").replacingOccurrences(of: "{distance}", with: MonitoringWords.length(limit, t: t))
        let title = loaded.zone != nil ? (t["breach_chart_zone"] ?? "") : (t["breach_chart_victim"] ?? "")
        return Drawing(
            width: n(width), height: n(height), title: title,
            line: samples.map { n(x($0.ping.at.epochMilliseconds)) + "," + n(y($0.metres)) }.joined(separator: " "),
            dots: samples.map { Drawing.Dot(x: n(x($0.ping.at.epochMilliseconds)), y: n(y($0.metres)),
                                            label: format.dateTime($0.ping.at) + ": " + MonitoringWords.length($0.metres, t: t)) },
            limitY: n(y(limit)), limitLabel: limitLabel,
            alertX: n(x(at)), alertLabel: t["alertkind_\(loaded.alert.kind.rawValue)"] ?? loaded.alert.kind.rawValue,
            xTicks: xTicks, yTicks: yTicks, left: n(left), right: n(width - right), top: n(top), bottom: n(height - bottom))
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    package static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        let power = pow(10, log10(raw).rounded(.down))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
    }
}
