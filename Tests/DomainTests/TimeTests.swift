import Domain
import Foundation
import Testing

@Suite struct TimeTests {
    @Test(arguments: ["2025-10-20T19:40:00+05:00", "2025-10-20T14:40:00Z", "1999-12-31T23:59:59.250-03:30",
                      "2024-02-29T00:00:00+14:00"])
    func formatsWhatItParses(_ text: String) throws {
        let t = try #require(ZonedDateTime(text))
        #expect(t.description == text)
    }

    @Test func sameInstantInTwoOffsets() throws {
        let almaty = try #require(ZonedDateTime("2025-10-20T19:40:00+05:00"))
        let utc = try #require(ZonedDateTime("2025-10-20T14:40:00Z"))
        #expect(almaty.epochMilliseconds == utc.epochMilliseconds)
        #expect(almaty.instant == Date(timeIntervalSince1970: 1_760_971_200))
    }

    @Test(arguments: ["2025-10-20", "2025-10-20T19:40:00", "2025-02-30T10:00:00Z", "2025-10-20T24:00:00Z",
                      "2025-10-20 19:40:00+05:00", "2025-10-20T19:40:00+5:00", "garbage", "2025-10-20T19:40:00.Z"])
    func refusesMalformed(_ text: String) {
        #expect(ZonedDateTime(text) == nil)
    }

    @Test func localDateAtOffset() throws {
        let t = try #require(ZonedDateTime("2025-09-15T20:30:00Z"))
        #expect(t.localDate == LocalDate("2025-09-15"))
        #expect(t.localDate(atOffset: 5 * 3600) == LocalDate("2025-09-16"))
    }

    @Test func localDateArithmetic() throws {
        let d = try #require(LocalDate("2025-09-16"))
        #expect(d.adding(days: 365).description == "2026-09-16")
        #expect(LocalDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2025-02-29") == nil)
    }
}
