import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
import Web

@Suite struct AssessmentAPITests {
    @Test(arguments: TestDatabase.available)
    func theAssessmentChangesToGroundsAsIncidentsAreLogged(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await app.createCase()
            let path = "/api/v1/cases/\(caseID)/assessment?at=2025-12-01"
            let empty = try await app.request(.GET, path)
            #expect(empty.status == .ok)
            let first = try #require((empty.json["offences"] as? [[String: Any]])?.first)
            #expect(first["offence"] as? String == "KZ.CC.115-1")
            #expect(first["conclusion"] as? String == "notApplicable")

            for (day, impact) in [("20", "fear"), ("25", "changedJob")] {
                var incident = Fixtures.incidentJSON(at: "2025-10-\(day)T12:00:00+05:00")
                incident["impact"] = [impact]
                #expect(try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: incident).status == .created)
            }
            let grounds = try await app.request(.GET, path)
            let offence = try #require((grounds.json["offences"] as? [[String: Any]])?.first)
            #expect(offence["conclusion"] as? String == "grounds")
            #expect(offence["mandatoryPaymentMrp"] as? Int == 5)
            let alternatives = (offence["sanction"] as? [String: Any])?["alternatives"] as? [[String: Any]]
            #expect(alternatives?.first?["maxMrp"] as? Int == 200)
        }
    }

    @Test func theExplanationFollowsTheLanguage() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let russian = try await app.request(.GET, "/api/v1/cases/\(caseID)/assessment?lang=ru&at=2025-12-01")
            let explanation = (russian.json["offences"] as? [[String: Any]])?.first?["explanation"] as? String
            #expect(explanation?.contains("ст. 115-1") == true)
            let kazakh = try await app.request(.GET, "/api/v1/cases/\(caseID)/assessment?at=2025-12-01",
                                               headers: ["Accept-Language": "kk-KZ, ru;q=0.8"])
            #expect(kazakh.json["language"] as? String == "kk")
        }
    }

    @Test func badParametersAreProblems() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let response = try await app.request(.GET, "/api/v1/cases/\(caseID)/assessment?at=tomorrow&lang=fr")
            #expect(response.status == .unprocessableEntity)
            #expect(Set(response.problemPointers) == ["/at", "/lang"])
            let unknown = try await app.request(.GET, "/api/v1/cases/\(UUID().uuidString)/assessment")
            #expect(unknown.status == .notFound)
        }
    }
}
