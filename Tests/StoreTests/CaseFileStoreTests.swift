import Domain
import Fluent
import Foundation
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
            .deletingLastPathComponent().appendingPathComponent("Sources/Web/Resources/demo")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }
}
