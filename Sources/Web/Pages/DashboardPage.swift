import Domain
import Foundation
import Law
import Store
import Vapor

/// `GET /`: a visitor is sent to sign in; a victim gets her diary; officers, investigators and
/// judges their dashboard (their cases, the deadlines in them, incidents victims logged in the
/// last two weeks); other roles their account page.
struct DashboardPage {
    let packs: PackLibrary

    struct CaseView: Encodable { var id: String; var number: String; var opened: String; var unit: String; var status: String; var episodes: Int }
    struct DeadlineView: Encodable { var caseId: String; var caseNumber: String; var kind: String; var record: String; var due: String; var daysLeft: Int }
    struct IncidentView: Encodable { var caseId: String; var caseNumber: String; var when: String; var kind: String; var description: String }
    struct Context: Encodable {
        var frame: PageFrame; var cases: [CaseView]; var deadlines: [DeadlineView]; var victimIncidents: [IncidentView]
        var mayOpen: Bool; var newCase: NewCaseForm
    }

    struct NewCaseForm: Encodable { var number = ""; var openedAt = ""; var errors: [String: String] = [:]; var failed = false }

    func page(req: Request) async throws -> Response {
        try await page(req: req, newCase: nil, problems: [])
    }

    func page(req: Request, newCase posted: CaseForms.NewCase?, problems: [ValidationProblem]) async throws -> Response {
        let signedIn = try req.signedIn
        if signedIn.user.mustChangePassword { return req.redirect(to: "/password") }
        switch signedIn.principal.role {
        case .victim: return try await DiaryPage(packs: packs).render(req, form: IncidentForm(), status: .ok)
        case .officer, .investigator, .judge: break
        default: return try await SignInPages().home(req: req)
        }
        let frame = try PageFrame.make(req)
        let t = frame.t
        let files = try await CaseFileStore(db: req.db).allCaseFiles(scope: signedIn.principal.scope)
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
        let refs = files.map { CaseRef(id: $0.0.id.apiString, number: $0.0.number, file: $0.1) }
        let deadlines = DeadlineFinder(packs: packs).deadlines(refs, at: today).filter { $0.daysLeft <= 30 }.sorted { $0.due < $1.due }
        let since = Int64(Date().timeIntervalSince1970 * 1000) - 14 * 86_400_000
        var recent: [(Int64, IncidentView)] = []
        for (summary, file) in files {
            for incident in file.incidents where incident.reportedBy == .victim && incident.occurredAt.epochMilliseconds >= since {
                recent.append((incident.occurredAt.epochMilliseconds, IncidentView(
                    caseId: summary.id.apiString, caseNumber: summary.number ?? "—", when: format(file.jurisdiction).dateTime(incident.occurredAt),
                    kind: t["incidentkind_\(incident.kind.rawValue)"] ?? incident.kind.rawValue, description: incident.description)))
            }
        }
        let context = Context(
            frame: frame,
            cases: files.sorted { $0.0.openedAt.epochMilliseconds > $1.0.openedAt.epochMilliseconds }.map { summary, file in
                CaseView(id: summary.id.apiString, number: summary.number ?? "—", opened: format(file.jurisdiction).dateTime(summary.openedAt),
                         unit: summary.unit ?? "—", status: t["casestatus_\(summary.status.rawValue)"] ?? summary.status.rawValue, episodes: file.incidents.count)
            },
            deadlines: deadlines.map {
                DeadlineView(caseId: $0.caseId, caseNumber: $0.caseNumber ?? "—", kind: t["deadline_\($0.kind.rawValue)"] ?? $0.kind.rawValue,
                             record: $0.record, due: days.date($0.due), daysLeft: $0.daysLeft)
            },
            victimIncidents: recent.sorted { $0.0 > $1.0 }.prefix(50).map(\.1),
            mayOpen: signedIn.principal.may(.editCase),
            newCase: NewCaseForm(number: posted?.number ?? "", openedAt: posted?.openedAt ?? "",
                                 errors: Dictionary(problems.map { (String($0.pointer.dropFirst()), $0.message) }, uniquingKeysWith: { $0 + "; " + $1 }),
                                 failed: !problems.isEmpty))
        return try await req.renderPage("dashboard", context, status: problems.isEmpty ? .ok : .unprocessableEntity)
    }
}
