import Domain
import Foundation

/// Turns instants into the jurisdiction's calendar days, for counting legal time limits.
struct LegalDayCalendar: Sendable {
    let timeZone: TimeZone
    private let cache = OffsetCache()

    init(timeZone identifier: String) {
        timeZone = TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0)!
    }

    func date(of time: ZonedDateTime) -> LocalDate {
        time.localDate(atOffset: offset(atMilliseconds: time.epochMilliseconds))
    }

    /// The last moment of a day in the zone (23:59:59.999 local time).
    func endOfDay(_ day: LocalDate) -> ZonedDateTime {
        let guess = (Int64(day.daysSinceEpoch) + 1) * 86_400_000 - 1
        let offset = offset(atMilliseconds: guess - Int64(offset(atMilliseconds: guess)) * 1000)
        return ZonedDateTime(epochMilliseconds: guess - Int64(offset) * 1000, offsetSeconds: offset)
    }

    /// The zone's offset, asked of Foundation once per quarter of an hour and remembered: zones
    /// change offset only at quarter hours, and asking is slow.
    func offset(atMilliseconds ms: Int64) -> Int {
        let quarter = ms >= 0 ? ms / 900_000 : (ms - 899_999) / 900_000
        if let known = cache.withLock({ $0[quarter] }) { return known }
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(quarter * 900)))
        cache.withLock { if $0.count < 400_000 { $0[quarter] = offset } }
        return offset
    }

    /// The zone's offsets over a span of time, for walking instants in increasing order.
    func schedule(from start: Int64, to end: Int64) -> OffsetSchedule {
        var changes: [(at: Int64, offset: Int)] = []
        var cursor = Date(timeIntervalSince1970: Double(start) / 1000)
        let last = Date(timeIntervalSince1970: Double(end) / 1000)
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next <= last, changes.count < 1000 {
            changes.append((Int64((next.timeIntervalSince1970 * 1000).rounded()), timeZone.secondsFromGMT(for: next)))
            cursor = next
        }
        return OffsetSchedule(first: timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start) / 1000)),
                              changes: changes, calendar: self)
    }

    /// Calendar months later; a day that does not exist in the target month becomes its last day.
    static func adding(months: Int, to day: LocalDate) -> LocalDate {
        let total = day.year * 12 + (day.month - 1) + months
        let year = total / 12, month = total % 12 + 1
        var d = day.day
        while LocalDate(year: year, month: month, day: d) == nil { d -= 1 }
        return LocalDate(year: year, month: month, day: d)!
    }
}

/// Offsets by hour since the epoch, shared by copies of a calendar.
final class OffsetCache: @unchecked Sendable {
    private let lock = NSLock()
    private var offsets: [Int64: Int] = [:]

    func withLock<T>(_ body: (inout [Int64: Int]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&offsets)
    }
}

/// Offsets in force from a start, changing at known instants. Asked in increasing time it answers
/// in constant time; asked out of order it falls back to the calendar.
struct OffsetSchedule {
    let first: Int
    let changes: [(at: Int64, offset: Int)]
    let calendar: LegalDayCalendar
    private var next = 0
    private var current: Int
    private var lastAsked = Int64.min

    init(first: Int, changes: [(at: Int64, offset: Int)], calendar: LegalDayCalendar) {
        self.first = first; self.changes = changes; self.calendar = calendar; self.current = first
    }

    mutating func offset(at ms: Int64) -> Int {
        guard ms >= lastAsked else { return calendar.offset(atMilliseconds: ms) }
        lastAsked = ms
        while next < changes.count, changes[next].at <= ms {
            current = changes[next].offset
            next += 1
        }
        return current
    }
}
