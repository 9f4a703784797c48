import Domain
import Law
import Store
import Vapor

/// `POST /api/v1/case-files` imports a whole case (all or nothing);
/// `GET /api/v1/cases/{caseId}/case-file` exports one in the canonical form.
struct CaseFileController {
    let maxBytes: Int
    let packs: PackLibrary

    func importFile(req: Request) async throws -> Response {
        guard let buffer = req.body.data else { throw ValidationFailure(pointer: "", message: "a case file is required", isMalformed: true) }
        var file = try CaseFileReader(jurisdictions: packs.codes).read(data: Data(buffer: buffer))
        let problems = CaseFileRules.problems(file, packs: packs)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        file.case.unit = try await req.unitForNewCase(file.case.unit, pointer: "/case/unit")
        let id = try await CaseFileStore(db: req.db).importCaseFile(file, by: req.principal)
        try await req.grantToCreator(id)
        let warnings = CaseFileRules.warnings(file, packs: packs)
        return try ImportResponse(id: id.apiString, number: file.case.number, persons: file.persons.count,
                                  incidents: file.incidents.count, warnings: warnings.isEmpty ? nil : warnings)
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
