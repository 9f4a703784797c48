import Domain
import Foundation

extension PackLibrary {
    /// The shared library, or the pack error that stops the program.
    public static func loaded() throws -> PackLibrary {
        try shared.get()
    }

    /// The assessor for a jurisdiction, or a clear error.
    public func assessor(for jurisdiction: String) throws -> Assessor {
        guard let assessor = assessors[jurisdiction] else { throw Self.missing(jurisdiction) }
        return assessor
    }

    /// The day to report at when none is given, for lists across jurisdictions: today in the
    /// Kazakhstan pack's zone, where Qorgau is first deployed, or in UTC without that pack.
    public func reportingDay(now: Date = Date()) -> LocalDate {
        self["KZ"]?.today(now: now) ?? ZonedDateTime(now, offsetSeconds: 0).localDate
    }

    /// The pack for a case, or a clear error.
    public func pack(for jurisdiction: String) throws -> JurisdictionPack {
        guard let pack = self[jurisdiction] else { throw Self.missing(jurisdiction) }
        return pack
    }

    static func missing(_ jurisdiction: String) -> PackError {
        PackError(file: "\(jurisdiction).yaml", message: "no jurisdiction pack for \(jurisdiction)")
    }
}

extension JurisdictionPack {
    /// Today's date in the jurisdiction's time zone.
    public func today(now: Date = Date()) -> LocalDate {
        LegalDayCalendar(timeZone: timeZone).date(of: ZonedDateTime(now, offsetSeconds: 0))
    }
}

extension JurisdictionPack {
    /// The legal day of a moment in the jurisdiction's time zone.
    public func legalDay(of time: ZonedDateTime) -> LocalDate {
        LegalDayCalendar(timeZone: timeZone).date(of: time)
    }

    /// The last moment of a day in the jurisdiction's time zone.
    public func endOfDay(_ day: LocalDate) -> ZonedDateTime {
        LegalDayCalendar(timeZone: timeZone).endOfDay(day)
    }

    /// Now, written with the jurisdiction's offset.
    public func now(_ date: Date = Date()) -> ZonedDateTime {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        return ZonedDateTime(epochMilliseconds: ms, offsetSeconds: LegalDayCalendar(timeZone: timeZone).offset(atMilliseconds: ms))
    }
}
