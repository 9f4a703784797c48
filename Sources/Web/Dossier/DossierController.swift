import Crypto
import Domain
import Fluent
import Law
import Presentation
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
        let content = try await DossierContent.make(caseID: caseID, scope: req.principal.scope, db: req.db, track: req.application.track, packs: packs,
                                                    catalogs: req.application.catalogs, language: language)
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: .ok, headers: headers, body: .init(string: content.page))
    }
}

extension DossierController {
    struct PublishedKey: Content { var algorithm = "Ed25519"; var publicKey: String }

    /// `GET /api/v1/dossier-key` (public): the key every dossier's manifest is signed with, to
    /// check a dossier against (`qorgau verify-dossier FILE --public-key KEY`).
    @Sendable static func publishedKey(req: Request) async throws -> PublishedKey {
        PublishedKey(publicKey: req.application.dossierSigner.publicKeyText)
    }
}
