import Domain
import Foundation

/// Dates and numbers as each language writes them, in the case's time zone. The formatters are
/// made once per page, not once per date shown.
package struct LocaleFormat {
    private let dateTimes: DateFormatter
    private let days: DateFormatter
    private let numbers: NumberFormatter

    package init(language: String, timeZone: TimeZone) {
        let locale = Locale(identifier: ["ru": "ru_KZ", "kk": "kk_KZ"][language] ?? "en_GB")
        dateTimes = DateFormatter()
        dateTimes.locale = locale
        dateTimes.timeZone = timeZone
        dateTimes.dateStyle = .medium
        dateTimes.timeStyle = .short
        days = DateFormatter()
        days.locale = locale
        days.timeZone = TimeZone(identifier: "UTC")
        days.dateStyle = .medium
        days.timeStyle = .none
        numbers = NumberFormatter()
        numbers.locale = locale
        numbers.numberStyle = .decimal
    }

    package func dateTime(_ instant: ZonedDateTime) -> String {
        dateTimes.string(from: Date(timeIntervalSince1970: Double(instant.epochMilliseconds) / 1000))
    }

    package func date(_ day: LocalDate) -> String {
        days.string(from: Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400))
    }

    /// A month and year in the language ("окт. 2025").
    package func month(_ day: LocalDate) -> String {
        let formatter = DateFormatter()
        formatter.locale = days.locale
        formatter.timeZone = days.timeZone
        formatter.setLocalizedDateFormatFromTemplate("MMMyyyy")
        return formatter.string(from: Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400))
    }

    package func number(_ value: Int64) -> String {
        numbers.string(from: NSNumber(value: value)) ?? String(value)
    }
}
