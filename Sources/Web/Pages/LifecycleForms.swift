import Cases
import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// The case page's forms for the criminal path: register a proceeding, send it to court, record
/// a verdict. Each goes through `LifecycleService`, the same rules as the API; a refusal comes
/// back on the case page with the messages beside the form's fields and the values kept.
struct LifecycleForms {
    let packs: PackLibrary

    /// Values and messages of the three forms, for the case page.
    struct State: Encodable {
        var proceeding = Values()
        var court = Values()
        var verdict = Values()
        var grant = Values()
        var order = Values()
        var administrative = Values()
        var orderTypes: [IncidentForm.Choice] = []
        var violations: [IncidentForm.Choice] = []
        var administrativeArticles: [IncidentForm.Choice] = []
        var sanctions: [IncidentForm.Choice] = []
        var articles: [IncidentForm.Choice] = []
        var inCourt: [IncidentForm.Choice] = []
        var preTrial: [IncidentForm.Choice] = []
        var punishments: [IncidentForm.Choice] = []
        var outcomes: [IncidentForm.Choice] = []
        /// The orders not revoked nor run out, each with its extension and revocation forms.
        var orderActions: [OrderAction] = []
        /// The form an extension or revocation came back on (its `order` value names which).
        var extend = Values()
        var revoke = Values()
        /// A refusal for an order that no longer has its forms (revoked or run out meanwhile, in
        /// another tab): said under the orders.
        var orderNotice = ""
        /// The person forms: adding one, and correcting one (its `person` value names which).
        var addPerson = Values()
        var correctPerson = Values()
        var personRoles: [IncidentForm.Choice] = []
        var relationships: [IncidentForm.Choice] = []
        var placeKinds: [IncidentForm.Choice] = []
    }

    /// An order that may still be extended or revoked, with the two forms' values and messages.
    struct OrderAction: Encodable {
        var ref: String, label: String
        var extend: Values, revoke: Values
        /// Unfolded when one of its forms came back.
        var open: Bool
    }

    /// A form's values and the message for each field (by the first part of the problem's pointer).
    struct Values: Encodable {
        var values: [String: String] = [:]
        var errors: [String: String] = [:]
        var general = ""
        var failed = false
        /// What will be recorded, shown for the officer to confirm before a legal act is written
        /// (sending to court, a verdict); the form's values go back with the confirmation.
        var confirm: [String] = []
        var hidden: [Hidden] = []
    }
    struct Hidden: Encodable { var name: String; var value: String }

    struct Posted: Content {
        var article: String?, registrationNumber: String?, proceeding: String?, reason: String?
        var court: String?, decidedAt: String?, outcome: String?, punishment: String?, amount: String?
        var type: String?, issuedAt: String?, validUntil: String?, issuer: String?, noContact: String?, minDistanceMeters: String?
        var incidents: [String]?, sanction: String?
        /// The order an extension or revocation is of (from the path).
        var order: String?
        /// "yes" once the officer confirmed what will be recorded.
        var confirm: String?
    }

