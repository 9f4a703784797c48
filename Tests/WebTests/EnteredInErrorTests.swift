import Cases
import Foundation
import Presentation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// An incident marked as entered in error: kept with its versions, left out of the case file and
/// so of the assessment, the deadlines and the worklists; refused while a record rests on it; the
/// mark taken back; the audit chain intact throughout; from the API and from the pages.
@Suite struct EnteredInErrorTests {
    /// The fixture's case before any record rests on its episodes: no administrative case,
    /// proceeding or verdict.
    static func openCase() -> [String: Any] {
        var file = Fixtures.caseFileJSON()
        for section in ["administrativeCases", "criminalProceedings", "verdicts"] { file[section] = nil }
        return file
    }

    @Test(arguments: TestDatabase.available)
    func aMarkedIncidentLeavesTheCaseFileAndComesBackWhenTheMarkIsTakenBack(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Self.openCase())
            let caseID = try #require(imported.json["id"] as? String)
            let base = "/api/v1/cases/\(caseID)"
            let listed = try await app.request(.GET, "\(base)/incidents")
            let items = try #require(listed.json["items"] as? [[String: Any]])
            let first = try #require(items.first { $0["ref"] as? String == "i1" }?["id"] as? String)
            func refs() async throws -> [String] {
                let file = try await app.request(.GET, "\(base)/case-file")
                return (file.json["incidents"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            }
            func counted() async throws -> [String] {
                let assessment = try await app.request(.GET, "\(base)/assessment?at=2025-12-01")
                let episodes = (assessment.json["offences"] as? [[String: Any]])?.first?["episodes"] as? [String: Any]
                return (episodes?["counted"] as? [String]) ?? []
            }
            #expect(try await refs() == ["i1", "i2"])
            #expect(try await counted().contains("i1"))

            // a reason is needed, and nothing changes without one
            let bare = try await app.request(.POST, "\(base)/incidents/\(first)/entered-in-error", json: ["reason": ""])
            #expect(bare.status == .unprocessableEntity)
            #expect(bare.text.contains("/reason"))
            #expect(try await refs() == ["i1", "i2"])

            // an officer of another unit does not even learn that the incident exists
            let stranger = try await app.makeUser(.officer, unit: "Another unit")
            let theirs = try await app.request(.POST, "\(base)/incidents/\(first)/entered-in-error", json: ["reason": "x"], as: stranger)
            #expect(theirs.status == .notFound)

            let marked = try await app.request(.POST, "\(base)/incidents/\(first)/entered-in-error",
                                               json: ["reason": "recorded in the wrong case"])
            #expect(marked.status == .ok, "\(marked.text)")
            #expect((marked.json["enteredInError"] as? [String: Any])?["reason"] as? String == "recorded in the wrong case")
            #expect(try await refs() == ["i2"], "the case file leaves it out")
            #expect(try await !counted().contains("i1"), "the assessment no longer counts it")
            let kept = try await app.request(.GET, "\(base)/incidents/\(first)")
            #expect(kept.status == .ok, "the incident itself is kept")
            #expect(kept.json["enteredInError"] != nil)
            let again = try await app.request(.POST, "\(base)/incidents/\(first)/entered-in-error", json: ["reason": "twice"])
            #expect(again.status == .conflict)

            let projections = Projections(db: app.db, packs: app.packs)
            #expect(try await projections.worklistDisagreements(on: app.packs.reportingDay()).isEmpty)
            #expect(try await AuditVerifier(db: app.db, blobs: nil).verify().intact)
            // the dossier carries the mark's row: its case file is still what its rows make
            let path = NSTemporaryDirectory() + "dossier-\(UUID().uuidString).zip"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await Dossier.export(caseID: UUID(uuidString: caseID)!, db: app.db, blobs: app.blobs, packs: app.packs,
                                     signer: app.dossierSigner, to: path)
            let published = try #require(try await app.request(.GET, "/api/v1/dossier-key", anonymous: true).json["publicKey"] as? String)
            #expect(try Dossier.verify(path: path, trustedKey: published).problems == [])

            let restored = try await app.request(.DELETE, "\(base)/incidents/\(first)/entered-in-error")
            #expect(restored.status == .ok)
            #expect(restored.json["enteredInError"] == nil)
            #expect(try await refs() == ["i1", "i2"])
            #expect(try await counted().contains("i1"))
            #expect(try await app.request(.DELETE, "\(base)/incidents/\(first)/entered-in-error").status == .conflict)
            #expect(try await AuditVerifier(db: app.db, blobs: nil).verify().intact)
            let audit = try await AuditStore(db: app.db).list(action: "incident.enteredInError", limit: 10, after: nil)
            #expect(audit.items.count == 1)

            // an incident an administrative case rests on is refused, the record named
            let decision: [String: Any] = ["article": "KZ.CAO.461", "incidents": ["i2"], "decidedAt": "2025-10-25T10:00:00+05:00",
                                           "sanction": ["type": "fine", "mrp": 10]]
            #expect(try await app.request(.POST, "\(base)/administrative-cases", json: decision).status == .created)
            let second = try #require(items.first { $0["ref"] as? String == "i2" }?["id"] as? String)
            let named = try await app.request(.POST, "\(base)/incidents/\(second)/entered-in-error", json: ["reason": "duplicate"])
            #expect(named.status == .unprocessableEntity)
            #expect(named.text.contains("incidentInRecord"))
            #expect(try await refs() == ["i1", "i2"])
        }
    }

