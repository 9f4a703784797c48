import Domain
import Presentation
import Store
import Vapor

/// What every signed-in page shows: the words in the page's language, the language switch, who
/// is signed in, the form token, the emergency number and the quick exit.
struct PageFrame: Encodable {
    struct LanguageLink: Encodable { var code: String; var label: String; var current: Bool }

    var t: [String: String]
    var lang: String
    var languages: [LanguageLink]
    var path: String
    var displayName: String
    var role: String
    var csrf: String
    var emergencyNumber: String?
    var quickExit: String
    /// The quick exit and the safety script are on the page (the victim's pages).
    var safety: Bool
    /// A neutral tab title and no "Qorgau" on the page (see `AppConfig.discreet`).
    var discreet: Bool

    static func make(_ req: Request, emergencyNumber: String? = nil) throws -> PageFrame {
        let signedIn = try req.signedIn
        let words = PublicFrame(req)
        return PageFrame(t: words.t, lang: words.lang, languages: words.languages,
                         path: words.path, displayName: signedIn.user.displayName, role: signedIn.user.role.rawValue,
                         csrf: signedIn.session?.csrfToken ?? "", emergencyNumber: emergencyNumber,
                         quickExit: req.application.qorgauConfig.quickExitURL, safety: signedIn.user.role == .victim,
                         discreet: signedIn.user.role == .victim && req.application.qorgauConfig.discreet != .off)
    }
}

/// The words and language switch of the pages shown before signing in (and the account page).
struct PublicFrame: Encodable {
    var t: [String: String]
    var lang: String
    var languages: [PageFrame.LanguageLink]
    var path: String
    /// Pages shown before signing in (and error pages) may be seen by a victim: the quick exit is on them.
    var safety = true
    var quickExit: String
    var discreet: Bool

    /// Set in a browser a victim signed in on: its public pages stay discreet. A neutral name.
    static let discreetCookie = "qd"

    init(_ req: Request) {
        let lang = req.pageLanguage
        self.lang = lang
        t = req.application.catalogs.words(lang)
        languages = Catalogs.languages.map { PageFrame.LanguageLink(code: $0, label: Catalogs.names[$0] ?? $0, current: $0 == lang) }
        path = Self.pagePath(of: req)
        quickExit = req.application.qorgauConfig.quickExitURL
        // an error page a signed-in victim meets is as discreet as her own pages, and so is the
        // sign-in page of a browser a victim has used (after her quick exit, Back shows no "Qorgau")
        let discretion = req.application.qorgauConfig.discreet
        discreet = discretion == .all || (discretion == .victim && ((try? req.signedIn)?.user.role == .victim
                                                                    || req.cookies[Self.discreetCookie] != nil))
    }

    /// The page a language link reloads: the page itself, or after a form was posted (its answer
    /// shown at the form's address, which only takes posts) the page the form is on.
    static func pagePath(of req: Request) -> String {
        guard req.method != .GET else { return req.url.path }
        let parts = req.url.path.split(separator: "/").map(String.init)
        if parts.first == "cases", parts.count >= 4, parts[2] == "incidents", UUID(uuidString: parts[1]) != nil, UUID(uuidString: parts[3]) != nil {
            return "/cases/\(parts[1])/incidents/\(parts[3])/correct" // the episode's page, where its forms are
        }
        if parts.first == "cases", parts.count >= 2, UUID(uuidString: parts[1]) != nil { return "/cases/" + parts[1] }
        if let first = parts.first, ["users", "fund", "alerts", "password", "search", "audit"].contains(first) { return "/" + first }
        return "/"
    }
}

extension Request {
    /// Renders a page and remembers a language chosen with `?lang=`.
    func renderPage(_ name: String, _ context: some Encodable, status: HTTPResponseStatus = .ok) async throws -> Response {
        let response = try await view.render(name, context).encodeResponse(for: self)
        response.status = status
        if let asked = query[String.self, at: "lang"], Catalogs.languages.contains(asked) {
            response.cookies[Self.languageCookie] = HTTPCookies.Value(string: asked, maxAge: 365 * 86_400, path: "/",
                                                                     isSecure: false, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}