    /// `POST /cases/{id}/orders`: a protective order or special requirements, no-contact and a
    /// distance (zones are given through the API).
    func issueOrder(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let posted = req.form(Posted.self) ?? Posted()
        let time = try await FormTime.of(caseID, req, packs: packs)
        var conditions: [String: Any] = ["noContact": posted.noContact != nil]
        if let raw = posted.minDistanceMeters, !raw.isEmpty { conditions["minDistanceMeters"] = Int(raw) ?? raw }
        let issued = (posted.issuedAt ?? "").isEmpty ? time.nowToTheMinute : time.instant(posted.issuedAt)
        let json: [String: Any] = ["type": posted.type ?? "", "issuedAt": issued, "issuer": posted.issuer ?? "",
                                   "validUntil": time.instant(posted.validUntil),
                                   "conditions": conditions]
        // an order of the same kind already in force then is extended, not issued twice
        if let type = posted.type.flatMap(OrderType.init(rawValue:)), let start = ZonedDateTime(issued) {
            // an end not given (or not a date) is said by the form's own check; the start alone is asked about here
            let end = ZonedDateTime(time.instant(posted.validUntil)) ?? ZonedDateTime(epochMilliseconds: start.epochMilliseconds + 1, offsetSeconds: 0)
            let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: req.principal.scope)
            let asked = ProtectiveOrder(id: "", type: type, issuedAt: start, validUntil: end, issuer: "", conditions: .init(noContact: false))
            if let existing = OrderRules.duplicate(of: asked, among: file.protectiveOrders) {
                let t = req.application.catalogs.words(req.pageLanguage)
                let pack = try packs.pack(for: file.jurisdiction)
                let format = LocaleFormat(language: req.pageLanguage, timeZone: TimeZone(identifier: pack.timeZone) ?? .current)
                let pattern = t["order_duplicate"] ?? ""
                var name = (t["ordertype_\(type.rawValue)"] ?? type.rawValue) + " (" + format.date(existing.issuedAt.localDate) + ")"
                if !pattern.hasPrefix("{order}") { name = name.prefix(1).lowercased() + name.dropFirst() } // within the sentence
                let text = pattern.replacingOccurrences(of: "{order}", with: name)
                    .replacingOccurrences(of: "{until}", with: format.date(existing.validUntil.localDate))
                return try await refuse(req, form: \.order, posted: posted, [ValidationProblem(pointer: "/type", message: text)])
            }
        }
        return try await attempt(req, caseID: caseID, form: \.order, posted: posted, anchor: "orders") {
            _ = try await service(req).issueOrder(caseID, try Self.node(json))
        }
    }

    /// `POST /cases/{id}/administrative-cases`: violations of an order referred and decided under
    /// the administrative code, the sanction within the pack's bounds.
    func addAdministrativeCase(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let posted = req.form(Posted.self) ?? Posted()
        let time = try await FormTime.of(caseID, req, packs: packs)
        var sanction: [String: Any] = ["type": posted.sanction ?? ""]
        if posted.sanction == "fine" { sanction["mrp"] = Int(posted.amount ?? "") ?? (posted.amount ?? "") }
        if posted.sanction == "arrest" { sanction["days"] = Int(posted.amount ?? "") ?? (posted.amount ?? "") }
        let json: [String: Any] = ["article": posted.article ?? "", "incidents": posted.incidents ?? [], "sanction": sanction,
                                   "decidedAt": time.instant(posted.decidedAt)]
        return try await attempt(req, caseID: caseID, form: \.administrative, posted: posted) {
            _ = try await service(req).addAdministrativeCase(caseID, try Self.node(json))
        }
    }

    /// `POST /cases/{id}/orders/{ref}/extend`: a new end with its reason, read and checked as the
    /// API's `…/extensions` reads them.
    func extendOrder(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        var posted = req.form(Posted.self) ?? Posted()
        posted.order = req.parameters.get("ref")
        let time = try await FormTime.of(caseID, req, packs: packs)
        if let gone = try await Self.orderState(req, caseID: caseID, ref: posted.order).gone {
            return try await refuse(req, form: \.extend, posted: posted, [ValidationProblem(pointer: "", message: gone)])
        }
        return try await attempt(req, caseID: caseID, form: \.extend, posted: posted, anchor: "orders") {
            let body = try Self.node(["validUntil": time.instant(posted.validUntil), "reason": Self.required(posted.reason)])
            let until = body["validUntil"].dateTime()
            let reason = body["reason"].string(maxLength: 2000)
            try body.throwIfInvalid()
            let service = try service(req)
            _ = try await service.extendOrder(caseID, try await service.orderID(caseID, posted.order ?? ""), until: until!, reason: reason!)
        }
    }

    /// `POST /cases/{id}/orders/{ref}/revoke`: the order ends now, with its reason, once the
    /// officer has confirmed what will be recorded.
    func revokeOrder(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        var posted = req.form(Posted.self) ?? Posted()
        posted.order = req.parameters.get("ref")
        let (file, gone) = try await Self.orderState(req, caseID: caseID, ref: posted.order)
        if let gone { return try await refuse(req, form: \.revoke, posted: posted, [ValidationProblem(pointer: "", message: gone)]) }
        let body = try Self.node(["reason": Self.required(posted.reason)])
        let reason = body["reason"].string(maxLength: 2000)
        if !body.log.problems.isEmpty { return try await refuse(req, form: \.revoke, posted: posted, body.log.problems) }
        if posted.confirm != "yes" {
            let t = req.application.catalogs.words(req.pageLanguage)
            let pack = try packs.pack(for: file.jurisdiction)
            let words = CaseWords(t: t, lang: req.pageLanguage, pack: pack, file: file)
            return try await confirm(req, form: \.revoke, posted: posted, [
                (t["confirm_revoke"] ?? "") + " " + words.episode(posted.order ?? ""),
                (t["reason"] ?? "") + ": " + (reason ?? ""),
                t["confirm_revoke_effect"] ?? "",
            ])
        }
        return try await attempt(req, caseID: caseID, form: \.revoke, posted: posted, anchor: "orders") {
            let service = try service(req)
            _ = try await service.revokeOrder(caseID, try await service.orderID(caseID, posted.order ?? ""), at: nil, reason: reason!)
        }
    }

    /// The case file, and why the order can no longer be extended or revoked (absent, revoked, or
    /// run out since the page was loaded) in the page's language; `gone` is nil while it can.
    private static func orderState(_ req: Request, caseID: UUID, ref: String?) async throws -> (file: CaseFile, gone: String?) {
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: req.principal.scope)
        let t = req.application.catalogs.words(req.pageLanguage)
        guard let order = file.protectiveOrders.first(where: { $0.id == ref }) else { return (file, t["order_not_found"]) }
        if order.revokedAt != nil { return (file, t["order_already_revoked"]) }
        if order.validUntil.epochMilliseconds <= nowMilliseconds() { return (file, t["order_ran_out"]) }
        return (file, nil)
    }

    /// A text field's value, or nothing when it is blank (so that the reader says it is required).
    static func required(_ value: String?) -> Any {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return NSNull() }
        return value
    }

    func registerProceeding(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let posted = req.form(Posted.self) ?? Posted()
        if (posted.registrationNumber ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            // a criminal case is registered under its ЕРДР number: the page does not register one without it
            return try await refuse(req, form: \.proceeding, posted: posted,
                                    [ValidationProblem(pointer: "/registrationNumber", message: "is required", code: .required)])
        }
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: req.principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        let counted = try packs.assessor(for: pack.code).assess(file, at: pack.today(), language: .en)
            .offences.first { $0.offence == posted.article }?.episodes.counted ?? []
        var json: [String: Any] = ["article": posted.article ?? "", "incidents": counted,
                                   "registeredAt": FormTime(jurisdiction: file.jurisdiction, packs: packs).nowToTheMinute]
        if let number = posted.registrationNumber, !number.isEmpty { json["registrationNumber"] = number }
        return try await attempt(req, caseID: caseID, form: \.proceeding, posted: posted) {
            _ = try await service(req).registerProceeding(caseID, try Self.node(json))
        }
    }

    func sendToCourt(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let posted = req.form(Posted.self) ?? Posted()
        if posted.confirm != "yes" {
            let t = req.application.catalogs.words(req.pageLanguage)
            let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: req.principal.scope)
            let chosen = file.criminalProceedings.first { $0.id == posted.proceeding }
            return try await confirm(req, form: \.court, posted: posted, [
                (t["confirm_court"] ?? "") + " " + (chosen.map { "\($0.registrationNumber ?? "")" } ?? "—"),
                t["confirm_court_told"] ?? "",
            ])
        }
        return try await attempt(req, caseID: caseID, form: \.court, posted: posted) {
            _ = try await service(req).moveProceeding(caseID, posted.proceeding ?? "", to: .inCourt,
                                                      reason: (posted.reason ?? "").isEmpty ? SystemReason.sentToCourt.rawValue : posted.reason!)
        }
    }

    func recordVerdict(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let posted = req.form(Posted.self) ?? Posted()
        let time = try await FormTime.of(caseID, req, packs: packs)
        if (posted.outcome ?? "").isEmpty {
            return try await refuse(req, form: \.verdict, posted: posted, [ValidationProblem(pointer: "/outcome", message: "is required", code: .required)])
        }
        if posted.confirm != "yes" {
            let t = req.application.catalogs.words(req.pageLanguage)
            var lines = [(t["court"] ?? "") + ": " + (posted.court ?? ""), (t["decided_at"] ?? "") + ": " + (posted.decidedAt ?? "").replacingOccurrences(of: "T", with: " "),
                         (t["outcome"] ?? "") + ": " + (t["outcome_\(posted.outcome ?? "")"] ?? "")]
            if posted.outcome == VerdictOutcome.guilty.rawValue, let punishment = posted.punishment {
                lines.append((t["punishment"] ?? "") + ": " + (t["punishment_\(punishment)"] ?? punishment) + " " + (posted.amount ?? ""))
            }
            return try await confirm(req, form: \.verdict, posted: posted, lines + [t["confirm_verdict_told"] ?? ""])
        }
        var json: [String: Any] = ["proceeding": posted.proceeding ?? "", "court": posted.court ?? "", "outcome": posted.outcome ?? "",
                                   "decidedAt": time.instant(posted.decidedAt)]
        if posted.outcome == VerdictOutcome.guilty.rawValue, let raw = posted.punishment, let type = PunishmentType(rawValue: raw) {
            var punishment: [String: Any] = ["type": raw]
            if let field = Punishment.allowedFields(for: type).first { punishment[field] = Int(posted.amount ?? "") ?? posted.amount ?? "" }
            json["punishment"] = punishment
        }
        return try await attempt(req, caseID: caseID, form: \.verdict, posted: posted) {
            _ = try await service(req).recordVerdict(caseID, try Self.node(json))
        }
    }

    private func service(_ req: Request) throws -> LifecycleService {
        LifecycleService(db: req.db, packs: packs, principal: try req.principal)
    }

    /// The case page with the form asking to confirm what will be recorded.
    func confirm(_ req: Request, form: WritableKeyPath<State, Values>, posted: Any,
                 _ lines: [String]) async throws -> Response {
        var state = State()
        var values = Self.values(of: posted)
        values.confirm = lines.filter { !$0.isEmpty }
        values.hidden = values.values.filter { $0.key != "confirm" }.sorted { $0.key < $1.key }.map { Hidden(name: $0.key, value: $0.value) }
        state[keyPath: form] = values
        return try await CasePage(packs: packs).render(req, form: IncidentForm(), status: .ok, saved: false, lifecycle: state)
    }

    /// The case page with this form's problems beside its fields (or above it, for none), its
    /// values kept, nothing recorded.
    func refuse(_ req: Request, form: WritableKeyPath<State, Values>, posted: Any, _ problems: [ValidationProblem]) async throws -> Response {
        var state = State()
        var values = Self.values(of: posted)
        values.failed = true
        let t = req.application.catalogs.words(req.pageLanguage)
        for problem in problems {
            let field = problem.pointer.split(separator: "/").first.map(String.init) ?? ""
            if field.isEmpty { values.general += (values.general.isEmpty ? "" : "; ") + problem.said(in: t) }
            else { values.errors[field] = (values.errors[field].map { $0 + "; " } ?? "") + problem.said(in: t) }
        }
        state[keyPath: form] = values
        return try await CasePage(packs: packs).render(req, form: IncidentForm(), status: .unprocessableEntity, saved: false, lifecycle: state)
    }

    /// A posted form's text fields by name (a struct's properties).
    static func values(of posted: Any) -> Values {
        var values = Values()
        for child in Mirror(reflecting: posted).children {
            if let label = child.label, let value = child.value as? String { values.values[label] = value }
        }
        return values
    }

    /// Runs a step; on a refusal, the case page again with this form's messages.
    func attempt(_ req: Request, caseID: UUID, form: WritableKeyPath<State, Values>, posted: Any,
                         anchor: String = "lifecycle", _ step: () async throws -> Void) async throws -> Response {
        let messages: [ValidationProblem]
        do {
            try await step()
            return req.redirect(to: "/cases/\(caseID.apiString)?saved=1#\(anchor)")
        } catch let failure as ValidationFailure {
            messages = failure.problems
        } catch DomainError.conflict(let why) {
            messages = [ValidationProblem(pointer: "", message: why)]
        } catch DomainError.notFound(let what) {
            // a proceeding chosen in the form that is not (or no longer) in the case
            messages = [ValidationProblem(pointer: "/proceeding", message: "\(what) not found: reload the page")]
        }
        return try await refuse(req, form: form, posted: posted, messages)
    }

    static func node(_ json: [String: Any]) throws -> JSONNode {
        JSONNode(try JSONDocument.parse(try JSONSerialization.data(withJSONObject: json)), log: ProblemLog())
    }

    /// Fills the choices from the case file and the pack.
    static func choices(_ state: State, file: CaseFile, pack: JurisdictionPack, language: Language, t: [String: String],
                        words: CaseWords) -> State {
        var state = state
        let chosenArticle = state.proceeding.values["article"]
        state.articles = pack.offences.map { .init(value: $0.id, label: "\(words.article($0.id)) — \($0.title[language])", selected: $0.id == chosenArticle) }
        func proceeding(_ p: CriminalProceeding) -> String {
            [words.article(p.article), p.registrationNumber ?? "", words.format.date(p.registeredAt.localDate)].filter { !$0.isEmpty }.joined(separator: " · ")
        }
        state.preTrial = file.criminalProceedings.filter { $0.stage == .preTrial }.map { .init(value: $0.id, label: proceeding($0), selected: false) }
        state.inCourt = file.criminalProceedings.filter { $0.stage == .inCourt }.map { .init(value: $0.id, label: proceeding($0), selected: $0.id == state.verdict.values["proceeding"]) }
        state.punishments = PunishmentType.allCases.map { .init(value: $0.rawValue, label: t["punishment_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == state.verdict.values["punishment"]) }
        // only the measures this jurisdiction has
        let measures = Set(pack.measures.map(\.orderType))
        state.orderTypes = OrderType.allCases.filter { measures.isEmpty || measures.contains($0) }.map { .init(value: $0.rawValue, label: t["ordertype_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == state.order.values["type"]) }
        let referred = Set(file.administrativeCases.flatMap(\.incidents))
        state.violations = file.incidents.filter { !($0.violates ?? []).isEmpty && !referred.contains($0.id) }
            .map { .init(value: $0.id, label: "\(words.episode($0.id)): \(words.description($0).prefix(80))", selected: true) }
        // "Нарушение … — ст. 461 КоАП РК": the pack's title without its own "(ст. 461 КоАП)"
        state.administrativeArticles = (pack.administrativeOffences ?? []).map { offence in
            let title = offence.title[language].replacingOccurrences(of: #"\s*\([^()]*\)$"#, with: "", options: .regularExpression)
            return .init(value: offence.id, label: "\(title) — \(words.article(offence.id))", selected: offence.id == state.administrative.values["article"])
        }
        state.sanctions = AdministrativeSanctionType.allCases.map { .init(value: $0.rawValue, label: t["sanction_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == (state.administrative.values["sanction"] ?? "fine")) }
        // no outcome chosen for the judge: the first option asks
        state.outcomes = [.init(value: "", label: t["choose"] ?? "—", selected: (state.verdict.values["outcome"] ?? "").isEmpty)]
            + VerdictOutcome.allCases.map { .init(value: $0.rawValue, label: t["outcome_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == state.verdict.values["outcome"]) }
        state.personRoles = [.init(value: "", label: t["choose_role"] ?? "—", selected: (state.addPerson.values["role"] ?? "").isEmpty)] + PersonRole.allCases.map { .init(value: $0.rawValue, label: t["personrole_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == state.addPerson.values["role"]) }
        state.relationships = PersonForms.relationshipChoices(selected: state.addPerson.values["relationshipToVictim"] ?? "", t: t)
        state.placeKinds = PersonForms.placeKindChoices(selected: state.addPerson.values["placeKind"] ?? "home", t: t)
        let now = nowMilliseconds()
        state.orderActions = file.protectiveOrders.filter { $0.revokedAt == nil && $0.validUntil.epochMilliseconds > now }.map { order in
            var extend = state.extend.values["order"] == order.id ? state.extend : Values()
            let revoke = state.revoke.values["order"] == order.id ? state.revoke : Values()
            if extend.values["validUntil"] == nil { extend.values["validUntil"] = FormTime.local(order.validUntil) }
            return OrderAction(ref: order.id, label: words.episode(order.id), extend: extend, revoke: revoke,
                               open: state.extend.values["order"] == order.id || state.revoke.values["order"] == order.id)
        }
        for form in [state.extend, state.revoke] where form.failed {
            guard let ref = form.values["order"], !state.orderActions.contains(where: { $0.ref == ref }) else { continue }
            state.orderNotice = ([form.general] + form.errors.values.sorted()).filter { !$0.isEmpty }.joined(separator: "; ")
        }
        return state
    }
}
