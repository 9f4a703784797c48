import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting

@Suite struct CaseAPITests {
    @Test(arguments: TestDatabase.available)
    func healthAnswersWhenTheDatabaseDoes(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let response = try await app.request(.GET, "/health")
            #expect(response.status == .ok)
            #expect(response.json["database"] as? String == "ok")
        }
    }

    @Test(arguments: TestDatabase.available)
    func createReadAndListCases(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let id = try await app.createCase(number: "API-1")
            let read = try await app.request(.GET, "/api/v1/cases/\(id)")
            #expect(read.status == .ok)
            #expect(read.json["number"] as? String == "API-1")
            #expect(read.json["openedAt"] as? String == "2025-10-02T09:15:00+05:00")
            #expect(read.json["status"] as? String == "open")

            for n in 2...4 { _ = try await app.createCase(number: "API-\(n)") }
            let first = try await app.request(.GET, "/api/v1/cases?limit=3&status=open")
            #expect((first.json["items"] as? [Any])?.count == 3)
            let cursor = try #require(first.json["nextCursor"] as? String)
            let second = try await app.request(.GET, "/api/v1/cases?limit=3&cursor=\(cursor)")
            #expect((second.json["items"] as? [Any])?.count == 1)
            #expect(second.json["nextCursor"] == nil || second.json["nextCursor"] is NSNull)

            let closed = try await app.request(.GET, "/api/v1/cases?status=closed")
            #expect((closed.json["items"] as? [Any])?.count == 0)
        }
    }

    @Test func badQueryParametersAreProblemsNamingTheParameter() async throws {
        try await withQorgauApp { app in
            let response = try await app.request(.GET, "/api/v1/cases?status=shut&openedFrom=yesterday&limit=0")
            #expect(response.status == .unprocessableEntity)
            #expect(response.headers.contentType == HTTPMediaType(type: "application", subType: "problem+json"))
            #expect(Set(response.problemPointers) == ["/status", "/openedFrom"] || Set(response.problemPointers) == ["/status", "/openedFrom", "/limit"])
        }
    }

    @Test func anUnknownCaseIs404AsProblem() async throws {
        try await withQorgauApp { app in
            for path in ["/api/v1/cases/\(UUID().uuidString)", "/api/v1/cases/not-a-uuid", "/api/v1/cases/\(UUID().uuidString)/incidents"] {
                let response = try await app.request(.GET, path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.json["status"] as? Int == 404)
            }
        }
    }

    @Test func aCaseWithoutOpenedAtIsRefusedWithAPointer() async throws {
        try await withQorgauApp { app in
            let response = try await app.request(.POST, "/api/v1/cases", json: ["jurisdiction": "KZ"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.problemPointers == ["/openedAt"])
        }
    }

    @Test func aBodyThatIsNotJSONIsRefused() async throws {
        try await withQorgauApp { app in
            let response = try await app.request(.POST, "/api/v1/cases", raw: "{\"jurisdiction\": ")
            #expect(response.status == .badRequest)
            #expect((response.json["detail"] as? String)?.contains("not valid JSON") == true)
        }
    }

    @Test func anOversizedBodyIs413() async throws {
        try await withQorgauApp(maxBodyBytes: 2048) { app in
            let id = try await app.createCase()
            var incident = Fixtures.incidentJSON()
            incident["description"] = String(repeating: "x", count: 4096)
            // A real server on loopback: the limit is enforced while the body streams in.
            let port = Int.random(in: 20_000...60_000)
            let response = try await app.testing(method: .running(hostname: "127.0.0.1", port: port))
                .sendRequest(.POST, "/api/v1/cases/\(id)/incidents", headers: ["Content-Type": "application/json", "Authorization": "Bearer \(app.defaultTestUser.token)"],
                             body: Fixtures.buffer(incident))
            #expect(response.status == .payloadTooLarge)
            #expect(response.json["status"] as? Int == 413)
            let list = try await app.request(.GET, "/api/v1/cases/\(id)/incidents")
            #expect((list.json["items"] as? [Any])?.count == 0)
        }
    }
}
