import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting

@Suite struct CorrectionAPITests {
    @Test(arguments: TestDatabase.available)
    func aVictimMovesAndHerOldHomeStaysInTheHistory(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await app.createCase()
            let oldHome: [String: Any] = ["kind": "home", "text": "Old street 1", "lat": 43.2, "lon": 76.9, "from": "2020-01-01"]
            let person: [String: Any] = ["role": "victim", "name": "Test Victim", "places": [oldHome]]
            let created = try await app.request(.POST, "/api/v1/cases/\(caseID)/persons", json: person)
            let id = try #require(created.json["id"] as? String)
            let ref = created.json["ref"] as? String

            var moved = oldHome
            moved["until"] = "2025-12-01"
            let newHome: [String: Any] = ["kind": "home", "text": "New street 9", "from": "2025-12-01"]
            let correction: [String: Any] = ["person": ["role": "victim", "name": "Test Victim", "places": [moved, newHome]],
                                             "reason": "she moved after the threats", "expectedVersion": 1]
            let corrected = try await app.request(.POST, "/api/v1/cases/\(caseID)/persons/\(id)/corrections", json: correction)
            #expect(corrected.status == .ok)
            #expect(corrected.json["version"] as? Int == 2)
            #expect(corrected.json["ref"] as? String == ref)
            #expect((corrected.json["places"] as? [[String: Any]])?.count == 2)

            let stale = try await app.request(.POST, "/api/v1/cases/\(caseID)/persons/\(id)/corrections", json: correction)
            #expect(stale.status == .conflict)

            let history = try await app.request(.GET, "/api/v1/cases/\(caseID)/persons/\(id)/history")
            let versions = try #require(history.json["items"] as? [[String: Any]])
            #expect(versions.count == 1)
            #expect(versions[0]["reason"] as? String == "she moved after the threats")
            let snapshotPlaces = (versions[0]["snapshot"] as? [String: Any])?["places"] as? [[String: Any]]
            #expect(snapshotPlaces?.first?["until"] == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func closingACaseKeepsTheOldHeader(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await app.createCase(number: "FIX-1")
            let closed = try await app.request(.PATCH, "/api/v1/cases/\(caseID)",
                                               json: ["status": "closed", "unit": "Test unit", "reason": "verdict final"])
            #expect(closed.status == .ok)
            #expect(closed.json["status"] as? String == "closed")
            #expect(closed.json["version"] as? Int == 2)
            let open = try await app.request(.GET, "/api/v1/cases?status=open")
            #expect((open.json["items"] as? [Any])?.count == 0)
            let history = try await app.request(.GET, "/api/v1/cases/\(caseID)/history")
            let versions = try #require(history.json["items"] as? [[String: Any]])
            #expect((versions.first?["snapshot"] as? [String: Any])?["status"] as? String == "open")

            let noReason = try await app.request(.PATCH, "/api/v1/cases/\(caseID)", json: ["status": "open"])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.problemPointers == ["/reason"])
            _ = try await app.createCase(number: "FIX-2")
            let taken = try await app.request(.PATCH, "/api/v1/cases/\(caseID)", json: ["number": "FIX-2", "reason": "typo"])
            #expect(taken.status == .unprocessableEntity)
        }
    }
}
