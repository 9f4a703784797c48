import Cases
import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// Every page each role can reach by following links from its home page, on the demo's cases,
/// in Russian and Kazakh: none shows an id where a name exists, or a code of the law or of the
/// case file's vocabulary where its words exist.
@Suite struct PageSweepTests {
    /// What a reader must never see: ids, the law's codes, and the vocabulary's camelCase values
    /// (each has its words in the catalogs).
    static let codes: [String] = [
        "KZ.CC", "KZ.CAO", "protectiveOrder", "specialRequirements", "stalkingProtectionOrder",
        "privacyIntrusion", "publicConflict", "propertyDamage", "inPerson", "phoneCall", "socialNetwork", "thirdParty",
        "gpsTracker", "formerSpouse", "formerPartner", "changedResidence", "changedJob", "soughtProtection",
        "psychologicalOrMedicalHelp", "lostIncome", "restrictedMovement", "preTrial", "inCourt", "fundOfficer",
        "communityService", "correctionalWorks", "mandatoryPayment", "minimumEpisodes", "enteredInError",
    ]
    static let uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    /// Links a sweep does not follow: leaving, downloads, and what is not a page.
    static func followed(_ path: String) -> Bool {
        guard path.hasPrefix("/"), !path.hasPrefix("//") else { return false }
        let bare = path.split(separator: "?").first.map(String.init) ?? path
        for skipped in ["/exit", "/logout", "/assets/", "/sw.js", "/api/", "/login"] where bare.hasPrefix(skipped) { return false }
        for ending in [".csv", ".xlsx", ".zip", ".json", ".ics"] where bare.hasSuffix(ending) { return false }
        return !bare.contains("/evidence/")
    }

    @Test func noPageOfAnyRoleShowsAnIdOrACodeWhereANameExists() async throws {
        try await withQorgauApp { app in
            _ = try await Cases.Demo.load(into: app.db)
            _ = try await Cases.Demo.loadUsers(into: app.db, bcryptCost: 4)
            let roles: [(String, Role)] = [("officer.bostandyk", .officer), ("victim.aigerim", .victim), ("investigator.almaty", .investigator),
                                           ("judge.shymkent", .judge), ("fund.officer", .fundOfficer), ("admin.demo", .administrator),
                                           ("auditor.demo", .auditor)]
            for (username, role) in roles {
                let user = try await app.makeUser(role, username: username)
                for lang in ["ru", "kk"] {
                    let visited = try await Self.sweep(app, as: user, lang: lang)
                    #expect(visited > 1 || role == .victim, "\(username) \(lang): the sweep found pages")
                }
            }
        }
    }

    /// Follows the links from the home page, 45 pages at most; returns how many were read.
    static func sweep(_ app: Application, as user: TestUser, lang: String) async throws -> Int {
        let who = user.account.username + " " + lang
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: "qorgau_lang=" + lang)
        headers.add(name: .accept, value: "text/html")
        var queue = ["/"], seen: Set<String> = ["/"], visited = 0
        while !queue.isEmpty, visited < 45 {
            let path = queue.removeFirst()
            let page = try await app.request(.GET, path, as: user, headers: headers)
            visited += 1
            if page.status == .seeOther || page.status == .found, let next = page.headers.first(name: .location) {
                if followed(next), seen.insert(next).inserted { queue.append(next) }
                continue
            }
            #expect(page.status == .ok, "\(who) \(path): \(page.status)")
            guard page.headers.contentType?.subType == "html" else { continue }
            check(PageTests.visibleText(page.text), who + " " + path)
            for link in links(page.text) where followed(link) && seen.insert(link).inserted { queue.append(link) }
        }
        return visited
    }

    static func check(_ text: String, _ where_: String) {
        if let id = text.range(of: uuid, options: .regularExpression) {
            let before = text.index(id.lowerBound, offsetBy: -60, limitedBy: text.startIndex) ?? text.startIndex
            Issue.record("\(where_) shows an id: …\(text[before..<id.upperBound])")
        }
        for code in codes where text.contains(code) {
            Issue.record("\(where_) shows the code \(code)")
        }
    }

    static func links(_ html: String) -> [String] {
        html.matches(of: /href="([^"#]+)/).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") }
    }

    @Test func anAuditDetailIsSaidInTheLanguageWithNamesForIds() async throws {
        try await withQorgauApp { app in
            let ru = app.catalogs.words("ru")
            #expect(AuditDetail.said("role fundOfficer", t: ru, names: [:]) == "роль: сотрудник Фонда")
            #expect(AuditDetail.said("stage inCourt", t: ru, names: [:]) == "стадия: в суде")
            #expect(AuditDetail.said("12 pings", t: app.catalogs.words("kk"), names: [:]) == "координаттар: 12")
            let asel = UUID()
            #expect(AuditDetail.said("of user \(asel.uuidString.lowercased())", t: ru, names: [asel: "Асель"]) == "пользователя Асель")
            #expect(AuditDetail.said("expired token \(UUID().uuidString.lowercased())", t: ru, names: [:]) == "токен с истёкшим сроком")
            #expect(AuditDetail.said("alert \(UUID().uuidString.lowercased()) note", t: ru, names: [:]) == "alert … note")
            #expect(AuditDetail.said(nil, t: ru, names: [:]) == "")
        }
    }
}
