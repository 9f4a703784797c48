import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting

@Suite struct OrderAPITests {
    func order(type: String = "protectiveOrder", issued: String = "2025-10-23T10:00:00+05:00",
               until: String = "2025-11-22T10:00:00+05:00") -> [String: Any] {
        ["type": type, "issuedAt": issued, "validUntil": until, "issuer": "District police",
         "conditions": ["noContact": true, "zones": [["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300]]]]
    }

    /// One measure of a type over the same days: a second is refused naming the first (from the API
    /// as from the page); the days after it ends, or after it was revoked, take a new one.
    @Test func aSecondOrderOfTheSameTypeOverTheSameDaysIsRefusedNamingTheFirst() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let first = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders", json: order())
            let ref = try #require(first.json["ref"] as? String)
            let overlapping = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders",
                                                    json: order(issued: "2025-10-01T10:00:00+05:00", until: "2025-10-25T10:00:00+05:00"))
            #expect(overlapping.status == .unprocessableEntity)
            let problem = try #require((overlapping.json["errors"] as? [[String: Any]])?.first)
            #expect(problem["code"] as? String == "duplicateOrder")
            #expect((problem["values"] as? [String: String])?["order"] == ref)
            var headers = HTTPHeaders()
            headers.add(name: .acceptLanguage, value: "ru")
            let russian = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders", json: order(issued: "2025-11-01T10:00:00+05:00"),
                                                headers: headers)
            #expect(russian.text.contains("продлите её"), "\(russian.text)")
            let after = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders",
                                              json: order(issued: "2025-11-22T10:00:00+05:00", until: "2025-12-20T10:00:00+05:00"))
            #expect(after.status == .created, "the days after the first ends")
            let firstID = try #require(first.json["id"] as? String)
            _ = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders/\(firstID)/revocation",
                                      json: ["at": "2025-11-01T10:00:00+05:00", "reason": "replaced"])
            let replacing = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders",
                                                  json: order(issued: "2025-11-05T10:00:00+05:00", until: "2025-11-20T10:00:00+05:00"))
            #expect(replacing.status == .created, "after the first was revoked")
            #expect(((try await app.request(.GET, "/api/v1/cases/\(caseID)/orders")).json["items"] as? [Any])?.count == 3)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anIncidentInsideTheTermIsAViolationUntilTheOrderIsRevoked(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await app.createCase()
            let created = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders", json: order())
            #expect(created.status == .created)
            let orderID = try #require(created.json["id"] as? String)
            let ref = try #require(created.json["ref"] as? String)

            var atHome = Fixtures.incidentJSON(at: "2025-11-01T20:00:00+05:00", kind: "contact")
            atHome["place"] = ["text": "her door", "lat": 43.2201, "lon": 76.8502]
            _ = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: atHome)
            _ = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents",
                                      json: Fixtures.incidentJSON(at: "2025-10-01T12:00:00+05:00"))

            let violations = try await app.request(.GET, "/api/v1/cases/\(caseID)/violations")
            let items = try #require(violations.json["items"] as? [[String: Any]])
            #expect(Set(items.compactMap { $0["condition"] as? String }) == ["noContact", "zone:0"])
            #expect(Set(items.compactMap { $0["order"] as? String }) == [ref])

            let exported = try await app.request(.GET, "/api/v1/cases/\(caseID)/case-file")
            #expect(exported.text.contains("\"violates\" : [\n        \"\(ref)\"\n      ]"))

            let revoked = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders/\(orderID)/revocation",
                                                json: ["at": "2025-10-30T10:00:00+05:00", "reason": "court lifted it"])
            #expect(revoked.status == .ok)
            #expect(revoked.json["status"] as? String == "revoked")
            let after = try await app.request(.GET, "/api/v1/cases/\(caseID)/violations")
            #expect((after.json["items"] as? [Any])?.isEmpty == true)
            let again = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders/\(orderID)/revocation",
                                              json: ["reason": "twice"])
            #expect(again.status == .conflict)
            let history = try await app.request(.GET, "/api/v1/cases/\(caseID)/orders/\(orderID)/history")
            #expect((history.json["items"] as? [[String: Any]])?.first?["reason"] as? String == "court lifted it")
        }
    }

    @Test func extendingMovesTheEndAndKeepsTheOldTerm() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let created = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders", json: order())
            let orderID = try #require(created.json["id"] as? String)
            let extended = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders/\(orderID)/extensions",
                                                 json: ["validUntil": "2025-12-22T10:00:00+05:00", "reason": "new violations"])
            #expect(extended.status == .ok)
            #expect(extended.json["validUntil"] as? String == "2025-12-22T10:00:00+05:00")
            #expect(extended.json["version"] as? Int == 2)
            let backwards = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders/\(orderID)/extensions",
                                                  json: ["validUntil": "2025-11-01T10:00:00+05:00", "reason": "oops"])
            #expect(backwards.status == .unprocessableEntity)
            #expect(backwards.problemPointers == ["/validUntil"])
        }
    }

    @Test func specialRequirementsMustLastThreeMonthsToAYear() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let short = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders",
                                              json: order(type: "specialRequirements", until: "2025-12-01T10:00:00+05:00"))
            #expect(short.status == .unprocessableEntity)
            #expect(short.problemPointers == ["/validUntil"])
            let long = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders",
                                             json: order(type: "specialRequirements", until: "2027-01-01T10:00:00+05:00"))
            #expect(long.status == .unprocessableEntity)
            let right = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders",
                                              json: order(type: "specialRequirements", until: "2026-04-23T10:00:00+05:00"))
            #expect(right.status == .created)
            let foreign = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders", json: order(type: "stalkingProtectionOrder"))
            #expect(foreign.status == .unprocessableEntity)
            #expect(foreign.problemPointers == ["/type"])
            let orders = try await app.request(.GET, "/api/v1/cases/\(caseID)/orders")
            #expect((orders.json["items"] as? [Any])?.count == 1)
        }
    }
}
