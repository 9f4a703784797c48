import Domain
import Foundation

extension PackLibrary {
    /// The shared library, or the pack error that stops the program.
    public static func loaded() throws -> PackLibrary {
        try shared.get()
    }

    /// The pack for a case, or a clear error.
    public func pack(for jurisdiction: String) throws -> JurisdictionPack {
        guard let pack = self[jurisdiction] else {
            throw PackError(file: "\(jurisdiction).yaml", message: "no jurisdiction pack for \(jurisdiction)")
        }
        return pack
    }
}

extension JurisdictionPack {
    /// Today's date in the jurisdiction's time zone.
    public func today(now: Date = Date()) -> LocalDate {
        LegalDayCalendar(timeZone: timeZone).date(of: ZonedDateTime(now, offsetSeconds: 0))
    }
}
