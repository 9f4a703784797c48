import Domain
import Fluent
import Foundation
import SQLKit
import Store
import Testing
import TestSupport

@Suite struct CaseFileStoreTests {
    @Test(arguments: TestDatabase.available)
    func exportImportExportIsByteForByteStable(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = CaseFileStore(db: app.db)
            let original = try CaseFileReader().read(data: Fixtures.data(Fixtures.caseFileJSON(number: "RT-1")))
            let firstID = try await store.importCaseFile(original, by: .commandLine)
            let first = try CaseFileCodec.encode(try await store.exportCaseFile(caseID: firstID, scope: .all))

            var reimported = try CaseFileReader().read(data: first)
            reimported.case.number = "RT-2" // numbers are unique, and a device is worn in one open case
            reimported.devices?[0].id = "bracelet-2"
            let secondID = try await store.importCaseFile(reimported, by: .commandLine)
            var second = try await store.exportCaseFile(caseID: secondID, scope: .all)
            second.case.number = "RT-1"
            second.devices?[0].id = "bracelet-1"
            #expect(try CaseFileCodec.encode(second) == first)
        }
    }

    /// Case files that are only read take their incidents, persons, orders and records as plain
    /// rows (`PlainRowReader`), not through Fluent's reflection: the same case file either way,
    /// byte for byte.
    @Test(arguments: TestDatabase.available)
    func rowsReadPlainGiveTheSameCaseFileAsFluentModels(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = CaseFileStore(db: app.db)
            var sparse = Fixtures.incidentJSON(id: "inc-sparse", at: "2025-10-21T08:00:00+05:00", kind: "contact", channel: "messenger")
            sparse["place"] = nil
            sparse["reportedBy"] = "officer"
            var json = Fixtures.caseFileJSON(number: "PR-1")
            json["incidents"] = (json["incidents"] as? [[String: Any]] ?? []) + [sparse]
            var ids = [try await store.importCaseFile(try CaseFileReader().read(data: Fixtures.data(json)), by: .commandLine)]
            for url in DemoFiles.urls {
                ids.append(try await store.importCaseFile(try CaseFileReader().read(data: try Data(contentsOf: url)), by: .commandLine))
            }
            for id in ids {
                let plain = try await store.exportCaseFile(caseID: id, scope: .all)
                let fluent = try await store.rows(caseID: id, scope: .all).caseFile()
                #expect(!plain.incidents.isEmpty)
                #expect(try CaseFileCodec.encode(plain) == CaseFileCodec.encode(fluent))
            }
            #expect(try await store.caseFiles(ids: [UUID()]).isEmpty, "none of them exists: no incidents asked for")
            let paged = try await store.caseFiles(ids: ids)
            for id in ids { #expect(try CaseFileCodec.encode(paged[id]!.1) == CaseFileCodec.encode(try await store.exportCaseFile(caseID: id, scope: .all))) }
        }
    }

    @Test(arguments: TestDatabase.available)
    func demoCasesRoundTrip(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = CaseFileStore(db: app.db)
            for url in DemoFiles.urls {
                let file = try CaseFileReader().read(data: try Data(contentsOf: url))
                let id = try await store.importCaseFile(file, by: .commandLine)
                let exported = try await store.exportCaseFile(caseID: id, scope: .all)
                #expect(exported.persons == file.persons, "\(url.lastPathComponent)")
                #expect(Set(exported.incidents.map(\.id)) == Set(file.incidents.map(\.id)))
                #expect(exported.protectiveOrders == file.protectiveOrders)
                #expect(exported.verdicts == file.verdicts)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aTakenCaseNumberIsRefusedAndNothingIsStored(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = CaseFileStore(db: app.db)
            let file = try CaseFileReader().read(data: Fixtures.data(Fixtures.caseFileJSON(number: "DUP-1")))
            _ = try await store.importCaseFile(file, by: .commandLine)
            let error = await #expect(throws: ValidationFailure.self) { try await store.importCaseFile(file, by: .commandLine) }
            #expect(error?.problems.first?.pointer == "/case/number")
            let page = try await CaseStore(db: app.db).list(CaseFilter(), scope: .all, limit: 10, after: nil)
            #expect(page.items.count == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func severalFilesImportAllOrNothingWithEachProblemPointedAtItsFile(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = CaseFileStore(db: app.db)
            func file(_ number: String, _ device: String) throws -> CaseFile {
                try CaseFileReader().read(data: Fixtures.data(Fixtures.caseFileJSON(number: number, device: device)))
            }
            _ = try await store.importCaseFile(try file("HELD-1", "bracelet-held"), by: .commandLine)

            // the third file's bracelet is worn in an open case; the second and fourth share a number, the fourth and fifth a device
            let error = await #expect(throws: ValidationFailure.self) {
                try await store.importCaseFiles([try file("B-1", "b-1"), try file("B-2", "b-2"), try file("B-3", "bracelet-held"),
                                                 try file("B-2", "b-4"), try file("B-5", "b-4")], by: .commandLine)
            }
            #expect(Set(error?.problems.map(\.pointer) ?? []) == ["/2/devices/0/id", "/3/case/number", "/4/devices/0/id"])
            #expect(error?.problems.first { $0.pointer == "/4/devices/0/id" }?.message.contains("file 3") == true)
            let page = try await CaseStore(db: app.db).list(CaseFilter(), scope: .all, limit: 10, after: nil)
            #expect(page.items.map(\.number) == ["HELD-1"], "nothing of the refused files is stored")

            let files = try (1...3).map { try file("OK-\($0)", "ok-\($0)") }
            let ids = try await store.importCaseFiles(files, by: .commandLine)
            #expect(ids.count == 3)
            for (id, file) in zip(ids, files) {
                #expect(try await store.exportCaseFile(caseID: id, scope: .all).case.number == file.case.number)
            }
        }
    }

    /// More files than one batch of rows (`importBatch`): written a batch at a time in one
    /// transaction, with the ids in the files' order, every row's audit record naming who
    /// imported it, and the chain intact.
    @Test(arguments: TestDatabase.available)
    func manyFilesAreWrittenABatchAtATimeInOrderWithTheirAuditRecords(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = CaseFileStore(db: app.db)
            let files = try (0..<1_101).map { n in
                try CaseFileReader().read(data: Fixtures.data(Fixtures.caseFileJSON(number: "MANY-\(n)", device: "many-\(n)")))
            }
            let ids = try await Auditing.$actor.withValue("importer") { try await store.importCaseFiles(files, by: .commandLine) }
            #expect(ids.count == files.count && Set(ids).count == files.count)
            for n in [0, 499, 500, 1_000, 1_100] {
                let exported = try await store.exportCaseFile(caseID: ids[n], scope: .all)
                #expect(exported.case.number == "MANY-\(n)")
                #expect(exported.persons == files[n].persons && exported.protectiveOrders == files[n].protectiveOrders)
                let records = try await AuditStore(db: app.db).records(caseID: ids[n])
                #expect(!records.isEmpty && records.allSatisfy { $0.actor == "importer" })
                #expect(records.first?.action == "caseFile.imported")
            }
            let report = try await AuditVerifier(db: app.db, blobs: nil).verify()
            #expect(report.intact, "\(report.problems)")
        }
    }

    /// A batch after the first refused by the database (here by a trigger): nothing of the
    /// import stays, the batches before it included, and the audit chain is as it was.
    @Test(arguments: TestDatabase.available)
    func aLaterBatchRefusedLeavesNothingOfTheImport(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = CaseFileStore(db: app.db), sql = app.db as! any SQLDatabase
            _ = try await store.importCaseFile(try CaseFileReader().read(data: Fixtures.data(Fixtures.caseFileJSON(number: "BEFORE-1"))),
                                               by: .commandLine)
            if sql.dialect.name == "sqlite" {
                try await sql.raw("""
                    CREATE TRIGGER refuse_one BEFORE INSERT ON cases WHEN NEW.number = 'LATE-700'
                    BEGIN SELECT RAISE(ABORT, 'refused'); END
                    """).run()
            } else {
                try await sql.raw("""
                    CREATE FUNCTION refuse_one() RETURNS trigger AS $$ BEGIN
                    IF NEW.number = 'LATE-700' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql
                    """).run()
                try await sql.raw("CREATE TRIGGER refuse_one BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION refuse_one()").run()
            }
            let head = try await AuditStore(db: app.db).head()
            let files = try (0..<1_001).map { n in
                try CaseFileReader().read(data: Fixtures.data(Fixtures.caseFileJSON(number: "LATE-\(n)", device: "late-\(n)")))
            }
            await #expect(throws: (any Error).self) { try await store.importCaseFiles(files, by: .commandLine) }
            let page = try await CaseStore(db: app.db).list(CaseFilter(), scope: .all, limit: 10, after: nil)
            #expect(page.items.map(\.number) == ["BEFORE-1"])
            #expect(try await AuditStore(db: app.db).head() == head)
        }
    }

    @Test(arguments: TestDatabase.available)
    func allCaseFilesReadTogetherEqualEachReadAlone(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = CaseFileStore(db: app.db)
            let files = try DemoFiles.urls.map { try CaseFileReader().read(data: try Data(contentsOf: $0)) }
            _ = try await store.importCaseFiles(files, by: .commandLine)
            var big = try CaseFileReader().read(data: Fixtures.data(Fixtures.caseFileJSON(number: "BIG-1", device: "big-1")))
            let template = big.incidents[0]
            big.incidents = (0..<1_700).map { n in // more values than SQLite takes in one statement
                var incident = template
                incident.id = "i\(n)"
                incident.occurredAt = ZonedDateTime(epochMilliseconds: template.occurredAt.epochMilliseconds - Int64(n) * 60_000,
                                                    offsetSeconds: template.occurredAt.offsetSeconds)
                return incident
            }
            let bigID = try await store.importCaseFile(big, by: .commandLine)
            let all = try await store.allCaseFiles(scope: .all)
            #expect(all.count == files.count + 1)
            for (summary, file) in all {
                #expect(try CaseFileCodec.encode(file) == CaseFileCodec.encode(try await store.exportCaseFile(caseID: summary.id, scope: .all)))
            }
            #expect(all.first { $0.0.id == bigID }?.1.incidents.count == 1_700)
        }
    }

    @Test(arguments: TestDatabase.available)
    func monitoredCaseFilesAreTheCasesWithDevicesWithWhatTheEnginesUse(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let store = CaseFileStore(db: app.db)
            let files = try DemoFiles.urls.map { try CaseFileReader().read(data: try Data(contentsOf: $0)) }
            let ids = try await store.importCaseFiles(files, by: .commandLine)
            let withDevices = Set(zip(ids, files).filter { !($0.1.devices ?? []).isEmpty }.map(\.0))
            #expect(!withDevices.isEmpty && withDevices.count < files.count, "the demo has cases with devices and without")

            let monitored = try await store.monitoredCaseFiles()
            #expect(Set(monitored.map(\.0.id)) == withDevices)
            for (summary, file) in monitored {
                let full = try await store.exportCaseFile(caseID: summary.id, scope: .all)
                #expect(file.persons == full.persons.map { var person = $0; person.places = []; return person })
                #expect(file.protectiveOrders == full.protectiveOrders)
                #expect(file.devices == full.devices)
                #expect(file.case == full.case)
                #expect(file.incidents.isEmpty && !full.incidents.isEmpty, "incidents are not read")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func scopeHidesOtherCases(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let file = try CaseFileReader().read(data: Fixtures.data(Fixtures.caseFileJSON()))
            let id = try await CaseFileStore(db: app.db).importCaseFile(file, by: .commandLine)
            let other = CaseScope.only([UUID()])
            await #expect(throws: DomainError.notFound("case")) {
                try await CaseFileStore(db: app.db).exportCaseFile(caseID: id, scope: other)
            }
            let page = try await CaseStore(db: app.db).list(CaseFilter(), scope: other, limit: 10, after: nil)
            #expect(page.items.isEmpty)
        }
    }
}

/// The demo's case files, found from the source tree (tests run from the package root).
enum DemoFiles {
    static var urls: [URL] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Cases/Resources/demo")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }
}
