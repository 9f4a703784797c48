import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting

/// Issue 27: the Fund officer records a payment received, with its date and document number, from
/// the API and from the ledger page in her language; she still sees nothing else of the case.
@Suite struct FundPaymentTests {
    @Test func theFundOfficerRecordsAPaymentByTheAPI() async throws {
        try await withQorgauApp { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "PAY-1"))
            let caseID = try #require(imported.json["id"] as? String)
            let fund = try await app.makeUser(.fundOfficer)
            let early = try await app.request(.POST, "/api/v1/fund/payments", json: ["case": caseID, "verdict": "d1",
                                                                                     "paidAt": "2026-02-01T10:00:00+05:00", "document": "PP-17"], as: fund)
            #expect(early.problemPointers == ["/paidAt"], "not before the verdict")
            let missing = try await app.request(.POST, "/api/v1/fund/payments", json: ["case": caseID, "verdict": "d1",
                                                                                       "paidAt": "2026-03-01T10:00:00+05:00"], as: fund)
            #expect(missing.problemPointers == ["/document"])
            let paid = try await app.request(.POST, "/api/v1/fund/payments", json: ["case": caseID, "verdict": "d1",
                                                                                    "paidAt": "2026-03-01T10:00:00+05:00", "document": "PP-17"], as: fund)
            #expect(paid.status == .ok, "\(paid.text)")
            let again = try await app.request(.POST, "/api/v1/fund/payments", json: ["case": caseID, "verdict": "d1",
                                                                                     "paidAt": "2026-03-02T10:00:00+05:00", "document": "PP-18"], as: fund)
            #expect(again.status == .conflict)
            let ledger = try await app.request(.GET, "/api/v1/fund/ledger?at=2026-03-05", as: fund)
            #expect(((ledger.json["entries"] as? [[String: Any]])?.first?["status"] as? String) == "paid")
            let file = try await app.request(.GET, "/api/v1/cases/\(caseID)/case-file")
            #expect(file.text.contains("\"document\" : \"PP-17\"") || file.text.contains("\"document\":\"PP-17\""))
            // the officer reads the ledger but does not record the Fund's payments
            let officer = try await app.request(.POST, "/api/v1/fund/payments", json: ["case": caseID, "verdict": "d1",
                                                                                       "paidAt": "2026-03-01T10:00:00+05:00", "document": "X"])
            #expect(officer.status == .forbidden)
        }
    }

    @Test func theFundOfficerRecordsAPaymentFromTheLedgerPageInRussian() async throws {
        try await withQorgauApp { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "PAY-2"))
            let caseID = try #require(imported.json["id"] as? String)
            let fund = try await app.makeUser(.fundOfficer)
            let page = try await app.request(.GET, "/fund?lang=ru", as: fund)
            #expect(page.text.contains("Отметить оплату"))
            #expect(PageSnapshotTests.unlabelledControls(page.text) == [])
            let noDocument = try await AlertConsoleTests.post(app, "/fund/payments?lang=ru", "case=\(caseID)&verdict=d1&paidOn=2026-03-01&document=", as: fund)
            #expect(noDocument.status == .unprocessableEntity)
            #expect(noDocument.text.contains("Укажите номер платёжного документа."))
            let done = try await AlertConsoleTests.post(app, "/fund/payments?lang=ru", "case=\(caseID)&verdict=d1&paidOn=2026-03-01&document=%E2%84%96%2017", as: fund)
            #expect(done.status == .seeOther)
            #expect(done.headers.first(name: .location)?.contains("done=paid#p-\(caseID)-d1") == true, "back at the row just paid")
            let after = try await app.request(.GET, "/fund?lang=ru&done=paid", as: fund)
            #expect(PageTests.visibleText(after.text).contains("№ 17"))
            #expect(!after.text.contains("№ № 17"))
            #expect(after.text.contains("Оплата отмечена."))
            #expect(PageTests.visibleText(after.text).contains("оплачен  1 марта 2026 г.") || PageTests.visibleText(after.text).contains("1 марта 2026 г."))
            // the officer's ledger page has no recording form
            #expect(!(try await app.request(.GET, "/fund?lang=ru").text.contains("Отметить оплату")))
        }
    }

    /// The ledger by period: decisions from a day on (the ledger's day ends the period).
    @Test func theLedgerIsReadForAPeriod() async throws {
        try await withQorgauApp { app in
            #expect(try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "PER-1")).status == .created)
            let fund = try await app.makeUser(.fundOfficer)
            let all = try await app.request(.GET, "/api/v1/fund/ledger?at=2026-03-05", as: fund)
            #expect((all.json["entries"] as? [Any])?.count == 1)
            let later = try await app.request(.GET, "/api/v1/fund/ledger?at=2026-03-05&from=2026-02-11", as: fund)
            #expect((later.json["entries"] as? [Any])?.count == 0)
            let same = try await app.request(.GET, "/api/v1/fund/ledger?at=2026-03-05&from=2026-02-10", as: fund)
            #expect((same.json["entries"] as? [Any])?.count == 1)
            #expect(try await app.request(.GET, "/api/v1/fund/ledger?from=February", as: fund).problemPointers == ["/from"])
            let page = try await app.request(.GET, "/fund?lang=kk&at=2026-03-05&from=2026-02-11", as: fund)
            #expect(page.text.contains("Шешім күнінен бастап"))
            #expect(!page.text.contains("PER-1"))
        }
    }
}
