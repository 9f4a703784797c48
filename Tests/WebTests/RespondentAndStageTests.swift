import Cases
import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
import Web
import Domain

@Suite struct RespondentAndStageTests {
    @Test func theDemoShowsCasesAtEachStage() async throws {
        try await withQorgauApp { app in
            let loaded = try await Cases.Demo.load(into: app.db)
            let investigator = try await app.makeUser(.investigator, cases: loaded.map(\.id))
            var stages: [String: String] = [:]
            for item in loaded {
                let read = try await app.request(.GET, "/api/v1/cases/\(item.id.uuidString.lowercased())", as: investigator)
                stages[item.number ?? ""] = read.json["stage"] as? String
            }
            #expect(stages["ALM-2025-0141"] == "paid")
            #expect(stages["SHM-2025-0219"] == "inCourt")
            #expect(stages["ALM-2026-0307"] == "incidents")
            #expect(stages["PVL-2026-0042"] == "preTrial")
            #expect(stages["KRG-2026-0015"] == "administrativeSanction")
            #expect(stages["B-2026-238-004"] == "decided")
            #expect(stages["AST-2026-0120"] == "decided", "a payment the Fund still awaits")
            if Date() < ZonedDateTime("2027-08-31T12:00:00+05:00")!.instant { // its special requirements end then
                #expect(stages["ALM-2026-0911"] == "protected")
            }
        }
    }

    @Test func oneRespondentAcrossCasesWithoutTheVictimsWhereabouts() async throws {
        try await withQorgauApp { app in
            _ = try await Cases.Demo.load(into: app.db)
            let officer = try await app.makeUser(.officer, unit: "Almaty, Bostandyk district police")
            let view = try await app.request(.GET, "/api/v1/respondents/881117300457", as: officer)
            #expect(view.status == .ok)
            let cases = try #require(view.json["cases"] as? [[String: Any]])
            #expect(cases.map { $0["caseNumber"] as? String } == ["ALM-2025-0141"])
            #expect(cases.first?["victims"] as? [String] == ["Aigerim Sarsenova"])
            #expect((cases.first?["violations"] as? [Any])?.isEmpty == false)
            #expect(!view.text.contains("43.2185"), "no victim coordinates")
            #expect(!view.text.contains("Orbita"), "no victim address")
            #expect(try await app.request(.GET, "/api/v1/respondents/910402450123", as: officer).status == .unprocessableEntity)
            #expect(try await app.request(.GET, "/api/v1/respondents/020312600544", as: officer).status == .notFound)
            let otherUnit = try await app.makeUser(.officer, unit: "Astana, Yesil district police")
            #expect(try await app.request(.GET, "/api/v1/respondents/881117300457", as: otherUnit).status == .notFound,
                    "a respondent is looked up only among the cases in scope")
        }
    }

    @Test func aCaseHasItsOwnDeadlines() async throws {
        try await withQorgauApp { app in
            let loaded = try await Cases.Demo.load(into: app.db)
            let karaganda = try #require(loaded.first { $0.number == "KRG-2026-0015" })
            let officer = try await app.makeUser(.officer, unit: "Karaganda, city police department")
            let response = try await app.request(.GET, "/api/v1/cases/\(karaganda.id.uuidString.lowercased())/deadlines?at=2026-02-10", as: officer)
            #expect((response.json["items"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["riskReassessment", "orderExpiring"])
        }
    }
}
