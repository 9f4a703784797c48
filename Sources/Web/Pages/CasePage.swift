import Cases
import Domain
import Foundation
import Law
import Monitoring
import Presentation
import Store
import Vapor

/// `GET /cases/{id}`: everything about a case on one page, for those who work it, and the form
/// to log an incident (`POST /cases/{id}/incidents`).
struct CasePage {
    let packs: PackLibrary

    struct Row: Encodable { var cells: [String] }
    struct PersonView: Encodable { var role: String; var name: String; var iin: String; var places: [String] }
    struct IncidentView: Encodable {
        var id: String; var when: String; var kind: String; var channel: String; var description: String
        var againstWill: String; var violates: String; var reportedBy: String; var violation: Bool
        /// Its id in the store, for the correction page.
        var storedId: String
    }
    /// `allCounted`: its episodes are every counted one (listed once, under the table).
    struct ElementView: Encodable {
        var name: String; var status: String; var statusLabel: String; var incidents: [CaseWords.Episode]; var allCounted: String?; var note: String
    }
    struct OffenceView: Encodable {
        var citation: String; var title: String; var conclusion: String; var conclusionLabel: String
        var elements: [ElementView]; var explanation: String; var counted: [CaseWords.Episode]; var earliestExpiry: String
        /// The id of its list of counted episodes on the page.
        var anchor: String
        /// Episodes a verdict judged, and counted ones already sanctioned administratively.
        var adjudicated: [CaseWords.Episode]; var sanctioned: [CaseWords.Episode]
        /// Episodes out of time, before the norm, and before a verdict but not in it.
        var timeBarred: [CaseWords.Episode]; var beforeInForce: [CaseWords.Episode]; var beforeVerdict: [CaseWords.Episode]
        /// The unverified figures the conclusion rests on, in words; the wording applied when there were several.
        var unverified: String; var wording: String?
    }
    /// An incident marked as entered in error: its name, who marked it when and why, its page.
    struct EnteredInErrorView: Encodable { var name: String; var note: String; var reason: String; var link: String }
    /// A change of the case: when, by whom, what, and the reason given.
    struct HistoryView: Encodable { var when: String; var who: String; var what: String; var reason: String }
    struct EvidenceView: Encodable { var incident: String; var name: String; var mediaType: String; var size: String; var sha256: String; var link: String }
    struct Context: Encodable {
        var frame: PageFrame
        var caseId: String; var number: String; var jurisdiction: String; var opened: String; var unit: String; var status: String
        var persons: [PersonView]; var timeline: Timeline; var incidents: [IncidentView]
        var enteredInError: [EnteredInErrorView]; var history: [HistoryView]; var offences: [OffenceView]
        var nextSteps: [String]
        /// What the law pack says of records it keeps though they fall outside an unverified bound.
        var warnings: [String]
        var orders: [Row]; var administrative: [Row]; var proceedings: [Row]; var verdicts: [Row]; var evidence: [EvidenceView]
        var form: IncidentForm; var formCase: String; var mayLog: Bool; var saved: Bool; var dossier: String
        var lifecycle: LifecycleForms.State; var mayProceed: Bool; var mayJudge: Bool; var mayGrant: Bool; var mayOrder: Bool
        var mayEditPersons: Bool; var personCorrections: [PersonForms.Correction]
        var summary: CaseAtAGlance
        /// The orders' zones in force, her places and the devices' last positions (the whole
        /// monitoring on its own page); nil when there is nothing to draw.
        var map: MapDrawing?
        /// A form of the page came back refused (said at the top, where the page opens).
        var formFailed: Bool
    }

    func page(req: Request) async throws -> Response {
        try await render(req, form: IncidentForm(), status: .ok, saved: req.query[String.self, at: "saved"] != nil)
    }

