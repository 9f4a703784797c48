import Cases
import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// `GET|POST /cases/{id}/incidents/{incidentID}/correct`: an incident corrected as the API's
/// `…/corrections` does it, a new version with its reason, the one it replaces kept in its history.
/// The same form and reader as logging one; what the form does not show (who reported it, the
/// orders it violates, the place's position) is kept.
///
/// The same page marks the incident as entered in error, with the reason (`POST …/entered-in-error`),
/// or takes the mark back (`POST …/restore`), as the API's `…/entered-in-error` does.
struct IncidentCorrection {
    let packs: PackLibrary

    struct Context: Encodable {
        var frame: PageFrame
        var caseId: String; var number: String; var name: String
        var form: IncidentForm; var formCase: String
        var mark: Mark
        /// Someone else marked the episode, or took the mark back, before this officer's form arrived.
        var notice: String?
    }

    /// The entered-in-error part of the page: the form to mark, or the mark and the way back.
    struct Mark: Encodable {
        var action: String; var restoreAction: String
        var reason = ""; var error: String?
        /// Set when marked: who marked it and when, and why (kept apart: a reason may run over lines).
        var marked: String?; var reasonGiven: String?
    }

    private struct MarkPosted: Decodable { var reason: String? }

    func page(req: Request) async throws -> Response {
        let (caseID, incidentID) = try ids(req)
        let stored = try await IncidentStore(db: req.db).get(incidentID, caseID: caseID, scope: req.principal.scope)
        return try await render(req, caseID: caseID, incidentID: incidentID, form: IncidentForm(correcting: stored.incident), status: .ok)
    }

    /// `POST /cases/{id}/incidents/{incidentID}/entered-in-error`: marked with the reason, back to
    /// the case's incidents; a missing reason, or a record that names the incident, said on the page.
    func markEnteredInError(req: Request) async throws -> Response {
        let (caseID, incidentID) = try ids(req)
        let store = IncidentStore(db: req.db)
        let current = try await store.get(incidentID, caseID: caseID, scope: req.principal.scope)
        let reason = (req.form(MarkPosted.self)?.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let t = req.application.catalogs.words(req.pageLanguage)
        func refused(_ error: String) async throws -> Response {
            try await render(req, caseID: caseID, incidentID: incidentID, form: IncidentForm(correcting: current.incident), status: .unprocessableEntity,
                             markReason: reason, markError: error)
        }
        let reasonNode = try LifecycleForms.node(["reason": LifecycleForms.required(reason)])
        _ = reasonNode["reason"].string(maxLength: 2000)
        if let problem = reasonNode.log.problems.first { return try await refused(problem.said(in: t)) }
        do {
            _ = try await req.incidents.markEnteredInError(incidentID, caseID: caseID, reason: reason)
        } catch let failure as ValidationFailure {
            let words = try await caseWords(req, caseID: caseID)
            return try await refused(failure.problems.map { problem in
                var problem = problem
                if let record = problem.values?["record"] { problem.values?["record"] = words.record(record) }
                return problem.said(in: t)
            }.joined(separator: "; "))
        } catch DomainError.conflict {
            // marked meanwhile by someone else: their mark stands, and the page says so
            return req.redirect(to: "/cases/\(caseID.apiString)/incidents/\(incidentID.apiString)/correct?already=marked#entered-in-error")
        }
        return req.redirect(to: "/cases/\(caseID.apiString)?saved=1#entered-in-error")
    }

    /// `POST /cases/{id}/incidents/{incidentID}/restore`: the mark taken back.
    func restore(req: Request) async throws -> Response {
        let (caseID, incidentID) = try ids(req)
        do {
            let stored = try await req.incidents.unmarkEnteredInError(incidentID, caseID: caseID)
            return req.redirect(to: "/cases/\(caseID.apiString)?saved=1#incident-\(stored.incident.id)")
        } catch DomainError.conflict {
            return req.redirect(to: "/cases/\(caseID.apiString)/incidents/\(incidentID.apiString)/correct?already=restored")
        }
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
            _ = try await req.incidents.correct(incidentID, caseID: caseID, with: incident, reason: form.reason, expectedVersion: nil)
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

    private func caseWords(_ req: Request, caseID: UUID) async throws -> CaseWords {
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: try req.principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        return CaseWords(t: req.application.catalogs.words(req.pageLanguage), lang: req.pageLanguage, pack: pack, file: file)
    }

    private func render(_ req: Request, caseID: UUID, incidentID: UUID, form: IncidentForm, status: HTTPResponseStatus,
                        markReason: String = "", markError: String? = nil) async throws -> Response {
        let principal = try req.principal
        let summary = try await CaseStore(db: req.db).get(caseID, scope: principal.scope)
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        let frame = try PageFrame.make(req, emergencyNumber: pack.emergencyNumber)
        let stored = try await IncidentStore(db: req.db).get(incidentID, caseID: caseID, scope: principal.scope)
        let words = CaseWords(t: frame.t, lang: frame.lang, pack: pack, file: file)
        var form = form
        let base = "/cases/\(caseID.apiString)/incidents/\(incidentID.apiString)"
        form.action = base + "/correct"
        form.label(frame.t)
        var mark = Mark(action: base + "/entered-in-error", restoreAction: base + "/restore", reason: markReason, error: markError)
        if let marked = stored.enteredInError {
            let by = try await UserStore(db: req.db).displayNames(Set(UUID(uuidString: marked.markedBy).map { [$0] } ?? [])).values.first
            mark.marked = Self.markedBy(by ?? marked.markedBy, at: words.format.dateTime(marked.markedAt), t: frame.t)
            mark.reasonGiven = marked.reason
        }
        let notice = req.query[String.self, at: "already"].flatMap { ["marked", "restored"].contains($0) ? frame.t["entered_in_error_already_\($0)"] : nil }
        return try await req.renderPage("incident-correction", Context(
            frame: frame, caseId: caseID.apiString, number: summary.number ?? "—", name: words.incidentName(stored.incident),
            form: form, formCase: caseID.apiString, mark: mark, notice: notice), status: status)
    }

    /// "отметил(а) Асель Нурланова, 6 дек. 2026 г., 12:28".
    static func markedBy(_ who: String, at when: String, t: [String: String]) -> String {
        (t["entered_in_error_by"] ?? "{who}, {when}").replacingOccurrences(of: "{who}", with: who).replacingOccurrences(of: "{when}", with: when)
    }
}
