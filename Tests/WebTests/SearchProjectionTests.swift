import Domain
import Foundation
import SQLKit
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The search projection (issue 22): names in any of their spellings, kept current by the change
/// signal, checked by `audit verify`, rebuilt by `reindex`.
@Suite struct SearchProjectionTests {
    static func file(number: String) -> [String: Any] {
        var file = Fixtures.caseFileJSON(number: number)
        file["persons"] = [["id": "v", "role": "victim", "name": "Сәрсенбаева Әйгерім", "iin": "910402450127"],
                           ["id": "r", "role": "respondent", "name": "Жақсылықов Нұрлан"]]
        return file
    }

    func search(_ app: Application, _ q: String, scope: CaseScope = .all) async throws -> [SearchIndex.Hit] {
        try await SearchIndex(db: app.db).search(q, scope: scope)
    }

    @Test func aNameIsFoundInItsKazakhRussianAndLatinSpellings() async throws {
        try await withQorgauApp { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Self.file(number: "ALM-2026-7"))
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            for q in ["Әйгерім", "Айгерим", "Aigerim", "aygerim", "Sarsenbaeva Aigerim", "Жаксылыков", "Zhaksylykov Nurlan", "alm-2026",
                      "910402450127"] {
                #expect(try await search(app, q).map(\.caseID) == [caseID], "\(q)")
            }
            #expect(try await search(app, "Aigerim Zhaksylykov").map(\.caseID) == [caseID], "words of two persons of one case")
            #expect(try await search(app, "Aigerim Bekova").isEmpty, "every word must match")
            #expect(try await search(app, "9104024501").isEmpty, "an IIN matches whole")
            #expect(try await search(app, "Aigerim", scope: .limited(units: ["Another unit"], cases: [])).isEmpty, "outside the scope")
            #expect(try await search(app, "Aigerim").first?.matched == ["Сәрсенбаева Әйгерім"], "the name as written in the case")
        }
    }

    @Test func aCorrectedNameIsFoundUnderItsNewNameAtOnce() async throws {
        try await withQorgauApp { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Self.file(number: "ALM-2026-8"))
            let caseID = try #require(imported.json["id"] as? String)
            let persons = try await app.request(.GET, "/api/v1/cases/\(caseID)/persons").json["items"] as? [[String: Any]] ?? []
            let respondent = try #require(persons.first { $0["role"] as? String == "respondent" })
            let personID = try #require(respondent["id"] as? String)
            let corrected = try await app.request(.POST, "/api/v1/cases/\(caseID)/persons/\(personID)/corrections", json: [
                "person": ["id": "r", "role": "respondent", "name": "Бекқожаев Ерлан"], "reason": "a typing error",
            ])
            #expect(corrected.status == .ok)
            #expect(try await search(app, "Yerlan").map(\.caseID.uuidString).map { $0.lowercased() } == [caseID])
            #expect(try await search(app, "Nurlan").isEmpty, "the old name is gone from the index")
        }
    }

    @Test func anIndexChangedBehindQorgausBackIsReportedAndRebuilt() async throws {
        try await withQorgauApp { app in
            _ = try await app.request(.POST, "/api/v1/case-files", json: Self.file(number: "ALM-2026-9"))
            #expect(try await AuditVerifier(db: app.db, blobs: nil).verify().intact)
            try await (app.db as! any SQLDatabase).raw("UPDATE search_terms SET term = 'nobody' WHERE term = 'aigerim'").run()
            let report = try await AuditVerifier(db: app.db, blobs: nil).verify()
            #expect(report.problems.map(\.kind) == [.projection])
            #expect(try await SearchIndex(db: app.db).rebuild() == 1)
            #expect(try await AuditVerifier(db: app.db, blobs: nil).verify().intact)
            #expect(try await search(app, "Aigerim").count == 1)
        }
    }
}