    /// `POST /cases/{id}/incidents` from the page's form (and the victim's diary): saved and
    /// shown, or the form back with its values and a message beside each wrong field.
    func logIncident(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let principal = try req.principal
        let posted = req.form(IncidentForm.Posted.self) ?? IncidentForm.Posted()
        var form = IncidentForm(posted)
        let time = try await FormTime.of(caseID, req, packs: packs)
        let words = req.application.catalogs.words(req.pageLanguage)
        let (incident, errors) = form.incident(reportedBy: principal.role == .victim ? .victim : .officer, time: time, t: words)
        let isVictim = principal.role == .victim
        let userID = try req.signedIn.user.id
        let drafts = DiaryDraftStore(db: req.db)
        var kept = isVictim ? try await drafts.draft(of: userID)?.photo : nil
        if posted.dropPhoto != nil, let dropped = try await drafts.dropPhoto(of: userID) {
            try await DiaryDrafts.removeIfUnused(dropped, req: req)
            kept = nil
        }
        var sealed: SealedPhoto?
        var photoRefused = false
        do { sealed = try SealedPhoto.seal(posted.photo, req: req) } catch is SealedPhoto.Refused { photoRefused = true }
        guard let incident, !photoRefused else {
            var messages = errors
            if photoRefused { messages["photo"] = words["error_photo"] ?? "not an accepted file" }
            form.errors = IncidentForm.Errors(messages)
            form.hasErrors = true
            if isVictim {
                // what she wrote and the photo she chose are kept: the form comes back with them
                let draft = DiaryDraft(caseID: caseID, fields: DiaryDrafts.fields(of: form), photo: try sealed?.keep(req) ?? kept)
                if let replaced = try await drafts.save(draft, of: userID, now: nowMilliseconds()) {
                    try await DiaryDrafts.removeIfUnused(replaced, req: req)
                }
                form.keptPhoto = draft.photo?.name
            } else {
                sealed?.abandon()
            }
            return try await back(req, caseID: caseID, form: form)
        }
        let incidents = try req.incidents
        let stored = try await incidents.log(incident, to: caseID)
        var attached = try sealed?.keep(req)
        if attached == nil, let kept, try await drafts.claimPhoto(kept.sha256, of: userID) {
            attached = kept // taken from her draft atomically: a discard at the same moment leaves it alone
        }
        if let photo = attached {
            try await incidents.attach(photo, to: stored.id, caseID: caseID)
        }
        // saved: the draft goes, with a photo it still holds (one she replaced by another)
        if isVictim, let leftover = try await drafts.discard(of: userID) { try await DiaryDrafts.removeIfUnused(leftover, req: req) }
        return req.redirect(to: principal.role == .victim ? "/?saved=1" : "/cases/\(caseID.apiString)?saved=1#incidents")
    }

    private func back(_ req: Request, caseID: UUID, form: IncidentForm) async throws -> Response {
        if try req.principal.role == .victim { return try await DiaryPage(packs: packs).render(req, form: form, status: .unprocessableEntity) }
        return try await render(req, form: form, status: .unprocessableEntity, saved: false)
    }

    /// A verdict's punishment in words: "Общественные работы 100 ч.", "Штраф 50 МРП (196 600 ₸)".
    static func punishment(_ verdict: Verdict, t: [String: String], words: CaseWords) -> String {
        guard verdict.outcome == .guilty, let punishment = verdict.punishment else { return "—" }
        let kind = t["punishment_\(punishment.type.rawValue)"] ?? punishment.type.rawValue
        guard let (field, value) = punishment.measure else { return kind }
        let measure = switch field {
        case "mrp": words.money(units: value, on: verdict.decidedAt.localDate)
        case "hours": "\(value) " + (t["unit_hours"] ?? "h")
        case "days": "\(value) " + (t["days"] ?? "days")
        case "months": "\(value) " + (t["unit_months"] ?? "months")
        case "dailyRates": "\(value) " + (t["unit_daily_rates"] ?? "")
        default: words.format.number(Int64(value)) + " " + (t["unit_tenge"] ?? "")
        }
        return kind + " " + measure
    }

