import Fluent
import Foundation
import SQLKit
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The audit chain and the evidence store prove themselves: each kind of tampering is caught,
/// with the id of what was touched.
@Suite struct IntegrityTests {
    /// A case with the usual changes made through the API: import, a new incident, a corrected
    /// person (places replaced), an order, a grant, an upload, reads.
    static func busyCase(_ app: Application) async throws -> (caseID: String, evidenceID: String) {
        let (caseID, incidentID) = try await EvidenceAPITests.caseWithIncident(app)
        let incident: [String: Any] = ["occurredAt": "2025-11-02T19:00:00+05:00", "kind": "contact", "channel": "sms",
                                       "description": "wrote again", "againstWill": true, "violence": false, "reportedBy": "victim", "impact": ["fear"]]
        #expect(try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: incident).status == .created)
        let persons = try await app.request(.GET, "/api/v1/cases/\(caseID)/persons")
        let person = try #require((persons.json["items"] as? [[String: Any]])?.first)
        var corrected = try #require(person["person"] as? [String: Any] ?? person)
        corrected["places"] = [["kind": "home", "text": "New street 2", "lat": 43.25, "lon": 76.9, "from": "2025-11-01"]]
        _ = try await app.request(.POST, "/api/v1/cases/\(caseID)/persons/\(person["id"]!)/corrections",
                                  json: ["person": corrected, "reason": "she moved"])
        _ = try await app.makeUser(.victim, cases: [UUID(uuidString: caseID)!])
        let upload = try await app.upload(Multipart.jpeg(size: 5000), caseID: caseID, incidentID: incidentID)
        let evidenceID = try #require(upload.json["id"] as? String)
        _ = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence/\(evidenceID)/content")
        return (caseID, evidenceID)
    }

    static func verify(_ app: Application, expected: ChainHead? = nil) async throws -> AuditReport {
        try await AuditVerifier(db: app.db, blobs: app.blobs).verify(expected: expected)
    }

    static func sql(_ app: Application) -> any SQLDatabase { app.db as! any SQLDatabase }

