import Domain
import Foundation

/// Turns instants into the jurisdiction's calendar days, for counting legal time limits.
struct LegalDayCalendar: Sendable {
    let timeZone: TimeZone

    init(timeZone identifier: String) {
        timeZone = TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0)!
    }

    func date(of time: ZonedDateTime) -> LocalDate {
        time.localDate(atOffset: timeZone.secondsFromGMT(for: time.instant))
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
