import Domain
import Foundation
import Testing
import TestSupport

@Suite struct CaseFileReaderTests {
    let reader = CaseFileReader(now: Fixtures.now)

    func problems(_ mutate: (inout [String: Any]) -> Void) -> [ValidationProblem] {
        var json = Fixtures.caseFileJSON()
        mutate(&json)
        do {
            _ = try reader.read(data: Fixtures.data(json))
            return []
        } catch {
            return error.problems
        }
    }

    func pointers(_ mutate: (inout [String: Any]) -> Void) -> [String] { problems(mutate).map(\.pointer) }

    @Test func numbersAreReadExactlyAsWritten() throws {
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let x = Double.random(in: -180...180, using: &g)
            let parsed = try JSONDocument.parse(Data("{\"x\": \(x), \"n\": 43}".utf8))
            #expect(parsed == .object(["x": .double(x), "n": .int(43)]), "\(x)")
        }
    }

    @Test func readsTheFixture() throws {
        let file = try reader.read(data: Fixtures.data(Fixtures.caseFileJSON(number: "X-1")))
        #expect(file.case.number == "X-1")
        #expect(file.persons.map(\.role) == [.victim, .respondent])
        #expect(file.incidents.count == 2)
        #expect(file.verdicts.first?.punishment == Punishment(type: .communityService, hours: 100))
        #expect(file.devices?.first?.intervalSeconds == 60)
    }

    @Test func unknownVocabularyWordIsNamedWithItsPointer() {
        let found = problems { json in
            var incidents = json["incidents"] as! [[String: Any]]
            incidents[1]["kind"] = "stalk"
            json["incidents"] = incidents
        }
        #expect(found.count == 1)
        #expect(found.first?.pointer == "/incidents/1/kind")
        #expect(found.first?.message.hasPrefix("unknown kind \"stalk\"") == true)
    }

    @Test func everyProblemIsListedNotJustTheFirst() {
        let found = pointers { json in
            var persons = json["persons"] as! [[String: Any]]
            persons[0]["role"] = "victimm"
            persons[1].removeValue(forKey: "name")
            json["persons"] = persons
            var incidents = json["incidents"] as! [[String: Any]]
            incidents[0]["channel"] = "pigeon"
            incidents[1]["occurredAt"] = "2099-01-01T00:00:00+05:00"
            json["incidents"] = incidents
        }
        #expect(Set(found) == ["/persons/0/role", "/persons/1/name", "/incidents/0/channel", "/incidents/1/occurredAt"])
    }

    @Test func missingRequiredFields() {
        let found = pointers { json in
            json.removeValue(forKey: "jurisdiction")
            var incidents = json["incidents"] as! [[String: Any]]
            incidents[0].removeValue(forKey: "againstWill")
            incidents[0].removeValue(forKey: "impact")
            json["incidents"] = incidents
        }
        #expect(Set(found) == ["/jurisdiction", "/incidents/0/againstWill", "/incidents/0/impact"])
    }

    @Test func validUntilBeforeIssuedAt() {
        let found = problems { json in
            var orders = json["protectiveOrders"] as! [[String: Any]]
            orders[0]["validUntil"] = "2025-10-01T10:00:00+05:00"
            json["protectiveOrders"] = orders
        }
        #expect(found.map(\.pointer) == ["/protectiveOrders/0/validUntil"])
    }

    @Test func coordinatesOutOfRange() {
        let found = pointers { json in
            var persons = json["persons"] as! [[String: Any]]
            persons[0]["places"] = [["kind": "home", "lat": 91.0, "lon": 76.85]]
            json["persons"] = persons
            var incidents = json["incidents"] as! [[String: Any]]
            incidents[0]["place"] = ["lat": 43.2, "lon": -181]
            json["incidents"] = incidents
        }
        #expect(Set(found) == ["/persons/0/places/0/lat", "/incidents/0/place/lon"])
    }

    @Test func referencesToIdsNotInTheFile() {
        let found = pointers { json in
            var adm = json["administrativeCases"] as! [[String: Any]]
            adm[0]["incidents"] = ["i2", "i9"]
            json["administrativeCases"] = adm
            var verdicts = json["verdicts"] as! [[String: Any]]
            verdicts[0]["proceeding"] = "c7"
            json["verdicts"] = verdicts
            var devices = json["devices"] as! [[String: Any]]
            devices[0]["person"] = "nobody"
            json["devices"] = devices
        }
        #expect(Set(found) == ["/administrativeCases/0/incidents/1", "/verdicts/0/proceeding", "/devices/0/person"])
    }

    @Test func duplicateIds() {
        let found = problems { json in
            var incidents = json["incidents"] as! [[String: Any]]
            incidents.append(Fixtures.incidentJSON(id: "i1"))
            json["incidents"] = incidents
        }
        #expect(found.map(\.pointer) == ["/incidents/2/id"])
        #expect(found.first?.message.contains("duplicate") == true)
    }

    @Test func wrongIINIsRefusedWithAClearMessage() {
        let found = problems { json in
            var persons = json["persons"] as! [[String: Any]]
            persons[0]["iin"] = "910402450123"
            json["persons"] = persons
        }
        #expect(found.map(\.pointer) == ["/persons/0/iin"])
        #expect(found.first?.message.contains("check digit") == true)
    }

    @Test func iinMustAgreeWithBirthDate() {
        let found = problems { json in
            var persons = json["persons"] as! [[String: Any]]
            persons[0]["birthDate"] = "1991-04-03"
            json["persons"] = persons
        }
        #expect(found.map(\.pointer) == ["/persons/0/iin"])
    }

    @Test func punishmentMeasuredInTheWrongUnit() {
        let found = pointers { json in
            var verdicts = json["verdicts"] as! [[String: Any]]
            verdicts[0]["punishment"] = ["type": "arrest", "hours": 10]
            json["verdicts"] = verdicts
        }
        #expect(found == ["/verdicts/0/punishment/hours"])
    }

    @Test func notJSONAtAll() {
        #expect(throws: ValidationFailure.self) { try reader.read(data: Data("{not json".utf8)) }
    }

    @Test func wrongFormatAndVersion() {
        let found = pointers { json in
            json["format"] = "something.else"
            json["version"] = 2
        }
        #expect(Set(found) == ["/format", "/version"])
    }

    @Test func unknownJurisdiction() {
        #expect(pointers { $0["jurisdiction"] = "XX" } == ["/jurisdiction"])
    }
}