    @Test(arguments: TestDatabase.available)
    func everyChangeIsChainedAndVerifies(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, _) = try await Self.busyCase(app)
            let report = try await Self.verify(app)
            #expect(report.intact, "\(report.problems)")
            #expect(report.records > 10)
            #expect(report.rows > 5)
            #expect(report.files == 1)
            let actions = try await AuditStore(db: app.db).records(caseID: UUID(uuidString: caseID)!).map(\.action)
            for action in ["caseFile.imported", "incident.logged", "person.corrected", "place.removed", "place.added",
                           "access.granted", "evidence.added", "evidence.downloaded", "read.persons"] {
                #expect(actions.contains(action), "\(action) is in the case's audit records")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aChangedFieldOfAStoredRowIsCaught(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, _) = try await Self.busyCase(app)
            let row = try #require(try await Self.sql(app).raw("SELECT id FROM incidents WHERE case_id = \(bind: UUID(uuidString: caseID)!) ORDER BY occurred_at_ms LIMIT 1").first())
            let id = try row.decode(column: "id", as: UUID.self)
            try await Self.sql(app).raw("UPDATE incidents SET description = 'nothing happened' WHERE id = \(bind: id)").run()
            let report = try await Self.verify(app)
            #expect(report.problems.map(\.id) == ["incidents/" + id.uuidString.lowercased()], "\(report.problems)")
        }
    }

    @Test func aChangedRecordADeletedRecordAndTwoReorderedAreCaughtAtTheirPlace() async throws {
        try await withQorgauApp { app in
            _ = try await Self.busyCase(app)
            let sql = Self.sql(app)
            try await sql.raw("UPDATE audit_log SET actor = 'someone else' WHERE seq = 5").run()
            var report = try await Self.verify(app)
            #expect(report.problems.first?.kind == .record)
            #expect(report.problems.first?.id.hasPrefix("5 ") == true, "\(report.problems)")
            try await sql.raw("DELETE FROM audit_log WHERE seq = 5").run()
            report = try await Self.verify(app)
            #expect(report.problems.first?.id.hasPrefix("6 ") == true, "the record after the gap: \(report.problems)")
            #expect(report.problems.first?.message.contains("record 5 is missing") == true)
        }
        try await withQorgauApp { app in
            _ = try await Self.busyCase(app)
            let sql = Self.sql(app)
            try await sql.raw("UPDATE audit_log SET seq = -1 WHERE seq = 7").run()
            try await sql.raw("UPDATE audit_log SET seq = 7 WHERE seq = 8").run()
            try await sql.raw("UPDATE audit_log SET seq = 8 WHERE seq = -1").run()
            let report = try await Self.verify(app)
            #expect(report.problems.first?.kind == .record)
            #expect(report.problems.first?.id.hasPrefix("7 ") == true, "\(report.problems)")
        }
    }

    @Test func aDeletedRowAndARowWrittenAroundQorgauAreCaught() async throws {
        try await withQorgauApp { app in
            let (caseID, _) = try await Self.busyCase(app)
            let sql = Self.sql(app)
            let place = try #require(try await sql.raw("SELECT id FROM places LIMIT 1").first()).decode(column: "id", as: UUID.self)
            try await sql.raw("DELETE FROM places WHERE id = \(bind: place)").run()
            let sneaked = UUID()
            try await sql.raw("""
                INSERT INTO case_records (id, case_id, section, ref, seq, body, version)
                VALUES (\(bind: sneaked), \(bind: UUID(uuidString: caseID)!), 'verdicts', 'forged', 99, '{}', 1)
                """).run()
            let report = try await Self.verify(app)
            let ids = Set(report.problems.map(\.id))
            #expect(ids == ["places/" + place.uuidString.lowercased(), "case_records/" + sneaked.uuidString.lowercased()], "\(report.problems)")
        }
    }

    @Test func swappedEvidenceBytesAreCaughtWithTheItemsId() async throws {
        try await withQorgauApp { app in
            let (caseID, evidenceID) = try await Self.busyCase(app)
            let incidents = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents")
            let second = try #require((incidents.json["items"] as? [[String: Any]])?.last?["id"] as? String)
            let other = try await app.upload(Multipart.jpeg(size: 5000, seed: 9), caseID: caseID, incidentID: second)
            let a = try #require(try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence/\(evidenceID)").json["sha256"] as? String)
            let b = try #require(other.json["sha256"] as? String)
            let root = app.blobs.directory
            let pathA = "\(root)/\(a.prefix(2))/\(a)", pathB = "\(root)/\(b.prefix(2))/\(b)"
            // A valid sealed file put in another's place
            try FileManager.default.removeItem(atPath: pathA)
            try FileManager.default.copyItem(atPath: pathB, toPath: pathA)
            var report = try await Self.verify(app)
            #expect(report.problems.map(\.id) == [evidenceID], "\(report.problems)")
            // One flipped byte in the middle
            var bytes = try #require(FileManager.default.contents(atPath: pathB))
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: pathB))
            report = try await Self.verify(app)
            #expect(Set(report.problems.map(\.id)) == [evidenceID, try #require(other.json["id"] as? String)])
            // A download reads the other file's bytes, sees they do not hash to the address, and the
            // response stream ends with an error instead of finishing as if it were the original.
            let content = try app.blobs.open(a)
            while try content.next() != nil {}
            #expect(!content.matches)
        }
    }

    @Test func aHeadHeldOutsideCatchesARewrittenChain() async throws {
        try await withQorgauApp { app in
            _ = try await Self.busyCase(app)
            let held = try await AuditStore(db: app.db).head()
            // A forger who rewrites record 3 and recomputes every hash after it.
            let sql = Self.sql(app)
            var records = try await AuditStore(db: app.db).list(limit: 10_000, after: nil).items.reversed().map { $0 }
            var prev = AuditRecord.genesis
            for index in records.indices {
                if records[index].seq == 3 { records[index].actor = "forger" }
                records[index].prev = prev
                records[index].hash = records[index].computedHash
                prev = records[index].hash
                try await sql.raw("UPDATE audit_log SET actor = \(bind: records[index].actor), prev_hash = \(bind: records[index].prev), hash = \(bind: records[index].hash) WHERE seq = \(bind: records[index].seq)").run()
            }
            try await sql.raw("UPDATE audit_head SET hash = \(bind: prev)").run()
            #expect(try await Self.verify(app).intact, "a complete rewrite is consistent in itself")
            let report = try await Self.verify(app, expected: held)
            #expect(report.problems.map(\.kind) == [.head])
        }
    }
}
