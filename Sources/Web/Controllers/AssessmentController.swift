import Domain
import Law
import Store
import Vapor

/// `GET /api/v1/cases/{caseId}/assessment?at=YYYY-MM-DD&lang=ru|kk|en`: the legal assessment of
/// the case at a date (today in the jurisdiction by default).
struct AssessmentController {
    let packs: PackLibrary

    func assess(req: Request) async throws -> Response {
        let id = try req.uuid("caseID", what: "case")
        var problems: [ValidationProblem] = []
        let at = req.query[String.self, at: "at"]
        let date = at.flatMap(LocalDate.init)
        if let at, date == nil {
            problems.append(.init(pointer: "/at", message: "query parameter at must be a date YYYY-MM-DD, not \"\(at)\""))
        }
        let lang = req.query[String.self, at: "lang"] ?? req.preferredLanguage
        let language = Language(rawValue: lang)
        if language == nil {
            problems.append(.init(pointer: "/lang", message: "query parameter lang must be ru, kk or en, not \"\(lang)\""))
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: id, scope: req.principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        let assessment = try packs.assessor(for: pack.code).assess(file, at: date ?? pack.today(), language: language!)
        let response = Response(status: .ok)
        try response.content.encode(assessment, using: JSONEncoder.api)
        return response
    }
}

extension Request {
    /// The first of ru, kk and en that Accept-Language names, else en.
    var preferredLanguage: String {
        let accepted = headers[.acceptLanguage].flatMap { $0.split(separator: ",") }
            .map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased() }
        for tag in accepted {
            let primary = String(tag.prefix(2))
            if ["ru", "kk", "en"].contains(primary) { return primary }
        }
        return "en"
    }
}
