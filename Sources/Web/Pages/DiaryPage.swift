import Domain
import Foundation
import Law
import Store
import Vapor

/// The victim's page, made for a phone: log what happened (with a screenshot or photo), see her
/// order and her case's next step. A quick-exit button and the emergency number on every view.
struct DiaryPage {
    let packs: PackLibrary

    struct EntryView: Encodable { var when: String; var kind: String; var description: String }
    struct CaseView: Encodable {
        var id: String; var number: String; var order: String?; var nextStep: String?; var entries: [EntryView]
    }
    struct Context: Encodable { var frame: PageFrame; var cases: [CaseView]; var form: IncidentForm; var formCase: String; var saved: Bool }

    func render(_ req: Request, form: IncidentForm, status: HTTPResponseStatus) async throws -> Response {
        let principal = try req.principal
        let files = try await CaseFileStore(db: req.db).allCaseFiles(scope: principal.scope)
        let emergency = files.first.flatMap { try? packs.pack(for: $0.1.jurisdiction).emergencyNumber } ?? "102"
        let frame = try PageFrame.make(req, emergencyNumber: emergency)
        let t = frame.t
        var form = form
        form.label(t)
        var cases: [CaseView] = []
        for (summary, file) in files {
            let pack = try packs.pack(for: file.jurisdiction)
            let format = LocaleFormat(language: frame.lang, timeZone: TimeZone(identifier: pack.timeZone) ?? .current)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let order = file.protectiveOrders
                .filter { $0.issuedAt.epochMilliseconds <= now && ($0.revokedAt ?? $0.validUntil).epochMilliseconds > now }
                .max { $0.validUntil.epochMilliseconds < $1.validUntil.epochMilliseconds }
            let assessment = try packs.assessor(for: pack.code).assess(file, at: req.pageDate ?? pack.today(), language: Language(rawValue: frame.lang) ?? .en)
            cases.append(CaseView(
                id: summary.id.apiString, number: summary.number ?? "—",
                order: order.map { (t["order_active"] ?? "") + " " + format.dateTime($0.revokedAt ?? $0.validUntil) },
                nextStep: assessment.nextSteps.first,
                entries: file.incidents.filter { $0.reportedBy == .victim }.sorted { $0.occurredAt.epochMilliseconds > $1.occurredAt.epochMilliseconds }
                    .prefix(20).map { EntryView(when: format.dateTime($0.occurredAt), kind: t["incidentkind_\($0.kind.rawValue)"] ?? $0.kind.rawValue,
                                                description: $0.description) }))
        }
        return try await req.renderPage("diary", Context(frame: frame, cases: cases, form: form, formCase: cases.first?.id ?? "",
                                                         saved: req.query[String.self, at: "saved"] != nil), status: status)
    }
}
