import Crypto
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

@Suite struct EvidenceAPITests {
    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// A case from the fixture and the id of its first incident.
    static func caseWithIncident(_ app: Application) async throws -> (caseID: String, incidentID: String) {
        let created = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
        let caseID = try #require(created.json["id"] as? String)
        let incidents = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents")
        let incidentID = try #require((incidents.json["items"] as? [[String: Any]])?.first?["id"] as? String)
        return (caseID, incidentID)
    }

    /// Every file under the evidence directory (the temporary folder included).
    static func storedFiles(_ app: Application) -> [String] {
        let root = app.blobs.directory
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { path in
            var directory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &directory) && !directory.boolValue
        }
    }

    @Test(arguments: TestDatabase.available)
    func aPhotoIsStoredOnceSealedAndComesBackWithItsHash(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, incidentID) = try await Self.caseWithIncident(app)
            let photo = Multipart.jpeg(size: 700_000) // several sealed chunks
            let first = try await app.upload(photo, name: "../../screenshot 1.jpg", caseID: caseID, incidentID: incidentID)
            #expect(first.status == .created, "\(first.text)")
            #expect(first.json["sha256"] as? String == Self.sha256(photo))
            #expect(first.json["mediaType"] as? String == "image/jpeg")
            #expect(first.json["name"] as? String == "screenshot 1.jpg")
            #expect(first.json["size"] as? Int == photo.count)
            let id = try #require(first.json["id"] as? String)

            let again = try await app.upload(photo, caseID: caseID, incidentID: incidentID)
            #expect(again.status == .ok)
            #expect(again.json["id"] as? String == id)
            let files = Self.storedFiles(app)
            #expect(files.count == 1, "the same content is stored once: \(files)")
            let sealed = try #require(FileManager.default.contents(atPath: app.blobs.directory + "/" + files[0]))
            #expect(sealed.range(of: Data(photo.prefix(4096))) == nil, "the file is encrypted at rest")

            let download = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence/\(id)/content")
            #expect(download.status == .ok)
            #expect(Array(download.body.readableBytesView) == photo)
            #expect(download.headers.first(name: "X-Content-SHA256") == Self.sha256(photo))
            #expect(download.headers.contentType?.description == "image/jpeg")

            let file = try await app.request(.GET, "/api/v1/cases/\(caseID)/case-file")
            let incidents = try #require(file.json["incidents"] as? [[String: Any]])
            let listed = incidents.flatMap { ($0["evidence"] as? [[String: Any]]) ?? [] }
            #expect(listed.contains { $0["sha256"] as? String == Self.sha256(photo) }, "the case file lists the upload")
        }
    }

    @Test func theChainOfCustodyNamesWhoAddedViewedAndDownloaded() async throws {
        try await withQorgauApp { app in
            let (caseID, incidentID) = try await Self.caseWithIncident(app)
            let id = try #require(try await app.upload(Multipart.jpeg(), caseID: caseID, incidentID: incidentID).json["id"] as? String)
            let investigator = try await app.makeUser(.investigator, cases: [UUID(uuidString: caseID)!])
            _ = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence/\(id)", as: investigator)
            _ = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence/\(id)/content", as: investigator)
            let custody = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence/\(id)/custody")
            let events = try #require(try JSONSerialization.jsonObject(with: Data(buffer: custody.body)) as? [[String: Any]])
            #expect(events.map { $0["action"] as? String } == ["evidence.added", "evidence.viewed", "evidence.downloaded"])
            let officer = app.defaultTestUser.account.id.uuidString.lowercased()
            let other = investigator.account.id.uuidString.lowercased()
            #expect(events.map { $0["actor"] as? String } == [officer, other, other])
        }
    }

    @Test func badUploadsAreRefusedAndLeaveNothing() async throws {
        try await withQorgauApp(settings: { $0.maxEvidenceBytes = 100_000 }) { app in
            let (caseID, incidentID) = try await Self.caseWithIncident(app)
            let empty = try await app.upload([], caseID: caseID, incidentID: incidentID)
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.problemPointers == ["/file"])
            let program = try await app.upload([0x4D, 0x5A, 0x90, 0x00, 0x03] + [UInt8](repeating: 0, count: 600),
                                               name: "photo.jpg", caseID: caseID, incidentID: incidentID)
            #expect(program.status == .unsupportedMediaType, "judged by content, not by its name")
            let oversized = try await app.upload(Multipart.jpeg(size: 200_000), caseID: caseID, incidentID: incidentID)
            #expect(oversized.status == .payloadTooLarge)
            let wrongField = try await app.upload(Multipart.jpeg(), caseID: caseID, incidentID: incidentID, fileField: "attachment")
            #expect(wrongField.status == .unprocessableEntity)

            var cut = Multipart.body(Multipart.jpeg(size: 50_000))
            cut.moveWriterIndex(to: 30_000) // the connection dropped mid-file
            var headers = Multipart.headers
            headers.bearerAuthorization = BearerAuthorization(token: app.defaultTestUser.token)
            let interrupted = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(caseID)/incidents/\(incidentID)/evidence",
                                                                  headers: headers, body: cut)
            #expect(interrupted.status == .unprocessableEntity)
            let json = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents/\(incidentID)/evidence", json: ["file": "x"])
            #expect(json.status == .unsupportedMediaType)
            let unknownIncident = try await app.upload(Multipart.jpeg(), caseID: caseID, incidentID: UUID().uuidString)
            #expect(unknownIncident.status == .notFound)

            #expect(Self.storedFiles(app).isEmpty, "a refused upload leaves nothing behind")
            let listed = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence")
            #expect(listed.text == "[]")
        }
    }

    @Test func aVictimAttachesAPhotoToHerOwnIncidentOnly() async throws {
        try await withQorgauApp { app in
            let (caseID, incidentID) = try await Self.caseWithIncident(app)
            let (otherCase, otherIncident) = try await {
                let file = Fixtures.caseFileJSON(device: "bracelet-2")
                let created = try await app.request(.POST, "/api/v1/case-files", json: file)
                let id = try #require(created.json["id"] as? String)
                let incidents = try await app.request(.GET, "/api/v1/cases/\(id)/incidents")
                return (id, try #require((incidents.json["items"] as? [[String: Any]])?.first?["id"] as? String))
            }()
            let victim = try await app.makeUser(.victim, cases: [UUID(uuidString: caseID)!])
            let own = try await app.upload(Multipart.jpeg(), caseID: caseID, incidentID: incidentID, as: victim)
            #expect(own.status == .created)
            let foreign = try await app.upload(Multipart.jpeg(), caseID: otherCase, incidentID: otherIncident, as: victim)
            #expect(foreign.status == .notFound)
            let crossed = try await app.upload(Multipart.jpeg(seed: 2), caseID: caseID, incidentID: otherIncident, as: victim)
            #expect(crossed.status == .notFound, "an incident of another case, named under her case")
        }
    }
}
