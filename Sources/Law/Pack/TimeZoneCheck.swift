import Domain
import Foundation

/// The offset (`+05:00`) a pack's zone must have at a local time (`2025-06-01T12:00`), checked
/// against this machine's time-zone data when the pack is loaded, so that Qorgau refuses to start
/// rather than put incidents on the wrong legal day.
public struct TimeZoneCheck: Codable, Sendable {
    public var at: String
    public var offset: String
    public var source: String

    /// Why the check fails (malformed, or the host's data disagrees), or nil when it passes.
    func problem(in zone: String) -> String? {
        guard let expected = Self.offsetSeconds(offset), let local = LocalDate(String(at.prefix(10))),
              at.count == 16, at.dropFirst(10).first == "T",
              let hour = Int(at.dropFirst(11).prefix(2)), let minute = Int(at.suffix(2)), (0..<24).contains(hour), (0..<60).contains(minute),
              let timeZone = TimeZone(identifier: zone) else {
            return "a time-zone check's at is a local time (2025-06-01T12:00) and its offset one like +05:00"
        }
        // The instant that is this local time at the expected offset: the zone must give that offset there.
        let instant = Date(timeIntervalSince1970: TimeInterval(local.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 - expected))
        let actual = timeZone.secondsFromGMT(for: instant)
        guard actual != expected else { return nil }
        return "this machine's time-zone data gives \(zone) the offset \(Self.written(actual)) at \(at), but it is \(offset) (\(source)): "
            + "update the operating system's time-zone data (tzdata) before starting Qorgau"
    }

    static func offsetSeconds(_ text: String) -> Int? {
        let sign: Int
        switch text.first {
        case "+": sign = 1
        case "-": sign = -1
        default: return nil
        }
        let parts = text.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]), h <= 14, m < 60 else { return nil }
        return sign * (h * 3600 + m * 60)
    }

    static func written(_ seconds: Int) -> String {
        let a = abs(seconds)
        return (seconds < 0 ? "-" : "+") + String(format: "%02d:%02d", a / 3600, a % 3600 / 60)
    }
}
