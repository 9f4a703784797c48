import Domain
import Foundation
@testable import Law
import Testing

/// The calendar's table of offset changes gives, for any span between 1900 and 2200, the offsets
/// Foundation gives instant by instant: zones with daylight saving, half-hour saving, a changed
/// standard offset (Almaty in 2024) and a skipped day (Apia in 2011).
@Suite struct LegalDayCalendarTests {
    @Test(arguments: ["Asia/Almaty", "Europe/Berlin", "Europe/London", "America/Sao_Paulo", "Australia/Lord_Howe",
                      "Pacific/Apia", "America/New_York"])
    func schedulesAgreeWithTheTimeZoneDatabase(_ zone: String) {
        let calendar = LegalDayCalendar(timeZone: zone)
        var g = SeededGenerator(seed: UInt64(zone.utf8.count) * 7919)
        for _ in 0..<300 {
            let start = -631_152_000_000 + Int64(g.next() % 6_000_000_000) * 1000 // 1950 onwards, ~190 years
            let times = (0..<20).map { _ in start + Int64(g.next() % 63_072_000_000) }.sorted() // within two years
            var schedule = calendar.schedule(from: times.first!, to: times.last!)
            for time in times {
                let expected = calendar.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time) / 1000))
                #expect(schedule.offset(at: time) == expected, "\(zone) at \(time)")
            }
        }
    }
}
