import Domain
import Foundation
import Law
import Store
import Vapor

/// `GET|POST /cases/{id}/incidents/{incidentID}/correct`: an incident corrected as the API's
/// `…/corrections` does it, a new version with its reason, the one it replaces kept in its history.
/// The same form and reader as logging one; what the form does not show (who reported it, the
/// orders it violates, the place's position) is kept.
struct IncidentCorrection {
    let packs: PackLibrary

    struct Context: Encodable {
        var frame: PageFrame
        var caseId: String; var number: String; var name: String
        var form: IncidentForm; var formCase: String
    }

    func page(req: Request) async throws -> Response {
        let (caseID, incidentID) = try ids(req)
        let stored = try await IncidentStore(db: req.db).get(incidentID, caseID: caseID, scope: req.principal.scope)
        return try await render(req, caseID: caseID, incidentID: incidentID, form: IncidentForm(correcting: stored.incident), status: .ok)
    }

    func save(req: Request) async throws -> Response {
        let (caseID, incidentID) = try ids(req)
        let store = IncidentStore(db: req.db)
        let current = try await store.get(incidentID, caseID: caseID, scope: req.principal.scope)
        var form = IncidentForm(req.form(IncidentForm.Posted.self) ?? IncidentForm.Posted())
        form.correcting = true
        let t = req.application.catalogs.words(req.pageLanguage)
        let time = try await FormTime.of(caseID, req, packs: packs)
        var (incident, errors) = form.incident(reportedBy: current.incident.reportedBy, time: time, t: t, original: current.incident)
        // nothing changed is said first (no reason is asked for a correction that is not one): a new
        // version that says what the last one said would only clutter the history
        var unchanged = false
        if var same = incident, errors.isEmpty {
            same.id = current.incident.id // the form does not carry the episode's reference
            unchanged = same == current.incident
            if unchanged { errors["description"] = ValidationProblem(pointer: "", message: "the correction changes nothing", code: .unchanged).said(in: t) }
        }
        let reasonNode = try LifecycleForms.node(["reason": LifecycleForms.required(form.reason)])
        _ = reasonNode["reason"].string(maxLength: 2000)
        if !unchanged { for problem in reasonNode.log.problems { errors["reason"] = problem.said(in: t) } }
        guard let incident, errors.isEmpty else {
            form.errors = IncidentForm.Errors(errors)
            form.hasErrors = true
            return try await render(req, caseID: caseID, incidentID: incidentID, form: form, status: .unprocessableEntity)
        }
        do {
            _ = try await store.correct(incidentID, caseID: caseID, with: incident, reason: form.reason,
                                        expectedVersion: nil, by: req.principal)
        } catch let failure as ValidationFailure {
            form.errors = IncidentForm.Errors(Dictionary(failure.problems.map {
                (String($0.pointer.split(separator: "/").first ?? "description"), $0.said(in: t))
            }, uniquingKeysWith: { $0 + "; " + $1 }))
            form.hasErrors = true
            return try await render(req, caseID: caseID, incidentID: incidentID, form: form, status: .unprocessableEntity)
        }
        return req.redirect(to: "/cases/\(caseID.apiString)?saved=1#incident-\(current.incident.id)")
    }

    private func ids(_ req: Request) throws -> (UUID, UUID) {
        (try req.uuid("caseID", what: "case"), try req.uuid("incidentID", what: "incident"))
    }

    private func render(_ req: Request, caseID: UUID, incidentID: UUID, form: IncidentForm, status: HTTPResponseStatus) async throws -> Response {
        let principal = try req.principal
        let summary = try await CaseStore(db: req.db).get(caseID, scope: principal.scope)
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        let frame = try PageFrame.make(req, emergencyNumber: pack.emergencyNumber)
        let stored = try await IncidentStore(db: req.db).get(incidentID, caseID: caseID, scope: principal.scope)
        let words = CaseWords(t: frame.t, lang: frame.lang, pack: pack, file: file)
        var form = form
        form.action = "/cases/\(caseID.apiString)/incidents/\(incidentID.apiString)/correct"
        form.label(frame.t)
        return try await req.renderPage("incident-correction", Context(
            frame: frame, caseId: caseID.apiString, number: summary.number ?? "—", name: words.episode(stored.incident.id),
            form: form, formCase: caseID.apiString), status: status)
    }
}
