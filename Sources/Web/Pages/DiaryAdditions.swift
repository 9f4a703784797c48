import Cases
import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// `POST /cases/{caseID}/incidents/{incidentID}/additions`: the victim adds to an entry of hers:
/// more words, to one she logged herself (a new version of the incident, its earlier wording kept
/// in its history with the reason), and another photo or file, to any entry reported by the
/// victim that another victim did not log (evidence of the same incident, seen by her and the
/// police). What an officer logged is corrected by an officer.
struct DiaryAdditions {
    let packs: PackLibrary

    struct Posted: Content { var addition: String?; var photo: File? }

    func add(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let incidentID = try req.uuid("incidentID", what: "incident")
        let principal = try req.principal
        let incidents = try req.incidents
        let entry = try await incidents.ownEntry(incidentID, caseID: caseID) // before anything she sent is kept
        let posted = req.form(Posted.self) ?? Posted()
        let text = (posted.addition ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // refused before her photo is kept
        guard text.count <= 20_000 else { throw ValidationFailure(pointer: "/addition", message: "an addition is at most 20,000 characters") }
        if !text.isEmpty, !entry.mayAddWords { throw IncidentService.wordsOnEntryNotHers }
        let photo = try DiaryDrafts.keepPhoto(posted.photo, req: req)
        guard !text.isEmpty || photo != nil else {
            return req.redirect(to: "/?nothing=\(incidentID.apiString)#entry-\(incidentID.apiString)")
        }
        if !text.isEmpty {
            let t = req.application.catalogs.words(req.pageLanguage)
            let summary = try await CaseStore(db: req.db).get(caseID, scope: principal.scope)
            let zone = (try? packs.pack(for: summary.jurisdiction)).flatMap { TimeZone(identifier: $0.timeZone) } ?? .current
            let format = LocaleFormat(language: req.pageLanguage, timeZone: zone)
            let now = ZonedDateTime(epochMilliseconds: nowMilliseconds(), offsetSeconds: zone.secondsFromGMT())
            let stamp = (t["addition_prefix"] ?? "{date}:").replacingOccurrences(of: "{date}", with: format.dateTime(now))
            _ = try await incidents.addWords(stamp + " " + text, to: entry)
        }
        if let photo {
            _ = try await incidents.attach(photo, to: entry)
        }
        return req.redirect(to: "/?added=\(incidentID.apiString)#entry-\(incidentID.apiString)")
    }
}