    @Test func theCorrectionPageMarksAndTakesTheMarkBackInRussian() async throws {
        try await withQorgauApp { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Self.openCase())
            let caseID = try #require(imported.json["id"] as? String)
            let items = try #require((try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents")).json["items"] as? [[String: Any]])
            let first = try #require(items.first { $0["ref"] as? String == "i1" }?["id"] as? String)
            let page = "/cases/\(caseID)/incidents/\(first)"

            let shown = try await PageTests.page(app, page + "/correct?lang=ru")
            #expect(shown.text.contains("Отметить как внесённый ошибочно"))

            let bare = try await AlertConsoleTests.post(app, page + "/entered-in-error?lang=ru", PageTests.encoded([("reason", "  ")]))
            #expect(bare.status == .unprocessableEntity)
            #expect(bare.text.contains("id=\"mark-reason-error\""))
            #expect(bare.text.contains("aria-invalid=\"true\""))

            let marked = try await AlertConsoleTests.post(app, page + "/entered-in-error?lang=ru",
                                                          PageTests.encoded([("reason", "внесено не в то дело")]))
            #expect(marked.status == .seeOther)
            let casePage = try await PageTests.page(app, "/cases/\(caseID)?lang=ru")
            #expect(casePage.text.contains("Внесены ошибочно (1)"))
            #expect(casePage.text.contains("внесено не в то дело"))
            #expect(!casePage.text.contains("id=\"incident-i1\""), "no longer in the table of episodes")

            let markedPage = try await PageTests.page(app, page + "/correct?lang=kk")
            #expect(markedPage.text.contains("id=\"marked-in-error\""))
            #expect(markedPage.text.contains("Белгіні алып тастау"))
            #expect(!markedPage.text.contains("id=\"incident-form\""), "a marked episode is not corrected: the mark is taken back first")

            // a second officer's form, sent from the page as it was before the mark: told, not lost silently
            let late = try await AlertConsoleTests.post(app, page + "/entered-in-error", PageTests.encoded([("reason", "дубль")]))
            #expect(late.headers.first(name: .location)?.contains("already=marked") == true)
            let told = try await PageTests.page(app, page + "/correct?already=marked&lang=ru")
            #expect(told.text.contains("id=\"already-notice\""))
            #expect(told.text.contains("внесено не в то дело"), "the first officer's reason stands")

            let restored = try await AlertConsoleTests.post(app, page + "/restore", "")
            #expect(restored.status == .seeOther)
            #expect(try await PageTests.page(app, "/cases/\(caseID)?lang=ru").text.contains("id=\"incident-i1\""))
            let again = try await AlertConsoleTests.post(app, page + "/restore", "")
            #expect(again.headers.first(name: .location)?.contains("already=restored") == true)

            // a record that rests on the episode is named in the page's language
            let decision: [String: Any] = ["article": "KZ.CAO.461", "incidents": ["i1"], "decidedAt": "2025-10-25T10:00:00+05:00",
                                           "sanction": ["type": "fine", "mrp": 10]]
            #expect(try await app.request(.POST, "/api/v1/cases/\(caseID)/administrative-cases", json: decision).status == .created)
            let refused = try await AlertConsoleTests.post(app, page + "/entered-in-error?lang=ru", PageTests.encoded([("reason", "дубль")]))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("На этот эпизод опирается запись: административное дело, ст. 461 КоАП РК"), "\(refused.text)")
        }
    }
}
