import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The auditor's page: the chain checked in the background from the page (its result in words,
/// a tampered incident named), one run at a time, and the records of a period exported with
/// their hashes oldest first.
@Suite struct AuditorPageTests {
    static func waitForTheCheck(_ app: Application) async throws -> AuditVerificationStore.Run {
        for _ in 0..<200 {
            if let run = try await AuditVerificationStore(db: app.db).latest(), run.finishedAt != nil { return run }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Abort(.internalServerError, reason: "the check did not finish")
    }

    @Test(arguments: TestDatabase.available)
    func theAuditorChecksTheChainFromThePage(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let auditor = try await app.makeUser(.auditor, username: "auditor.page")
            let (caseID, _) = try await IntegrityTests.busyCase(app)
            let before = try await PageTests.page(app, "/audit?lang=ru", as: auditor)
            #expect(before.text.contains("Цепочка ещё не проверялась"))

            let started = try await AlertConsoleTests.post(app, "/audit/verify", "", as: auditor)
            #expect(started.headers.first(name: .location) == "/audit?verify=started#verification")
            let intact = try await Self.waitForTheCheck(app)
            #expect(intact.report?.intact == true)
            let page = try await PageTests.page(app, "/audit?lang=ru", as: auditor)
            #expect(page.text.contains("Цепочка цела. Проверено"))
            #expect(page.text.contains("auditor.page"), "who ran it, by name")

            // a changed incident is named on the page
            let row = try #require(try await IntegrityTests.sql(app).raw("SELECT id FROM incidents WHERE case_id = \(bind: UUID(uuidString: caseID)!) LIMIT 1").first())
            let id = try row.decode(column: "id", as: UUID.self)
            try await IntegrityTests.sql(app).raw("UPDATE incidents SET description = 'nothing happened' WHERE id = \(bind: id)").run()
            _ = try await AlertConsoleTests.post(app, "/audit/verify", "", as: auditor)
            let broken = try await Self.waitForTheCheck(app)
            #expect(broken.report?.intact == false)
            let kazakh = try await PageTests.page(app, "/audit?lang=kk", as: auditor)
            #expect(kazakh.text.contains("БҰЗЫЛҒАН"))
            #expect(kazakh.text.contains("incidents/" + id.uuidString.lowercased()))

            // one run at a time
            let running = try #require(try await AuditVerificationStore(db: app.db).start(by: "test", now: Int64(Date().timeIntervalSince1970 * 1000)))
            let refused = try await AlertConsoleTests.post(app, "/audit/verify", "", as: auditor)
            #expect(refused.headers.first(name: .location) == "/audit?verify=running#verification")
            try await AuditVerificationStore(db: app.db).fail(running, because: "test", now: 0)
        }
    }

    @Test func theRecordsOfAPeriodAreExportedOldestFirstWithTheirHashes() async throws {
        try await withQorgauApp { app in
            let auditor = try await app.makeUser(.auditor, username: "auditor.export")
            _ = try await IntegrityTests.busyCase(app)
            let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "Asia/Almaty")!, formatOptions: [.withFullDate])
            let export = try await PageTests.page(app, "/audit/export.csv?from=\(today)&to=\(today)", as: auditor)
            #expect(export.status == .ok)
            #expect(export.headers.first(name: .contentDisposition)?.contains("audit-\(today)_\(today).csv") == true)
            let lines = export.text.split(separator: "\r\n").map(String.init)
            #expect(lines.first == AuditExport.header.trimmingCharacters(in: .newlines))
            let records = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            #expect(records.count > 5)
            let seqs = records.compactMap { Int64($0[0]) }
            #expect(seqs == seqs.sorted(), "oldest first")
            for (earlier, later) in zip(records, records.dropFirst()) where Int64(later[0]) == Int64(earlier[0])! + 1 {
                #expect(later[9] == earlier[10], "each record links to the one before it")
            }
            let caseOnly = try await PageTests.page(app, "/audit/export.csv?case=NO-SUCH-CASE", as: auditor)
            #expect(caseOnly.status == .notFound)
        }
    }
}
