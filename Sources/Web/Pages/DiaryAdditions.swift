import Cases
import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// `POST /cases/{caseID}/incidents/{incidentID}/additions`: the victim adds to an entry she
/// logged: more words (a new version of the incident, its earlier wording kept in its history
/// with the reason) and another photo (evidence of the same incident). Only entries the victim
/// reported; what an officer logged is corrected by an officer.
struct DiaryAdditions {
    let packs: PackLibrary

    struct Posted: Content { var addition: String?; var photo: File? }

    func add(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let incidentID = try req.uuid("incidentID", what: "incident")
        let principal = try req.principal
        let incidents = try req.incidents
        _ = try await incidents.ownEntry(incidentID, caseID: caseID) // before anything she sent is kept
        let posted = req.form(Posted.self) ?? Posted()
        let text = (posted.addition ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty, try await !incidents.authorship(caseID: caseID).hers.contains(incidentID) {
            throw IncidentService.wordsOnEntryNotHers // before her photo is kept
        }
        let photo = try DiaryDrafts.keepPhoto(posted.photo, req: req)
        guard text.count <= 20_000, !text.isEmpty || photo != nil else {
            return req.redirect(to: "/?nothing=\(incidentID.apiString)#entry-\(incidentID.apiString)")
        }
        if !text.isEmpty {
            let t = req.application.catalogs.words(req.pageLanguage)
            let summary = try await CaseStore(db: req.db).get(caseID, scope: principal.scope)
            let zone = (try? packs.pack(for: summary.jurisdiction)).flatMap { TimeZone(identifier: $0.timeZone) } ?? .current
            let format = LocaleFormat(language: req.pageLanguage, timeZone: zone)
            let now = ZonedDateTime(epochMilliseconds: nowMilliseconds(), offsetSeconds: zone.secondsFromGMT())
            let stamp = (t["addition_prefix"] ?? "{date}:").replacingOccurrences(of: "{date}", with: format.dateTime(now))
            _ = try await incidents.addToOwnEntry(incidentID, caseID: caseID, addition: stamp + " " + text)
        }
        if let photo {
            try await incidents.attach(photo, to: incidentID, caseID: caseID)
        }
        return req.redirect(to: "/?added=\(incidentID.apiString)#entry-\(incidentID.apiString)")
    }
}
