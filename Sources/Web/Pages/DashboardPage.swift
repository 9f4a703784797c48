import Cases
import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// `GET /`: a visitor is sent to sign in; a victim gets her diary; officers, investigators and
/// judges their dashboard (their cases, the deadlines in them, incidents victims logged in the
/// last two weeks); other roles their account page.
struct DashboardPage {
    let packs: PackLibrary

    struct CaseView: Encodable { var id: String; var number: String; var opened: String; var unit: String; var status: String; var episodes: Int }
    /// `left`: "in 12 days", "today", "11 days overdue"; `anchor`: where on the case page its record is.
    struct DeadlineView: Encodable {
        var caseId: String; var caseNumber: String; var kind: String; var anchor: String; var due: String; var left: String; var overdue: Bool
    }
    struct IncidentView: Encodable { var caseId: String; var caseNumber: String; var when: String; var kind: String; var description: String }
    struct AlertView: Encodable {
        var caseId: String; var caseNumber: String; var when: String; var kind: String; var panic: Bool; var escalated: Bool; var position: String?
    }
    /// How much the dashboard shows: the newest cases (the others are found by search), the
    /// nearest deadlines, the cases with the latest victims' entries.
    static let casesShown = 50, deadlinesShown = 100, entriesShown = 50, alertsShown = 50

    struct Context: Encodable {
        var frame: PageFrame; var cases: [CaseView]; var moreCases: Bool; var deadlines: [DeadlineView]; var victimIncidents: [IncidentView]
        var alerts: [AlertView]
        var mayOpen: Bool; var newCase: NewCaseForm
        /// The reader's unit, by its name in the page's language.
        var unitName: String?
    }

    struct NewCaseForm: Encodable { var number = ""; var openedAt = ""; var errors: [String: String] = [:]; var failed = false }

    func page(req: Request) async throws -> Response {
        try await page(req: req, newCase: nil, problems: [])
    }

