import Cases
import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
import Web

@Suite struct ReportAPITests {
    @Test(arguments: TestDatabase.available)
    func deadlinesAndTheFundLedgerOverTheDemo(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            _ = try await Cases.Demo.load(into: app.db)
            let karaganda = try await app.makeUser(.officer, unit: "Karaganda, city police department")
            let astana = try await app.makeUser(.officer, unit: "Astana, Yesil district police")
            let fund = try await app.makeUser(.fundOfficer)
            let astanas = try await app.request(.GET, "/api/v1/deadlines?at=2026-02-10", as: astana).json["items"] as? [[String: Any]]
            #expect(astanas?.isEmpty == false)
            #expect(astanas?.allSatisfy { $0["caseNumber"] as? String == "AST-2025-0077" } == true, "another unit's deadlines are not shown")
            let deadlines = try await app.request(.GET, "/api/v1/deadlines?at=2026-02-10", as: karaganda)
            #expect(deadlines.status == .ok)
            let items = try #require(deadlines.json["items"] as? [[String: Any]])
            #expect(items.map { $0["kind"] as? String } == ["riskReassessment", "orderExpiring"])
            #expect(items.allSatisfy { $0["caseNumber"] as? String == "KRG-2026-0015" })

            let other = try await app.request(.GET, "/api/v1/deadlines?at=2026-02-10&unit=Astana,%20Yesil%20district%20police", as: karaganda)
            #expect((other.json["items"] as? [Any])?.isEmpty == true)
            let mine = try await app.request(.GET, "/api/v1/deadlines?at=2026-02-10&unit=Karaganda,%20city%20police%20department", as: karaganda)
            #expect((mine.json["items"] as? [Any])?.count == 2)

            let ledger = try await app.request(.GET, "/api/v1/fund/ledger?at=2026-02-20", as: fund)
            #expect(ledger.json["outstanding"] as? Int == 21_625)
            #expect((ledger.json["entries"] as? [[String: Any]])?.first?["status"] as? String == "due")

            let bad = try await app.request(.GET, "/api/v1/fund/ledger?at=soon", as: fund)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.problemPointers == ["/at"])
        }
    }
}
