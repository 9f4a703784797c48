import Cases
import Domain
import Store
import Vapor

/// `POST /api/v1/case-files` imports a whole case (all or nothing);
/// `GET /api/v1/cases/{caseId}/case-file` exports one in the canonical form.
struct CaseFileController {
    let maxBytes: Int

    func importFile(req: Request) async throws -> Response {
        guard let buffer = req.body.data else { throw ValidationFailure(pointer: "", message: "a case file is required", isMalformed: true) }
        let imported = try await req.imports.importCaseFile(Data(buffer: buffer))
        let (id, file) = (imported.id, imported.file)
        return try ImportResponse(id: id.apiString, number: file.case.number, persons: file.persons.count, incidents: file.incidents.count,
                                  warnings: imported.warnings.isEmpty ? nil : imported.warnings)
            .created(at: "/api/v1/cases/\(id.apiString)")
    }

    func export(req: Request) async throws -> Response {
        let id = try req.uuid("caseID", what: "case")
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: id, scope: req.principal.scope)
        let response = Response(status: .ok, body: .init(data: try CaseFileCodec.encode(file)))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.qorgau.case-file+json")
        return response
    }
}
