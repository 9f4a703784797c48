import Domain
import Foundation
import Store
import Vapor

/// The words of the web pages in Russian, Kazakh and English (`Resources/i18n/LANG.json`, one
/// flat key → text map per language). Loaded once; a test fails when a key is missing in one
/// language or a page uses a key no catalog has.
struct Catalogs: Sendable {
    static let languages = ["ru", "kk", "en"]
    /// Each language in its own words, for the switch on every page.
    static let names = ["ru": "Русский", "kk": "Қазақша", "en": "English"]
    let texts: [String: [String: String]]

    static func load() throws -> Catalogs {
        var texts: [String: [String: String]] = [:]
        for language in languages {
            guard let url = Bundle.module.url(forResource: language, withExtension: "json", subdirectory: "i18n") else {
                throw ConfigurationError("the \(language) catalog is missing from the Web resources")
            }
            texts[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        return Catalogs(texts: texts)
    }

    func words(_ language: String) -> [String: String] { texts[language] ?? texts["en"] ?? [:] }
}

/// The language of a page: `?lang=` (remembered in a cookie), the cookie, then Accept-Language;
/// English when none of ru, kk, en is asked for.
extension Request {
    static let languageCookie = "qorgau_lang"

    /// `?at=YYYY-MM-DD`: a page's assessment and deadlines as they stood on that day.
    var pageDate: LocalDate? { query[String.self, at: "at"].flatMap(LocalDate.init) }

    var pageLanguage: String {
        if let asked = query[String.self, at: "lang"], Catalogs.languages.contains(asked) { return asked }
        if let kept = cookies[Self.languageCookie]?.string, Catalogs.languages.contains(kept) { return kept }
        return preferredLanguage
    }
}

/// Dates and numbers as each language writes them, in the case's time zone. The formatters are
/// made once per page, not once per date shown.
struct LocaleFormat {
    private let dateTimes: DateFormatter
    private let days: DateFormatter
    private let numbers: NumberFormatter

    init(language: String, timeZone: TimeZone) {
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

    func dateTime(_ instant: ZonedDateTime) -> String {
        dateTimes.string(from: Date(timeIntervalSince1970: Double(instant.epochMilliseconds) / 1000))
    }

    func date(_ day: LocalDate) -> String {
        days.string(from: Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400))
    }

    /// A month and year in the language ("окт. 2025").
    func month(_ day: LocalDate) -> String {
        let formatter = DateFormatter()
        formatter.locale = days.locale
        formatter.timeZone = days.timeZone
        formatter.setLocalizedDateFormatFromTemplate("MMMyyyy")
        return formatter.string(from: Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400))
    }

    func number(_ value: Int64) -> String {
        numbers.string(from: NSNumber(value: value)) ?? String(value)
    }
}

struct CatalogsKey: StorageKey { typealias Value = Catalogs }

extension Application {
    var catalogs: Catalogs { storage[CatalogsKey.self]! }
}
