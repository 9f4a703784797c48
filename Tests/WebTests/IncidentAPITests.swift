import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting

@Suite struct IncidentAPITests {
    @Test(arguments: TestDatabase.available)
    func logReadCorrectAndReadHistory(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await app.createCase()
            let created = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: Fixtures.incidentJSON())
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            #expect(created.headers.first(name: .location) == "/api/v1/cases/\(caseID)/incidents/\(id)")
            #expect(created.json["version"] as? Int == 1)

            var fixed = Fixtures.incidentJSON(kind: "contact", channel: "phoneCall")
            fixed["description"] = "He called, he did not follow her"
            let corrected = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents/\(id)/corrections",
                                                  json: ["incident": fixed, "reason": "victim corrected", "expectedVersion": 1])
            #expect(corrected.status == .ok)
            #expect(corrected.json["version"] as? Int == 2)
            #expect(corrected.json["kind"] as? String == "contact")

            let stale = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents/\(id)/corrections",
                                              json: ["incident": fixed, "reason": "again", "expectedVersion": 1])
            #expect(stale.status == .conflict)

            let history = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents/\(id)/history")
            let versions = try #require(history.json["items"] as? [[String: Any]])
            #expect(versions.map { $0["version"] as? Int } == [1, 2])
            #expect((versions[0]["incident"] as? [String: Any])?["kind"] as? String == "tracking")
            #expect(versions[1]["reason"] as? String == "victim corrected")
        }
    }

    @Test func thereIsNoWayToDeleteAnIncident() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let created = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: Fixtures.incidentJSON())
            let id = try #require(created.json["id"] as? String)
            let delete = try await app.request(.DELETE, "/api/v1/cases/\(caseID)/incidents/\(id)")
            #expect(delete.status == .methodNotAllowed)
            let read = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents/\(id)")
            #expect(read.status == .ok)
        }
    }

    @Test func aBadIncidentIsRefusedWithEveryProblemAndNothingStored() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            var incident = Fixtures.incidentJSON()
            incident["kind"] = "stalk"
            incident["occurredAt"] = "2999-01-01T00:00:00+05:00"
            incident["place"] = ["lat": 100, "lon": 76.9]
            incident.removeValue(forKey: "reportedBy")
            let response = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: incident)
            #expect(response.status == .unprocessableEntity)
            #expect(Set(response.problemPointers) == ["/kind", "/occurredAt", "/place/lat", "/reportedBy"])
            let list = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents")
            #expect((list.json["items"] as? [Any])?.count == 0)
        }
    }

    @Test func incidentsFilterByKindAndDate() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            for (day, kind) in [(20, "tracking"), (21, "contact"), (22, "threat"), (23, "contact")] {
                let body = Fixtures.incidentJSON(at: "2025-10-\(day)T12:00:00+05:00", kind: kind)
                #expect(try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: body).status == .created)
            }
            let contacts = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents?kind=contact")
            #expect((contacts.json["items"] as? [Any])?.count == 2)
            let window = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents?from=2025-10-21&before=2025-10-23")
            let kinds = (window.json["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            #expect(kinds == ["contact", "threat"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func personsWithPlacesAndIINs(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await app.createCase()
            let person: [String: Any] = ["role": "victim", "name": "Test Victim", "iin": "910402450127",
                                         "places": [["kind": "home", "text": "Street 1", "lat": 43.2, "lon": 76.9, "from": "2025-01-01"]]]
            let created = try await app.request(.POST, "/api/v1/cases/\(caseID)/persons", json: person)
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            let read = try await app.request(.GET, "/api/v1/cases/\(caseID)/persons/\(id)")
            #expect((read.json["places"] as? [[String: Any]])?.first?["from"] as? String == "2025-01-01")

            var wrong = person
            wrong["iin"] = "910402450123"
            let refused = try await app.request(.POST, "/api/v1/cases/\(caseID)/persons", json: wrong)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.problemPointers == ["/iin"])
            let list = try await app.request(.GET, "/api/v1/cases/\(caseID)/persons")
            #expect((list.json["items"] as? [Any])?.count == 1)
        }
    }

    /// Issue 26: a validation problem is said in the language the client asks for, with its code
    /// and values kept for programs.
    @Test func problemsAreSaidInTheLanguageAsked() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let bad: [String: Any] = ["occurredAt": "yesterday", "kind": "contact", "channel": "sms", "description": "x",
                                      "againstWill": true, "violence": false, "reportedBy": "victim"]
            let russian = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: bad, headers: ["Accept-Language": "ru-RU,ru;q=0.9"])
            #expect(russian.status == .unprocessableEntity)
            let error = try #require((russian.json["errors"] as? [[String: Any]])?.first)
            #expect(error["pointer"] as? String == "/occurredAt")
            #expect(error["message"] as? String == "Укажите дату и время.")
            #expect(error["code"] as? String == "dateTime")
            let english = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: bad)
            #expect(((english.json["errors"] as? [[String: Any]])?.first?["message"] as? String)?.contains("is not a date-time") == true)
        }
    }
}
