import Domain
import Fluent
import Foundation
import Store
import Testing
import TestSupport

@Suite struct IncidentStoreTests {
    func makeCase(_ app: any Database) async throws -> UUID {
        try await CaseStore(db: app).create(jurisdiction: "KZ",
                                            header: CaseHeader(openedAt: ZonedDateTime("2025-10-01T09:00:00+05:00")!),
                                            by: .commandLine).id
    }

    func incident(_ minute: Int, kind: IncidentKind = .contact) -> Incident {
        Incident(id: "", occurredAt: ZonedDateTime(epochMilliseconds: 1_760_000_000_000 + Int64(minute) * 60_000, offsetSeconds: 18_000),
                 kind: kind, channel: .sms, description: "message \(minute)", againstWill: true, violence: false,
                 reportedBy: .victim, impact: [.fear])
    }

    @Test(arguments: TestDatabase.available)
    func aCorrectionIsANewVersionAndHistoryKeepsEveryVersion(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = IncidentStore(db: app.db)
            let caseID = try await makeCase(app.db)
            let added = try await store.add(incident(1), to: caseID, by: .commandLine)
            var fixed = added.incident
            fixed.kind = .tracking
            fixed.description = "followed her, not a message"
            let corrected = try await store.correct(added.id, caseID: caseID, with: fixed, reason: "victim clarified",
                                                    expectedVersion: 1, by: .commandLine)
            #expect(corrected.version == 2)
            #expect(corrected.incident.kind == .tracking)
            #expect(corrected.incident.id == added.incident.id)

            let history = try await store.history(added.id, caseID: caseID, scope: .all)
            #expect(history.map(\.version) == [1, 2])
            #expect(history[0].incident.kind == .contact)
            #expect(history[1].reason == "victim clarified")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aStaleCorrectionIsAConflict(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = IncidentStore(db: app.db)
            let caseID = try await makeCase(app.db)
            let added = try await store.add(incident(1), to: caseID, by: .commandLine)
            _ = try await store.correct(added.id, caseID: caseID, with: incident(2), reason: "first", expectedVersion: 1,
                                        by: .commandLine)
            await #expect(throws: DomainError.self) {
                try await store.correct(added.id, caseID: caseID, with: incident(3), reason: "second", expectedVersion: 1,
                                        by: .commandLine)
            }
            #expect(try await store.history(added.id, caseID: caseID, scope: .all).count == 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func pagesWalkEveryIncidentOnceInTimeOrder(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = IncidentStore(db: app.db)
            let caseID = try await makeCase(app.db)
            for minute in [5, 1, 4, 2, 3, 3, 0] { _ = try await store.add(incident(minute), to: caseID, by: .commandLine) }
            var seen: [StoredIncident] = []
            var cursor: Cursor?
            repeat {
                let page = try await store.list(caseID: caseID, filter: IncidentFilter(), scope: .all, limit: 3, after: cursor)
                seen += page.items
                cursor = page.nextCursor.flatMap(Cursor.init)
            } while cursor != nil
            #expect(seen.count == 7)
            #expect(Set(seen.map(\.id)).count == 7)
            #expect(seen.map(\.incident.occurredAt.epochMilliseconds) == seen.map(\.incident.occurredAt.epochMilliseconds).sorted())
        }
    }

    @Test(arguments: TestDatabase.available)
    func filtersByKindAndTime(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = IncidentStore(db: app.db)
            let caseID = try await makeCase(app.db)
            for minute in 0..<6 {
                _ = try await store.add(incident(minute, kind: minute.isMultiple(of: 2) ? .contact : .threat), to: caseID, by: .commandLine)
            }
            let threats = try await store.list(caseID: caseID, filter: IncidentFilter(kind: .threat), scope: .all, limit: 50, after: nil)
            #expect(threats.items.count == 3)
            let window = IncidentFilter(from: incident(2).occurredAt, before: incident(4).occurredAt)
            let between = try await store.list(caseID: caseID, filter: window, scope: .all, limit: 50, after: nil)
            #expect(between.items.map(\.incident.description) == ["message 2", "message 3"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func anIncidentOfAnotherCaseIsNotFound(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = IncidentStore(db: app.db)
            let one = try await makeCase(app.db)
            let two = try await makeCase(app.db)
            let added = try await store.add(incident(1), to: one, by: .commandLine)
            await #expect(throws: DomainError.notFound("incident")) { try await store.get(added.id, caseID: two, scope: .all) }
        }
    }
}

@Suite struct PostgreSQLAvailability {
    @Test(.enabled(if: TestDatabase.postgresURL != nil, TestDatabase.postgresSkipReason))
    func storeTestsRanOnPostgreSQL() {
        #expect(TestDatabase.available.contains(.postgres))
    }
}
