import Domain
import Foundation
import Store

/// The words of the web pages in Russian, Kazakh and English (`Resources/i18n/LANG.json`, one
/// flat key → text map per language). Loaded once; a test fails when a key is missing in one
/// language or a page uses a key no catalog has.
package struct Catalogs: Sendable {
    package static let languages = ["ru", "kk", "en"]
    /// Each language in its own words, for the switch on every page.
    package static let names = ["ru": "Русский", "kk": "Қазақша", "en": "English"]
    package let texts: [String: [String: String]]

    package static func load() throws -> Catalogs {
        var texts: [String: [String: String]] = [:]
        for language in languages {
            guard let url = Bundle.module.url(forResource: language, withExtension: "json", subdirectory: "i18n") else {
                throw ConfigurationError("the \(language) catalog is missing from the Presentation resources")
            }
            texts[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        return Catalogs(texts: texts)
    }

    package func words(_ language: String) -> [String: String] { texts[language] ?? texts["en"] ?? [:] }
}
