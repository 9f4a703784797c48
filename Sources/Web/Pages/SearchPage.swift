import Domain
import Foundation
import Store
import Vapor

/// `GET /search?q=`: cases in the user's scope whose number, or a person's name or IIN, matches.
struct SearchPage {
    struct Hit: Encodable { var caseId: String; var number: String; var matched: String }
    struct Context: Encodable { var frame: PageFrame; var q: String; var searched: Bool; var hits: [Hit] }

    func page(req: Request) async throws -> Response {
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        var hits: [Hit] = []
        if q.count >= 2 {
            let needle = q.lowercased()
            for (summary, file) in try await CaseFileStore(db: req.db).allCaseFiles(scope: req.principal.scope) {
                var matched: [String] = []
                if let number = summary.number, number.lowercased().contains(needle) { matched.append(number) }
                for person in file.persons {
                    if person.name.lowercased().contains(needle) { matched.append(person.name) }
                    if let iin = person.iin, iin == q { matched.append(iin) }
                }
                if !matched.isEmpty { hits.append(Hit(caseId: summary.id.apiString, number: summary.number ?? "—", matched: matched.joined(separator: ", "))) }
            }
        }
        return try await req.renderPage("search", Context(frame: try PageFrame.make(req), q: q, searched: q.count >= 2, hits: hits))
    }
}
