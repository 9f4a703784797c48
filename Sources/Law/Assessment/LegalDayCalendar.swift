import Domain
import Foundation

/// Turns instants into the jurisdiction's calendar days, for counting legal time limits.
struct LegalDayCalendar: Sendable {
    private let zone: ZoneTable
    var timeZone: TimeZone { zone.timeZone }
    private var cache: OffsetCache { zone.cache }
    private var transitions: [(at: Int64, offset: Int)] { zone.transitions }
    private var offsetAt1900: Int { zone.offsetAt1900 }
    static let tabled: ClosedRange<Int64> = -2_208_988_800_000 ... 7_258_118_400_000 // 1900-01-01 ... 2200-01-01

    init(timeZone identifier: String) { zone = ZoneTable.of(identifier) }

    /// The offset at `start`, and every change of it in (start, end], as Foundation gives them.
    static func transitions(of zone: TimeZone, from start: Int64, to end: Int64) -> (first: Int, changes: [(at: Int64, offset: Int)]) {
        var changes: [(at: Int64, offset: Int)] = []
        var cursor = Date(timeIntervalSince1970: Double(start) / 1000)
        let last = Date(timeIntervalSince1970: Double(end) / 1000)
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next <= last, changes.count < 10_000 {
            changes.append((Int64((next.timeIntervalSince1970 * 1000).rounded()), zone.secondsFromGMT(for: next)))
            cursor = next
        }
        return (zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start) / 1000)), changes)
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
        guard Self.tabled.contains(start), Self.tabled.contains(end), start <= end else {
            let (first, changes) = Self.transitions(of: timeZone, from: start, to: end)
            return OffsetSchedule(first: first, changes: changes[...], calendar: self)
        }
        // The first change after `start`, then those up to `end`.
        var low = 0, high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle].at <= start { low = middle + 1 } else { high = middle }
        }
        var past = low
        while past < transitions.count, transitions[past].at <= end { past += 1 }
        return OffsetSchedule(first: low == 0 ? offsetAt1900 : transitions[low - 1].offset, changes: transitions[low..<past],
                              calendar: self)
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

/// A zone's changes of offset from 1900 to 2200 (a few hundred at most), asked of Foundation once
/// per zone and process: a schedule within those years is then a binary search instead of calls
/// into the time-zone database. A calendar is made for every assessment, deadline and payment, and
/// asking ICU for three centuries of a zone's changes each time was a tenth of the time to rebuild
/// the projections.
final class ZoneTable: Sendable {
    let timeZone: TimeZone
    let transitions: [(at: Int64, offset: Int)]
    let offsetAt1900: Int
    let cache = OffsetCache()

    private init(_ identifier: String) {
        timeZone = TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0)!
        (offsetAt1900, transitions) = LegalDayCalendar.transitions(of: timeZone, from: LegalDayCalendar.tabled.lowerBound,
                                                                   to: LegalDayCalendar.tabled.upperBound)
    }

    private static let made = OffsetCache.Locked<[String: ZoneTable]>([:])

    /// The table of a zone (of UTC for an identifier Foundation does not know), made at its first use.
    static func of(_ identifier: String) -> ZoneTable {
        if let known = made.withLock({ $0[identifier] }) { return known }
        let table = ZoneTable(identifier) // outside the lock: two first uses at once make it twice, harmlessly
        return made.withLock { tables in
            if let known = tables[identifier] { return known }
            tables[identifier] = table
            return table
        }
    }
}

/// Offsets by hour since the epoch, shared by copies of a calendar.
final class OffsetCache: Sendable {
    /// A value behind a lock.
    final class Locked<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Value
        init(_ value: Value) { self.value = value }

        func withLock<T>(_ body: (inout Value) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body(&value)
        }
    }

    private let offsets = Locked<[Int64: Int]>([:])

    func withLock<T>(_ body: (inout [Int64: Int]) -> T) -> T { offsets.withLock(body) }
}

/// Offsets in force from a start, changing at known instants. Asked in increasing time it answers
/// in constant time; asked out of order it falls back to the calendar.
struct OffsetSchedule {
    let first: Int
    let changes: ArraySlice<(at: Int64, offset: Int)>
    let calendar: LegalDayCalendar
    private var next: Int
    private var current: Int
    private var lastAsked = Int64.min

    init(first: Int, changes: ArraySlice<(at: Int64, offset: Int)>, calendar: LegalDayCalendar) {
        self.first = first; self.changes = changes; self.calendar = calendar; self.current = first
        next = changes.startIndex
    }

    mutating func offset(at ms: Int64) -> Int {
        guard ms >= lastAsked else { return calendar.offset(atMilliseconds: ms) }
        lastAsked = ms
        while next < changes.endIndex, changes[next].at <= ms {
            current = changes[next].offset
            next += 1
        }
        return current
    }
}
