import Foundation

/// An instant together with the UTC offset it was written in (`2025-10-20T19:40:00+05:00`).
/// Stored as UTC; the offset is kept so a case file comes back exactly as the agency wrote it.
/// Equality and order are by instant and offset; use `instant` to compare moments.
public struct ZonedDateTime: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Whole milliseconds since 1970-01-01T00:00:00Z.
    public let epochMilliseconds: Int64
    /// The offset from UTC, in seconds, east positive.
    public let offsetSeconds: Int

    public init(epochMilliseconds: Int64, offsetSeconds: Int) {
        self.epochMilliseconds = epochMilliseconds
        self.offsetSeconds = offsetSeconds
    }

    public init(_ date: Date, offsetSeconds: Int) {
        self.init(epochMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()), offsetSeconds: offsetSeconds)
    }

    public var instant: Date { Date(timeIntervalSince1970: Double(epochMilliseconds) / 1000) }

    /// The calendar date at the written offset.
    public var localDate: LocalDate {
        LocalDate(daysSinceEpoch: Int(floorDiv(epochMilliseconds / 1000 + Int64(offsetSeconds), 86_400)))
    }

    /// The calendar date at another offset (a jurisdiction's legal day).
    public func localDate(atOffset seconds: Int) -> LocalDate {
        ZonedDateTime(epochMilliseconds: epochMilliseconds, offsetSeconds: seconds).localDate
    }

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fff]` followed by `Z` or `±HH:MM`. The offset is required.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
              let year = CivilCalendar.number(b, 0, 4), let month = CivilCalendar.number(b, 5, 2),
              let day = CivilCalendar.number(b, 8, 2), let hour = CivilCalendar.number(b, 11, 2),
              let minute = CivilCalendar.number(b, 14, 2), let second = CivilCalendar.number(b, 17, 2),
              LocalDate(year: year, month: month, day: day) != nil, hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var millis = 0
        if b[i] == 46 { // fractional seconds: keep milliseconds, ignore finer digits
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { millis = millis * 10 + Int(b[i] - 48) }
                digits += 1; i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        }
        guard i < b.count else { return nil }
        let offset: Int
        if b[i] == 90 || b[i] == 122 { // Z
            guard i + 1 == b.count else { return nil }
            offset = 0
        } else {
            guard b[i] == 43 || b[i] == 45, i + 6 == b.count, b[i + 3] == 58,
                  let oh = CivilCalendar.number(b, i + 1, 2), let om = CivilCalendar.number(b, i + 4, 2),
                  oh <= 18, om < 60 else { return nil }
            offset = (b[i] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
        }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        let localSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.init(epochMilliseconds: (localSeconds - Int64(offset)) * 1000 + Int64(millis), offsetSeconds: offset)
    }

    public var description: String {
        let local = epochMilliseconds + Int64(offsetSeconds) * 1000
        let days = floorDiv(local, 86_400_000)
        let msOfDay = Int(local - days * 86_400_000)
        let (y, m, d) = CivilCalendar.civil(fromDays: Int(days))
        let secondsOfDay = msOfDay / 1000
        var text = CivilCalendar.pad(y, 4) + "-" + CivilCalendar.pad(m, 2) + "-" + CivilCalendar.pad(d, 2) + "T"
            + CivilCalendar.pad(secondsOfDay / 3600, 2) + ":" + CivilCalendar.pad(secondsOfDay / 60 % 60, 2) + ":"
            + CivilCalendar.pad(secondsOfDay % 60, 2)
        if msOfDay % 1000 != 0 { text += "." + CivilCalendar.pad(msOfDay % 1000, 3) }
        if offsetSeconds == 0 { return text + "Z" }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let abs = Swift.abs(offsetSeconds)
        return text + sign + CivilCalendar.pad(abs / 3600, 2) + ":" + CivilCalendar.pad(abs / 60 % 60, 2)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ZonedDateTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "expected a date-time with offset, e.g. 2025-10-20T19:40:00+05:00"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
