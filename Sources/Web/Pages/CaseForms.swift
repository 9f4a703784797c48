import Cases
import Domain
import Foundation
import Law
import Store
import Vapor

/// The dashboard's form to open a case (`POST /cases`) and the case page's form to let a victim,
/// investigator or judge see it (`POST /cases/{id}/access`), through the same rules as the API.
struct CaseForms {
    let packs: PackLibrary

    struct NewCase: Content { var number: String?; var jurisdiction: String?; var openedAt: String? }
    struct Grant: Content { var username: String? }

    func open(req: Request) async throws -> Response {
        let posted = req.form(NewCase.self) ?? NewCase()
        let jurisdiction = posted.jurisdiction.flatMap { $0.isEmpty ? nil : $0 } ?? "KZ"
        var problems: [ValidationProblem] = []
        guard packs.codes.contains(jurisdiction) else {
            return try await DashboardPage(packs: packs).page(req: req, newCase: posted, problems: [.init(pointer: "/jurisdiction", message: "unknown jurisdiction")])
        }
        let time = FormTime(jurisdiction: jurisdiction, packs: packs)
        let opened = (posted.openedAt ?? "").isEmpty ? time.now : time.instant(posted.openedAt)
        var json: [String: Any] = ["openedAt": opened]
        if let number = posted.number?.trimmingCharacters(in: .whitespaces), !number.isEmpty {
            json["number"] = number
        } else { // a case is opened under its registration number (КУИ), never as "—"
            problems.append(ValidationProblem(pointer: "/number", message: "the case's number is needed", code: .required))
        }
        let body = try LifecycleForms.node(json)
        let header = FieldReader().header(body)
        problems += body.log.problems
        if problems.isEmpty, let header {
            do {
                let summary = try await req.cases.open(jurisdiction: jurisdiction, header: header)
                return req.redirect(to: "/cases/\(summary.id.apiString)")
            } catch let failure as ValidationFailure {
                problems += failure.problems
            }
        }
        return try await DashboardPage(packs: packs).page(req: req, newCase: posted, problems: problems)
    }

    func grant(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let username = (req.form(Grant.self)?.username ?? "").trimmingCharacters(in: .whitespaces)
        var state = LifecycleForms.State()
        do {
            try await req.access.grant(caseID, username: username)
            return req.redirect(to: "/cases/\(caseID.apiString)?saved=1#access")
        } catch let failure as ValidationFailure {
            state.grant = LifecycleForms.Values(values: ["username": username], errors: ["username": failure.problems.map { $0.said(in: req.application.catalogs.words(req.pageLanguage)) }.joined(separator: "; ")], failed: true)
        }
        return try await CasePage(packs: packs).render(req, form: IncidentForm(), status: .unprocessableEntity, saved: false, lifecycle: state)
    }
}
