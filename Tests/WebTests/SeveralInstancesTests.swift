import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting

/// Several Qorgau instances on one PostgreSQL: whatever one writes, another reads and builds on.
@Suite struct SeveralInstancesTests {
    @Test(.enabled(if: TestDatabase.postgresURL != nil, TestDatabase.postgresSkipReason))
    func twoInstancesShareEveryCase() async throws {
        try await withQorgauApp(.postgres) { first in
            try await withQorgauApp(.postgres, sharedSchema: first.testSchema) { second in
                let caseID = try await first.createCase(number: "TWO-1")
                let read = try await second.request(.GET, "/api/v1/cases/\(caseID)")
                #expect(read.json["number"] as? String == "TWO-1")

                let created = try await second.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: Fixtures.incidentJSON())
                let incidentID = try #require(created.json["id"] as? String)
                let correction: [String: Any] = ["incident": Fixtures.incidentJSON(kind: "contact"), "reason": "r", "expectedVersion": 1]
                let viaFirst = try await first.request(.POST, "/api/v1/cases/\(caseID)/incidents/\(incidentID)/corrections", json: correction)
                #expect(viaFirst.status == .ok)
                let staleViaSecond = try await second.request(.POST, "/api/v1/cases/\(caseID)/incidents/\(incidentID)/corrections", json: correction)
                #expect(staleViaSecond.status == .conflict)

                let exported = try await first.request(.GET, "/api/v1/cases/\(caseID)/case-file")
                let exportedBySecond = try await second.request(.GET, "/api/v1/cases/\(caseID)/case-file")
                #expect(exported.text == exportedBySecond.text)
            }
        }
    }
}