    /// The case's map at a glance: the zones of the orders in force now, her places, where each
    /// device last reported (within the last day).
    static func map(_ req: Request, caseID: UUID, file: CaseFile, words: CaseWords, t: [String: String]) async throws -> MapDrawing? {
        let now = nowMilliseconds()
        var map = MapBuilder(hysteresisMetres: MonitoringEngine.defaultHysteresisMeters)
        var drawn = false
        for order in file.protectiveOrders where order.status(at: ZonedDateTime(epochMilliseconds: now, offsetSeconds: 0)) == .active {
            for (n, zone) in (order.conditions.zones ?? []).enumerated() where zone.inForce(at: now) {
                map.zone(zone, label: MonitoringWords.zone(zone, number: n, order: words.episode(order.id), t: t), current: true)
                drawn = true
            }
        }
        guard drawn else { return nil } // no zone in force: the monitoring page has the rest
        map.places(of: file, t: t)
        let roles = Dictionary(file.persons.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let devices = file.devices ?? []
        let last = try await MonitoringStore(db: req.db, track: req.application.track)
            .lastPings(caseID: caseID, devices: devices.map(\.id))
        for ping in last where now - ping.at.epochMilliseconds < 86_400_000 {
            guard let point = ping.point, let device = devices.first(where: { $0.id == ping.device }) else { continue }
            let person = roles[device.person]
            let who = person.map { MonitoringWords.person($0, t: t) } ?? device.person
            map.position(point, accuracy: ping.accuracy ?? 0,
                         label: who + ", " + words.format.dateTime(ping.at) + " (" + MonitoringWords.ago(ms: now - ping.at.epochMilliseconds, t: t) + ")",
                         kind: person?.role == .respondent ? "respondent" : "victim")
        }
        return map.draw(title: t["case_map_title"] ?? "", tiles: req.application.qorgauConfig.tilesURL, metres: { MonitoringWords.length($0, t: t) })
    }

    func render(_ req: Request, form: IncidentForm, status: HTTPResponseStatus, saved: Bool,
                lifecycle: LifecycleForms.State = .init()) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let principal = try req.principal
        let summary = try await CaseStore(db: req.db).get(caseID, scope: principal.scope)
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        let frame = try PageFrame.make(req, emergencyNumber: pack.emergencyNumber)
        let t = frame.t
        let format = LocaleFormat(language: frame.lang, timeZone: TimeZone(identifier: pack.timeZone) ?? .current)
        let assessment = try packs.assessor(for: pack.code).assess(file, at: req.pageDate ?? pack.today(), language: Language(rawValue: frame.lang) ?? .en)
        let evidence = try await EvidenceStore(db: req.db).list(caseID: caseID, scope: principal.scope)
        let refs = try await IncidentStore(db: req.db).refs(caseID: caseID)
        let storedIncidents = Dictionary(refs.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let inError = try await IncidentStore(db: req.db).enteredInError(caseID: caseID)
        var form = form
        form.label(t)
        let incidents = file.incidents.sorted { ($0.occurredAt.epochMilliseconds, $0.id) < ($1.occurredAt.epochMilliseconds, $1.id) }
        let language = Language(rawValue: frame.lang) ?? .en
        let words = CaseWords(t: t, format: format, pack: pack, language: language, file: file)
        let mayEditPersons = principal.may(.editCase)
        let personIDs = mayEditPersons ? try await PersonStore(db: req.db).ids(caseID: caseID) : [:]
        let today = req.pageDate ?? pack.today()
        let stageWord = t["casestatus_\(summary.status.rawValue)"] ?? summary.status.rawValue
        let overview = CaseAtAGlance.make(
            file: file, caseID: caseID, status: stageWord, pack: pack,
            risk: try? RiskEvaluator(library: req.application.risk).status(of: file, at: pack.now(), language: language),
            deadlines: DeadlineFinder(packs: packs).deadlines([CaseRef(id: caseID.apiString, number: summary.number, file: file)], at: today),
            openAlerts: try await MonitoringStore(db: req.db).alerts(caseID: caseID, scope: principal.scope, openOnly: true).count,
            today: today, t: t, words: words)
        let changes = try await AuditStore(db: req.db).history(caseID: caseID, limit: 50)
        let actors = try await UserStore(db: req.db).displayNames(Set(changes.compactMap { UUID(uuidString: $0.record.actor) }))
        let markers = try await UserStore(db: req.db).displayNames(Set(inError.compactMap { $0.enteredInError.flatMap { UUID(uuidString: $0.markedBy) } }))
        let inErrorNames = Dictionary(inError.map { ($0.id, words.incidentName($0.incident)) }, uniquingKeysWith: { first, _ in first })
        var unitName = "—"
        if let unit = summary.unit { unitName = try await UnitStore(db: req.db).find(unit)?.name(in: frame.lang) ?? unit }
        let context = Context(
            frame: frame, caseId: caseID.apiString, number: summary.number ?? "—", jurisdiction: pack.name[language],
            opened: format.dateTime(summary.openedAt), unit: unitName, status: stageWord,
            persons: file.persons.map { person in
                PersonView(role: t["personrole_\(person.role.rawValue)"] ?? person.role.rawValue, name: person.name, iin: person.iin ?? "",
                           places: person.places.sorted { ($0.from?.daysSinceEpoch ?? Int.min) < ($1.from?.daysSinceEpoch ?? Int.min) }.map { place in
                               let since = [place.from.map(format.date), place.until.map(format.date)]
                               let period = since.allSatisfy { $0 == nil } ? "" : (since[0] ?? "…") + " – " + (since[1] ?? (t["until_now"] ?? "…"))
                               return [t["placekind_\(place.kind)"] ?? place.kind, place.text ?? "", period].filter { !$0.isEmpty }.joined(separator: " · ")
                           })
            },
            timeline: Timeline(incidents: incidents, orders: file.protectiveOrders,
                               normInForce: assessment.offences.first?.inForce, today: today,
                               words: .init(label: t["timeline"] ?? "", kind: { t["incidentkind_\($0.rawValue)"] ?? $0.rawValue },
                                            date: format.date, month: format.month, today: t["timeline_today"] ?? "",
                                            orderName: { words.episode($0.id) }, episodeName: { words.episode($0.id) })),
            incidents: incidents.map { i in
                IncidentView(id: i.id, when: format.dateTime(i.occurredAt), kind: t["incidentkind_\(i.kind.rawValue)"] ?? i.kind.rawValue,
                             channel: t["channel_\(i.channel.rawValue)"] ?? i.channel.rawValue, description: words.description(i),
                             againstWill: (i.againstWill ? t["yes"] : t["no"]) ?? "", violates: words.episodeList(i.violates ?? []),
                             reportedBy: t["reportedby_\(i.reportedBy.rawValue)"] ?? i.reportedBy.rawValue, violation: !(i.violates ?? []).isEmpty,
                             storedId: storedIncidents[i.id]?.apiString ?? "")
            },
            enteredInError: inError.map { stored in
                let mark = stored.enteredInError!
                let by = UUID(uuidString: mark.markedBy).flatMap { markers[$0] } ?? mark.markedBy
                return EnteredInErrorView(name: inErrorNames[stored.id] ?? "", note: IncidentCorrection.markedBy(by, at: format.dateTime(mark.markedAt), t: t),
                                          reason: mark.reason, link: "/cases/\(caseID.apiString)/incidents/\(stored.id.apiString)/correct")
            },
            history: changes.map { change in
                let record = change.record
                let detail = AuditDetail.said(record.detail, t: t, names: actors)
                return HistoryView(when: format.dateTime(ZonedDateTime(epochMilliseconds: record.at, offsetSeconds: 0)),
                                   who: UUID(uuidString: record.actor).flatMap { actors[$0] } ?? AuditPage.actor(record.actor, t),
                                   what: AuditPage.action(record.action, t) + (detail.isEmpty ? "" : " (" + detail + ")"),
                                   reason: SystemReason.said(change.reason ?? "", in: t))
            },
            offences: assessment.offences.enumerated().map { n, o in
                OffenceView(citation: o.citation, title: o.title, conclusion: o.conclusion.rawValue,
                            conclusionLabel: o.conclusion == .notApplicable && !o.episodes.adjudicated.isEmpty
                                ? t["conclusion_judged"] ?? "" : t["conclusion_\(o.conclusion.rawValue)"] ?? o.conclusion.rawValue,
                            elements: o.elements.map { element in
                                let all = !element.incidents.isEmpty && element.incidents == o.episodes.counted
                                return ElementView(name: element.name, status: element.status.rawValue,
                                                   statusLabel: t["status_\(element.status.rawValue)"] ?? element.status.rawValue,
                                                   incidents: all ? [] : words.episodeLinks(element.incidents),
                                                   allCounted: all ? (t["all_counted"] ?? "").replacingOccurrences(of: "{count}", with: String(element.incidents.count)) : nil,
                                                   note: words.prose(element.note))
                            },
                            explanation: words.prose(o.explanation, figures: o.unverified), counted: words.episodeLinks(o.episodes.counted),
                            earliestExpiry: o.limitation.earliestExpiry.map(format.date) ?? "—", anchor: "counted-\(n)",
                            adjudicated: words.episodeLinks(o.episodes.adjudicated), sanctioned: words.episodeLinks(o.episodes.administrativelySanctioned),
                            timeBarred: words.episodeLinks(o.episodes.timeBarred), beforeInForce: words.episodeLinks(o.episodes.beforeInForce),
                            beforeVerdict: words.episodeLinks(o.episodes.beforeVerdict),
                            unverified: o.unverified.map(words.figure).joined(separator: "; "),
                            wording: o.wording.map { (t["wording_applied"] ?? "{date}").replacingOccurrences(of: "{date}", with: format.date($0)) })
            },
            nextSteps: assessment.nextSteps.map { words.prose($0) },
            warnings: CaseFileRules.warnings(file, packs: packs).map { words.recordWarning($0, in: file) },
            orders: file.protectiveOrders.map { o in
                Row(cells: [t["ordertype_\(o.type.rawValue)"] ?? o.type.rawValue, format.dateTime(o.issuedAt),
                            o.revokedAt.map { (t["revoked_on"] ?? "{date}").replacingOccurrences(of: "{date}", with: format.dateTime($0)) } ?? format.dateTime(o.validUntil), o.issuer,
                            words.episodeList(file.incidents.filter { $0.violates?.contains(o.id) == true }.map(\.id))])
            },
            administrative: file.administrativeCases.map { a in
                let sanction: String
                switch a.sanction.type {
                case .fine: sanction = (t["sanction_fine"] ?? "fine") + " " + words.money(units: a.sanction.mrp ?? 0, on: a.decidedAt.localDate)
                case .arrest: sanction = (t["sanction_arrest"] ?? "arrest") + " \(a.sanction.days ?? 0) " + (t["days"] ?? "days")
                case .warning: sanction = t["sanction_warning"] ?? "warning"
                }
                return Row(cells: [words.article(a.article), format.dateTime(a.decidedAt), sanction, words.episodeList(a.incidents)])
            },
            proceedings: file.criminalProceedings.map { Row(cells: [words.article($0.article), $0.registrationNumber ?? "", t["stage_\($0.stage.rawValue)"] ?? $0.stage.rawValue, format.dateTime($0.registeredAt)]) },
            verdicts: file.verdicts.map { v in
                let expected = pack.entryIntoForce(of: v)
                let final = v.enteredIntoForce.map(format.date)
                    ?? (t[expected > (req.pageDate ?? pack.today()) ? "in_force_expected" : "in_force_by_appeal_period"] ?? "{date}")
                        .replacingOccurrences(of: "{date}", with: format.date(expected))
                return Row(cells: [v.court, t["outcome_\(v.outcome.rawValue)"] ?? v.outcome.rawValue, Self.punishment(v, t: t, words: words),
                                   format.dateTime(v.decidedAt), final,
                            v.mandatoryPayment.map { words.money(units: $0.mrp, on: v.decidedAt.localDate)
                                + ($0.paidAt.map { " · " + (t["paid"] ?? "") + " " + format.date(pack.legalDay(of: $0)) } ?? "")
                                + ($0.document.map { " (" + ($0.hasPrefix("№") ? $0 : "№ " + $0) + ")" } ?? "") } ?? ""])
            },
            evidence: evidence.map { item in
                EvidenceView(incident: inErrorNames[item.incidentID] ?? refs[item.incidentID].map(words.episode) ?? "", name: item.name, mediaType: item.mediaType,
                             size: format.number(item.size), sha256: item.sha256,
                             link: "/api/v1/cases/\(caseID.apiString)/evidence/\(item.id.apiString)/content")
            },
            form: form, formCase: caseID.apiString, mayLog: principal.may(.logIncident), saved: saved,
            dossier: "/api/v1/cases/\(caseID.apiString)/dossier?lang=\(frame.lang)",
            lifecycle: LifecycleForms.choices(lifecycle, file: file, pack: pack, language: language, t: t, words: words),
            mayProceed: principal.may(.manageProceedings), mayJudge: principal.may(.recordVerdict),
            mayGrant: principal.may(.manageCaseAccess), mayOrder: principal.may(.manageOrders),
            mayEditPersons: mayEditPersons, personCorrections: PersonForms.corrections(file.persons, ids: personIDs, state: lifecycle, t: t),
            summary: overview,
            map: try await Self.map(req, caseID: caseID, file: file, words: words, t: t),
            formFailed: form.hasErrors || [lifecycle.proceeding, lifecycle.court, lifecycle.verdict, lifecycle.grant, lifecycle.order,
                                           lifecycle.administrative, lifecycle.extend, lifecycle.revoke, lifecycle.addPerson,
                                           lifecycle.correctPerson].contains { $0.failed })
        return try await req.renderPage("case", context, status: status)
    }
}
