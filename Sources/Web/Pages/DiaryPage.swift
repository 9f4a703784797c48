import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// The victim's page, made for a phone: where each of her cases stands in plain words, the form
/// to log what happened (kept as a draft as she types), the panic button, where to get help, and
/// what she has written. The quick exit and the emergency number are on every view.
struct DiaryPage {
    let packs: PackLibrary

    struct EntryView: Encodable { var id: String; var when: String; var kind: String; var description: String; var addTo: String; var markedInError: Bool
        /// Whether she may add words to it: an entry she logged herself (any other, a photo or file only).
        var mayAddWords: Bool
        /// Said beside the entry she has just added to, that it was saved or that nothing was (the
        /// page opens there, its top out of view).
        var added: String? }
    struct CaseView: Encodable {
        var id: String; var summary: VictimCaseSummary; var entries: [EntryView]
    }
    struct CaseChoice: Encodable { var id: String; var title: String; var selected: Bool }
    struct HelpLineView: Encodable { var number: String; var name: String }
    struct Context: Encodable {
        var frame: PageFrame; var cases: [CaseView]; var form: IncidentForm; var formCase: String; var caseChoices: [CaseChoice]
        var saved: Bool; var restored: Bool; var firstEntry: Bool; var helpLines: [HelpLineView]; var panicMessage: String?
    }

    /// Her latest 20 entries (not another victim's of the same case), each with where to add to
    /// it; those the police marked as entered in error with that said (they no longer count).
    private func entries(of file: CaseFile, caseID: UUID, req: Request, t: [String: String], format: LocaleFormat) async throws -> [EntryView] {
        let store = IncidentStore(db: req.db)
        let marked = try await store.enteredInError(caseID: caseID).filter { $0.incident.reportedBy == .victim }
        guard file.incidents.contains(where: { $0.reportedBy == .victim }) || !marked.isEmpty else { return [] }
        let byRef = Dictionary(try await store.refs(caseID: caseID).map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let authorship = try await req.incidents.authorship(caseID: caseID)
        let othersEntries = authorship.others // another victim of the case wrote them
        let counted = file.incidents.filter { $0.reportedBy == .victim }.compactMap { incident in byRef[incident.id].map { (rowID: $0, incident: incident, marked: false) } }
        let latest = (counted + marked.map { (rowID: $0.id, incident: $0.incident, marked: true) })
            .filter { !othersEntries.contains($0.rowID) }
            .sorted { $0.incident.occurredAt.epochMilliseconds > $1.incident.occurredAt.epochMilliseconds }.prefix(20)
        return latest.map { rowID, incident, marked in
            EntryView(id: rowID.apiString, when: format.dateTime(incident.occurredAt),
                      kind: t["incidentkind_\(incident.kind.rawValue)"] ?? incident.kind.rawValue, description: incident.description,
                      addTo: "/cases/\(caseID.apiString)/incidents/\(rowID.apiString)/additions", markedInError: marked, mayAddWords: authorship.hers.contains(rowID),
                      added: req.query[String.self, at: "added"] == rowID.apiString ? t["saved"]
                          : req.query[String.self, at: "nothing"] == rowID.apiString ? t["addition_nothing"] : nil)
        }
    }

    /// The diary; `restoreDraft` fills the form with her draft when the form is a fresh one.
    func render(_ req: Request, form: IncidentForm, status: HTTPResponseStatus, restoreDraft: Bool = false) async throws -> Response {
        let principal = try req.principal
        let user = try req.signedIn.user
        let files = try await CaseFileStore(db: req.db).allCaseFiles(scope: principal.scope)
        let firstPack = files.first.flatMap { try? packs.pack(for: $0.1.jurisdiction) }
        let frame = try PageFrame.make(req, emergencyNumber: firstPack?.emergencyNumber ?? "102")
        let t = frame.t
        let language = Language(rawValue: frame.lang) ?? .en
        var form = form
        var formCase = files.first?.0.id
        var restored = false
        if restoreDraft, let draft = try await DiaryDraftStore(db: req.db).draft(of: user.id) {
            form = DiaryDrafts.form(from: draft)
            restored = true
            if let caseID = draft.caseID, files.contains(where: { $0.0.id == caseID }) { formCase = caseID }
        }
        form.label(t)
        var cases: [CaseView] = []
        var helpLines: [HelpLineView] = []
        for (summary, file) in files {
            let pack = try packs.pack(for: file.jurisdiction)
            let zone = TimeZone(identifier: pack.timeZone) ?? .current
            let format = LocaleFormat(language: frame.lang, timeZone: zone)
            let now = ZonedDateTime(epochMilliseconds: nowMilliseconds(), offsetSeconds: zone.secondsFromGMT())
            cases.append(CaseView(
                id: summary.id.apiString,
                summary: VictimCaseSummary.make(number: summary.number, file: file, status: summary.status, now: now, t: t, format: format),
                entries: try await entries(of: file, caseID: summary.id, req: req, t: t, format: format)))
            for line in pack.helpLines ?? [] where !helpLines.contains(where: { $0.number == line.number }) {
                helpLines.append(HelpLineView(number: line.number, name: line.name[language]))
            }
        }
        let choices = cases.count > 1
            ? cases.map { CaseChoice(id: $0.id, title: $0.summary.title, selected: $0.id == formCase?.apiString) } : []
        var panicMessage: String?
        if let alertID = req.query[String.self, at: "r"].flatMap(UUID.init(uuidString:)),
           let key = try await PanicButton.confirmation(alertID, db: req.db) {
            panicMessage = t[key]
        }
        return try await req.renderPage("diary", Context(
            frame: frame, cases: cases, form: form, formCase: formCase?.apiString ?? "", caseChoices: choices,
            saved: req.query[String.self, at: "saved"] != nil, restored: restored,
            firstEntry: cases.allSatisfy { $0.entries.isEmpty }, helpLines: helpLines, panicMessage: panicMessage), status: status)
    }
}
