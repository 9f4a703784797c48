import Domain
import Foundation
import Presentation
import Store
import Vapor

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

struct CatalogsKey: StorageKey { typealias Value = Catalogs }

extension Application {
    var catalogs: Catalogs { storage[CatalogsKey.self]! }
}
