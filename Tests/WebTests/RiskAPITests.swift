import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting

@Suite struct RiskAPITests {
    @Test(arguments: TestDatabase.available)
    func twoOfficersFromStaleCopiesDoNotOverwriteEachOther(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
            let caseID = try #require(imported.json["id"] as? String)
            let status = try await app.request(.GET, "/api/v1/cases/\(caseID)/risk")
            #expect(status.status == .ok)
            #expect(status.json["level"] as? String == "notAssessed")
            #expect(status.json["dueNow"] as? Bool == true)
            let version = try #require(status.json["version"] as? Int)
            let investigator = try await app.makeUser(.investigator, cases: [try #require(UUID(uuidString: caseID))])

            let first = try await app.request(.POST, "/api/v1/cases/\(caseID)/risk-assessments",
                                              json: ["answers": ["threats": true, "violence": true], "expectedVersion": version])
            #expect(first.status == .created)
            #expect(first.json["computedLevel"] as? String == "high")
            #expect(first.json["assessor"] as? String == app.defaultTestUser.account.id.uuidString.lowercased())

            let stale = try await app.request(.POST, "/api/v1/cases/\(caseID)/risk-assessments",
                                              json: ["answers": ["threats": false], "expectedVersion": version], as: investigator)
            #expect(stale.status == .conflict)
            #expect((stale.json["current"] as? [String: Any])?["answers"] as? [String: Bool] == ["threats": true, "violence": true],
                    "the second officer sees the first's answers")
            #expect(stale.json["version"] as? Int == version + 1)

            let after = try await app.request(.GET, "/api/v1/cases/\(caseID)/risk")
            #expect(after.json["level"] as? String == "high")
            #expect(after.json["dueNow"] as? Bool == false)
            #expect((after.json["measures"] as? [String])?.isEmpty == false)
            let list = try await app.request(.GET, "/api/v1/cases/\(caseID)/risk-assessments")
            #expect((list.json["items"] as? [Any])?.count == 1)

            let exported = try await app.request(.GET, "/api/v1/cases/\(caseID)/case-file")
            let file = try JSONSerialization.jsonObject(with: Data(exported.text.utf8)) as? [String: Any]
            #expect((file?["riskAssessments"] as? [[String: Any]])?.first?["level"] as? String == "high")
        }
    }

    @Test func raisingNeedsAReasonAndLoweringIsRefused() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            func assess(_ body: [String: Any]) async throws -> TestingHTTPResponse {
                try await app.request(.POST, "/api/v1/cases/\(caseID)/risk-assessments", json: body)
            }
            let lowered = try await assess(["answers": ["threats": true], "level": "low", "expectedVersion": 0])
            #expect(lowered.status == .unprocessableEntity)
            #expect(lowered.problemPointers == ["/level"])
            let unexplained = try await assess(["answers": ["threats": true], "level": "extreme", "expectedVersion": 0])
            #expect(unexplained.problemPointers == ["/reason"])
            let unknown = try await assess(["answers": ["guns": true], "expectedVersion": 0])
            #expect(unknown.problemPointers == ["/answers/guns"])
            let noVersion = try await assess(["answers": ["threats": true]])
            #expect(noVersion.problemPointers == ["/expectedVersion"])
            let raised = try await assess(["answers": ["threats": true], "level": "extreme", "reason": "he bought a gun", "expectedVersion": 0])
            #expect(raised.status == .created)
            #expect(raised.json["computedLevel"] as? String == "medium")
            #expect(raised.json["level"] as? String == "extreme")
            let risk = try await app.request(.GET, "/api/v1/cases/\(caseID)/risk?lang=ru")
            #expect(risk.json["level"] as? String == "extreme")
            #expect((risk.json["measures"] as? [String])?.first?.contains("охрана") == true)
        }
    }

    @Test func aThreatLoggedAfterAnAssessmentMakesItDueAndListsItInDeadlines() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let saved = try await app.request(.POST, "/api/v1/cases/\(caseID)/risk-assessments",
                                              json: ["answers": ["veryFrightened": true], "expectedVersion": 0])
            #expect(saved.status == .created)
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)/risk").json["dueNow"] as? Bool == false)
            let now = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-60))
            let threat = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents",
                                               json: Fixtures.incidentJSON(at: now, kind: "threat", channel: "messenger"))
            #expect(threat.status == .created)
            let risk = try await app.request(.GET, "/api/v1/cases/\(caseID)/risk")
            #expect(risk.json["dueNow"] as? Bool == true)
            #expect((risk.json["reasons"] as? [[String: Any]])?.first?["code"] as? String == "threatOrViolence")
            let deadlines = try await app.request(.GET, "/api/v1/cases/\(caseID)/deadlines")
            #expect((deadlines.json["items"] as? [[String: Any]])?.map { $0["kind"] as? String }.contains("riskReassessment") == true)
        }
    }
}