    func page(req: Request, newCase posted: CaseForms.NewCase?, problems: [ValidationProblem]) async throws -> Response {
        let signedIn = try req.signedIn
        if signedIn.user.mustChangePassword { return req.redirect(to: "/password") }
        if SecondFactor.mustEnrol(signedIn.user, req.application) { return req.redirect(to: "/account/second-factor") }
        switch signedIn.principal.role {
        case .victim: return try await DiaryPage(packs: packs).render(req, form: IncidentForm(), status: .ok, restoreDraft: true)
        case .officer, .investigator, .judge: break
        case .fundOfficer: return req.redirect(to: "/fund")
        case .administrator: return req.redirect(to: "/users")
        case .auditor: return req.redirect(to: "/audit")
        default: return try await SignInPages().home(req: req)
        }
        let frame = try PageFrame.make(req)
        let t = frame.t
        let scope = signedIn.principal.scope
        // each case in its jurisdiction's time zone; one set of formatters per jurisdiction
        var formats: [String: LocaleFormat] = [:]
        func format(_ jurisdiction: String) -> LocaleFormat {
            if let known = formats[jurisdiction] { return known }
            let zone = (try? packs.pack(for: jurisdiction)).flatMap { TimeZone(identifier: $0.timeZone) } ?? .current
            let made = LocaleFormat(language: frame.lang, timeZone: zone)
            formats[jurisdiction] = made
            return made
        }
        let days = LocaleFormat(language: frame.lang, timeZone: .current) // a due date is a day, in no time zone
        let today = req.pageDate ?? packs.reportingDay()
        let since = Int64(Date().timeIntervalSince1970 * 1000) - 14 * 86_400_000
        let reads = DashboardReads(db: req.db)
        let newest = try await reads.newestCases(scope: scope, limit: Self.casesShown)
        let counts = try await reads.incidentCounts(newest.map(\.id))
        let deadlines: [Deadline]
        var recent: [(Int64, IncidentView)] = []
        func add(_ entries: [(caseID: UUID, incident: Incident)], _ cases: [UUID: (number: String?, jurisdiction: String)]) {
            for (caseID, incident) in entries where incident.reportedBy == .victim && incident.occurredAt.epochMilliseconds >= since {
                guard let known = cases[caseID] else { continue }
                recent.append((incident.occurredAt.epochMilliseconds, IncidentView(
                    caseId: caseID.apiString, caseNumber: known.number ?? "—", when: format(known.jurisdiction).dateTime(incident.occurredAt),
                    kind: t["incidentkind_\(incident.kind.rawValue)"] ?? incident.kind.rawValue, description: incident.description)))
            }
        }
        if try await ReportController.projectionServes(today, req: req, packs: packs) {
            // today's worklist from the projection: the rows shown, not every case in scope
            deadlines = try await WorklistReader(db: req.db).deadlines(scope: scope, on: today, within: 30, limit: Self.deadlinesShown).items
            let written = try await WorklistTables(db: req.db).casesWithVictimEntries(scope: scope, since: since, limit: Self.entriesShown)
            let cases = try await reads.summaries(written)
            add(try await reads.victimEntries(written, since: since), cases.mapValues { ($0.number, $0.jurisdiction) })
        } else {
            // another day's (`?at=`), or before the projection is first built: from the case files
            let files = try await CaseFileStore(db: req.db).allCaseFiles(scope: scope)
            let refs = files.map { CaseRef(id: $0.0.id.apiString, number: $0.0.number, file: $0.1) }
            deadlines = Array(DeadlineFinder(packs: packs).deadlines(refs, at: today).filter { $0.daysLeft <= 30 }.prefix(Self.deadlinesShown))
            add(files.flatMap { summary, file in file.incidents.map { (caseID: summary.id, incident: $0) } },
                Dictionary(files.map { ($0.0.id, ($0.0.number, $0.0.jurisdiction)) }, uniquingKeysWith: { first, _ in first }))
        }
        var alerts: [AlertView] = []
        for (alert, summary) in try await reads.openAlerts(scope: scope, limit: Self.alertsShown) {
            let panic = alert.kind == PanicButton.alertKind
            let point = try await MonitoringStore(db: req.db).position(of: alert) // an officer of her case may see where she was
            alerts.append(AlertView(
                caseId: summary.id.apiString, caseNumber: summary.number ?? "—", when: format(summary.jurisdiction).dateTime(alert.at),
                kind: t["alertkind_\(alert.kind.rawValue)"] ?? alert.kind.rawValue, panic: panic, escalated: alert.escalatedAt != nil,
                position: point.flatMap { PositionText.make($0, t: t) }))
        }
        let units = try await UnitStore(db: req.db).units(Set(newest.compactMap(\.unit) + [signedIn.user.unit].compactMap { $0 }))
        func unitName(_ code: String?) -> String? { code.map { units[$0]?.name(in: frame.lang) ?? $0 } }
        let context = Context(
            frame: frame,
            cases: newest.map { summary in
                CaseView(id: summary.id.apiString, number: summary.number ?? "—", opened: format(summary.jurisdiction).dateTime(summary.openedAt),
                         unit: unitName(summary.unit) ?? "—", status: t["casestatus_\(summary.status.rawValue)"] ?? summary.status.rawValue,
                         episodes: counts[summary.id] ?? 0)
            },
            moreCases: newest.count == Self.casesShown,
            deadlines: deadlines.map {
                DeadlineView(caseId: $0.caseId, caseNumber: $0.caseNumber ?? "—", kind: t["deadline_\($0.kind.rawValue)"] ?? $0.kind.rawValue,
                             anchor: $0.kind == .episodeTimeBar ? "#incident-\($0.record)" : "", due: days.date($0.due),
                             left: Self.left($0.daysLeft, t), overdue: $0.daysLeft < 0)
            },
            victimIncidents: recent.sorted { $0.0 > $1.0 }.prefix(50).map(\.1),
            alerts: alerts,
            mayOpen: signedIn.principal.may(.editCase),
            newCase: NewCaseForm(number: posted?.number ?? "", openedAt: posted?.openedAt ?? "",
                                 errors: Dictionary(problems.map { (String($0.pointer.dropFirst()), $0.said(in: t)) }, uniquingKeysWith: { $0 + "; " + $1 }),
                                 failed: !problems.isEmpty),
            unitName: unitName(signedIn.user.unit))
        return try await req.renderPage("dashboard", context, status: problems.isEmpty ? .ok : .unprocessableEntity)
    }

    /// How far a due date is, in words: "через 12 дн.", "сегодня", "просрочено на 11 дн.".
    static func left(_ days: Int, _ t: [String: String]) -> String {
        let key = days > 0 ? "due_in" : days == 0 ? "due_today" : "due_overdue"
        return (t[key] ?? "\(days)").replacingOccurrences(of: "{days}", with: String(abs(days)))
    }
}
