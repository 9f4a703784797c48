import Domain
import Foundation
import Store
import Vapor

/// `GET /search?q=`: cases in the user's scope whose number, or a person's name or IIN, matches;
/// a name in any of its Kazakh, Russian or Latin spellings (the search projection).
struct SearchPage {
    struct Hit: Encodable { var caseId: String; var number: String; var matched: String }
    struct Context: Encodable { var frame: PageFrame; var q: String; var searched: Bool; var hits: [Hit] }

    func page(req: Request) async throws -> Response {
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        var hits: [Hit] = []
        if q.count >= 2 {
            let principal = try req.principal
            hits = try await SearchIndex(db: req.db).search(q, scope: principal.scope, asVictim: principal.role == .victim).map { hit in
                Hit(caseId: hit.caseID.apiString, number: hit.number ?? "—", matched: hit.matched.joined(separator: ", "))
            }
        }
        return try await req.renderPage("search", Context(frame: try PageFrame.make(req), q: q, searched: q.count >= 2, hits: hits))
    }
}
