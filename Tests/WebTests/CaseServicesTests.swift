import Cases
import Domain
import Foundation
import Law
import Store
import Testing
import TestSupport
import Vapor

/// The rules of a write hold in the service, whichever edge calls it (the API, a page's form,
/// the command line): checked here on the services themselves, as a caller of each role.
@Suite struct CaseServicesTests {
    func caller(_ user: TestUser, _ app: Application) async throws -> Caller {
        Caller(principal: try await AccessStore(db: app.db).principal(for: user.account), user: user.account)
    }

    func body(_ json: [String: Any]) throws -> JSONNode {
        JSONNode(try JSONDocument.parse(try JSONSerialization.data(withJSONObject: json)), log: ProblemLog())
    }

    func importCase(_ app: Application, unit: String = Fixtures.unit) async throws -> UUID {
        var json = Fixtures.caseFileJSON(device: "bracelet-\(UUID().uuidString.prefix(8))")
        json["case"] = ["number": "T-\(UUID().uuidString.prefix(8))", "openedAt": "2025-10-02T09:15:00+05:00", "unit": unit]
        let file = try ImportService.read(Fixtures.data(json), packs: app.packs)
        return try await ImportService(db: app.db, packs: app.packs, caller: .commandLine).importCaseFiles([file])[0]
    }

    func problemPointers(_ work: () async throws -> Void) async -> [String] {
        do { try await work(); return [] } catch let failure as ValidationFailure { return failure.problems.map(\.pointer) } catch { return ["\(error)"] }
    }

    @Test(arguments: TestDatabase.available)
    func aVictimLogsOnlyAsHerselfAndAddsOnlyToHerOwnEntries(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await importCase(app)
            let victim = try await caller(try await app.makeUser(.victim, cases: [caseID]), app)
            let officer = try await caller(app.defaultTestUser, app)
            let hers = IncidentService(db: app.db, caller: victim)
            var incident = Incident(id: "", occurredAt: ZonedDateTime("2025-10-25T21:00:00+05:00")!, kind: .contact, channel: .phoneCall,
                                    description: "he called at night", againstWill: true, violence: false, reportedBy: .officer, impact: [.fear])
            let before = try await IncidentStore(db: app.db).list(caseID: caseID, filter: IncidentFilter(), scope: .all, limit: 100, after: nil).items.count

            // in her name only, from a form as from the API
            #expect(await problemPointers { _ = try await hers.log(incident, to: caseID) } == ["/reportedBy"])
            #expect(await problemPointers { _ = try await hers.log(caseID, try body(["occurredAt": "2025-10-25T21:00:00+05:00", "kind": "contact",
                "channel": "phoneCall", "description": "x", "againstWill": true, "violence": false, "reportedBy": "officer", "impact": []])) } == ["/reportedBy"])
            incident.reportedBy = .victim
            let own = try await hers.log(incident, to: caseID)
            #expect(try await IncidentStore(db: app.db).list(caseID: caseID, filter: IncidentFilter(), scope: .all, limit: 100, after: nil).items.count == before + 1)

            // she adds to her own entry; an officer's entry and an officer adding are refused
            let added = try await hers.addToOwnEntry(own.id, caseID: caseID, addition: "06.12.2026: he called again")
            #expect(added.version == 2)
            #expect(added.incident.description == "he called at night\n\n06.12.2026: he called again")
            let officers = try await IncidentService(db: app.db, caller: officer).log(Incident(
                id: "", occurredAt: ZonedDateTime("2025-10-26T10:00:00+05:00")!, kind: .tracking, channel: .inPerson, description: "seen at her work",
                againstWill: true, violence: false, reportedBy: .officer, impact: []), to: caseID)
            await #expect(throws: DomainError.forbidden("only an entry the victim logged can be added to here")) {
                try await hers.addToOwnEntry(officers.id, caseID: caseID, addition: "no")
            }
            await #expect(throws: DomainError.forbidden("officers correct an incident, they do not add to it")) {
                try await IncidentService(db: app.db, caller: officer).addToOwnEntry(own.id, caseID: caseID, addition: "no")
            }
            // nor a file to an officer's entry: the API's upload goes through the same door
            let photo = EvidenceFile(sha256: String(repeating: "ab", count: 32), name: "p.jpg", mediaType: "image/jpeg", size: 10)
            await #expect(throws: DomainError.forbidden("only an entry the victim logged can be added to here")) {
                try await hers.attach(photo, to: officers.id, caseID: caseID)
            }
            #expect(try await IncidentStore(db: app.db).get(officers.id, caseID: caseID, scope: .all).version == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func onlyTheCasesOwnUnitMovesItAndOnlyToAUnitThatExists(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await importCase(app)
            _ = try await importCase(app, unit: "Another unit") // the unit exists
            let investigator = try await caller(try await app.makeUser(.investigator, cases: [caseID]), app)
            let officer = try await caller(app.defaultTestUser, app)
            let move = CaseChanges(number: nil, unit: .some("Another unit"), status: nil)

            await #expect(throws: DomainError.forbidden("only the case's own unit moves it to another")) {
                try await CaseService(db: app.db, packs: app.packs, caller: investigator).correct(caseID, changes: move, reason: "moved", expectedVersion: nil)
            }
            let nowhere = CaseChanges(number: nil, unit: .some("No such unit"), status: nil)
            #expect(await problemPointers {
                _ = try await CaseService(db: app.db, packs: app.packs, caller: officer).correct(caseID, changes: nowhere, reason: "moved", expectedVersion: nil)
            } == ["/unit"])
            #expect(try await CaseStore(db: app.db).get(caseID, scope: .all).unit == Fixtures.unit)

            let moved = try await CaseService(db: app.db, packs: app.packs, caller: officer).correct(caseID, changes: move, reason: "moved", expectedVersion: 1)
            #expect(moved.unit == "Another unit")
            // now outside the officer's scope: as if it did not exist
            await #expect(throws: DomainError.notFound("case")) {
                try await CaseService(db: app.db, packs: app.packs, caller: officer).correct(caseID, changes: move, reason: "again", expectedVersion: nil)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anImportOpensTheCaseUnderTheRulesOfACaseOpenedByHand(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let officer = try await caller(app.defaultTestUser, app)
            var json = Fixtures.caseFileJSON()
            json["case"] = ["number": "T-other", "openedAt": "2025-10-02T09:15:00+05:00", "unit": "Another unit"]
            #expect(await problemPointers {
                _ = try await ImportService(db: app.db, packs: app.packs, caller: officer).importCaseFile(Fixtures.data(json))
            } == ["/case/unit"])
            await #expect(throws: DomainError.notFound("case T-other"), "nothing stored") {
                try await CaseStore(db: app.db).find(idOrNumber: "T-other", scope: .all)
            }
        }
    }
}
