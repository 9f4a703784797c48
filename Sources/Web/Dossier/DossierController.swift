import Domain
import Fluent
import Law
import Store
import Vapor

/// `GET /api/v1/cases/{caseID}/dossier?lang=`: the printable dossier page (HTML).
struct DossierController {
    let packs: PackLibrary

    func page(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let lang = req.query[String.self, at: "lang"] ?? req.preferredLanguage
        guard let language = Language(rawValue: lang) else {
            throw ValidationFailure(pointer: "/lang", message: "query parameter lang must be ru, kk or en, not \"\(lang)\"")
        }
        let content = try await DossierContent.make(caseID: caseID, scope: req.principal.scope, db: req.db, packs: packs,
                                                    language: language)
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: .ok, headers: headers, body: .init(string: content.page))
    }
}

/// The dossier for the command line: made, its evidence recorded as exported in each item's
/// custody, and written as a zip.
public enum Dossier {
    public static func export(caseID: UUID, db: any Database, blobs: BlobStore, packs: PackLibrary, to path: String) async throws {
        let store = EvidenceStore(db: db)
        for item in try await store.list(caseID: caseID, scope: .all) {
            try await store.record("exported", of: item, detail: "dossier")
        }
        let content = try await DossierContent.make(caseID: caseID, scope: .all, db: db, packs: packs)
        try DossierArchive.write(content, blobs: blobs, to: path)
    }

    /// The problems found in a dossier file; empty when intact.
    public static func verify(path: String) throws -> [String] { try DossierArchive.verify(path: path) }
}
