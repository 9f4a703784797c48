import Domain
import Foundation
import Store
import Vapor

/// What she was writing, kept on the server: as she types (`POST /diary/draft`, sent by the
/// diary's script), when the form comes back with an error (with the photo she chose), and when
/// she submits after her session has ended (`rescue`), so that signing in again brings it back.
/// `POST /diary/draft/discard` throws it away. Only the victim's own draft is ever read.
struct DiaryDrafts {
    /// The fields a draft keeps, each cut to a length no form field needs to pass.
    static let fieldLimits = ["occurredAt": 32, "place": 500, "kind": 40, "channel": 40, "description": 20_000,
                              "witnesses": 2_000, "impact": 400, "againstWill": 8]

    static func fields(of form: IncidentForm) -> [String: String] {
        let values = ["occurredAt": form.occurredAt, "place": form.place, "kind": form.kind, "channel": form.channel,
                      "description": form.description, "witnesses": form.witnesses,
                      "impact": form.impact.joined(separator: ","), "againstWill": form.againstWill]
        return values.reduce(into: [:]) { kept, pair in
            kept[pair.key] = String(pair.value.prefix(fieldLimits[pair.key] ?? 0))
        }
    }

    /// The form as the draft left it.
    static func form(from draft: DiaryDraft) -> IncidentForm {
        var form = IncidentForm()
        let f = draft.fields
        form.occurredAt = f["occurredAt"] ?? ""; form.place = f["place"] ?? ""
        form.kind = f["kind"].flatMap { IncidentKind(rawValue: $0) }?.rawValue ?? form.kind
        form.channel = f["channel"].flatMap { IncidentChannel(rawValue: $0) }?.rawValue ?? form.channel
        form.description = f["description"] ?? ""; form.witnesses = f["witnesses"] ?? ""
        form.impact = (f["impact"] ?? "").split(separator: ",").map(String.init).filter { Impact(rawValue: $0) != nil }
        form.againstWill = ["yes", "no"].contains(f["againstWill"] ?? "") ? f["againstWill"]! : ""
        form.keptPhoto = draft.photo?.name
        return form
    }

    /// `POST /diary/draft`: the diary's fields as they stand (no file: a photo is kept when the
    /// form is submitted). 204, or 403 for anyone but a victim.
    func save(req: Request) async throws -> HTTPStatus {
        let signedIn = try req.signedIn
        guard signedIn.user.role == .victim else { throw Abort(.forbidden, reason: "only a victim's diary keeps drafts") }
        let posted = req.form(IncidentForm.Posted.self) ?? IncidentForm.Posted()
        let caseID = try await Self.ownCase(req.form(CaseField.self)?.case, scope: signedIn.principal.scope, req: req)
        try await Self.keep(posted, caseID: caseID, for: signedIn.user, req: req)
        return .noContent
    }

    /// The case named, when it is one the user may see (a draft names no other).
    static func ownCase(_ caseID: UUID?, scope: CaseScope, req: Request) async throws -> UUID? {
        guard let caseID else { return nil }
        return (try? await CaseStore(db: req.db).requireCase(caseID, scope: scope)) == nil ? nil : caseID
    }

    /// `POST /diary/draft/discard`: the draft and its photo are gone; back to an empty form.
    func discard(req: Request) async throws -> Response {
        let user = try req.signedIn.user
        if let sha256 = try await DiaryDraftStore(db: req.db).discard(of: user.id) { try await Self.removeIfUnused(sha256, req: req) }
        return req.redirect(to: "/#log")
    }

    /// A victim's form sent with a session that has just ended. What she wrote is kept as her
    /// draft (the photo too) and she is asked to sign in, after which her diary shows it; a press of
    /// the panic button raises its alert all the same: she is not sent to sign in first. Only for
    /// her own forms: the session cookie is SameSite=Lax (another site cannot send it), a request
    /// that names its origin must come from Qorgau, and the case must be one she may see.
    static func rescue(_ req: Request, expired user: UserAccount) async -> Response? {
        guard user.role == .victim, req.method == .POST else { return nil }
        if req.headers.first(name: .origin) != nil, !AuthorizationMiddleware.sameOrigin(req) { return nil }
        let parts = req.url.path.split(separator: "/")
        let path: (caseID: UUID?, kind: String)
        if parts.count == 3, parts[0] == "cases", parts[2] == "incidents", let id = UUID(uuidString: String(parts[1])) {
            path = (id, "entry")
        } else if parts == ["diary", "draft"] {
            path = (nil, "draft")
        } else if parts == ["panic"] {
            path = (nil, "panic")
        } else {
            return nil
        }
        do {
            if req.body.data == nil { _ = try await req.body.collect(max: AuthorizationMiddleware.maxFormBytes).get() }
            let principal = try await AccessStore(db: req.db).principal(for: user)
            if path.kind == "panic" {
                let raised = try await PanicButton.raise(for: user, principal: principal, req: req)
                return req.redirect(to: raised.map { "/login?r=\($0.alertID.apiString)" } ?? "/login")
            }
            let caseID = try await ownCase(path.caseID ?? req.form(CaseField.self)?.case, scope: principal.scope, req: req)
            if path.caseID != nil, caseID == nil { return nil }
            try await keep(req.form(IncidentForm.Posted.self) ?? IncidentForm.Posted(), caseID: caseID, for: user, req: req)
        } catch {
            req.logger.warning("a victim's form could not be kept after her session ended: \(String(describing: type(of: error)))")
            return nil
        }
        if path.kind == "draft" { return Response(status: .unauthorized) }
        return req.redirect(to: "/login?kept=1")
    }

    struct CaseField: Content { var `case`: UUID? }

    /// Keeps the posted fields (and a posted photo) as the user's draft.
    static func keep(_ posted: IncidentForm.Posted, caseID: UUID?, for user: UserAccount, req: Request) async throws {
        let store = DiaryDraftStore(db: req.db)
        var draft = try await store.draft(of: user.id) ?? DiaryDraft(caseID: caseID, fields: [:])
        draft.fields = fields(of: IncidentForm(posted))
        if let caseID { draft.caseID = caseID }
        if let photo = try keepPhoto(posted.photo, req: req) { draft.photo = photo }
        if let replaced = try await store.save(draft, of: user.id, now: nowMilliseconds()) { try await removeIfUnused(replaced, req: req) }
    }

    /// Seals a posted photo into the evidence store (not yet evidence: the draft names it).
    /// Nil when none was sent or it is not a file the diary accepts.
    static func keepPhoto(_ file: File?, req: Request) throws -> DiaryDraft.Photo? {
        do { return try SealedPhoto.seal(file, req: req)?.keep(req) } catch is SealedPhoto.Refused { return nil }
    }

    /// Removes a draft's photo from the evidence store unless a record or a draft names it.
    static func removeIfUnused(_ sha256: String, req: Request) async throws {
        if try await !DiaryDraftStore(db: req.db).isReferenced(sha256) { req.application.blobs.remove(sha256) }
    }
}
