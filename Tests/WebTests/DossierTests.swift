import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web
import ZIPFoundation

@Suite struct DossierTests {
    @Test func thePrintablePageShowsEpisodesElementsOrdersAndEvidenceHashes() async throws {
        try await withQorgauApp { app in
            let (caseID, evidenceID) = try await IntegrityTests.busyCase(app)
            let sha = try #require(try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence/\(evidenceID)").json["sha256"] as? String)
            let page = try await app.request(.GET, "/api/v1/cases/\(caseID)/dossier?lang=en")
            #expect(page.status == .ok)
            #expect(page.headers.contentType == .html)
            for expected in ["<h2>Episodes</h2>", "wrote again", "Protective orders", sha, "chain head", "KZ"] {
                #expect(page.text.contains(expected), "the dossier shows \(expected)")
            }
            #expect(!page.text.contains("<script"))
        }
    }

    @Test func anExportedDossierVerifiesOfflineAndATamperedOneDoesNot() async throws {
        try await withQorgauApp { app in
            let (caseID, evidenceID) = try await IntegrityTests.busyCase(app)
            let path = NSTemporaryDirectory() + "dossier-\(UUID().uuidString).zip"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await Dossier.export(caseID: UUID(uuidString: caseID)!, db: app.db, blobs: app.blobs, packs: app.packs, to: path)
            #expect(try Dossier.verify(path: path) == [])

            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            #expect(archive["evidence/" + (try #require(try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence/\(evidenceID)").json["sha256"] as? String))] != nil)
            let lines = try #require(try Self.extract(archive, "audit.jsonl"))
            #expect(String(decoding: lines, as: UTF8.self).contains("evidence.exported"), "the export is in the item's custody and the dossier")

            // Someone edits the case file inside the zip.
            let edit = try Archive(url: URL(fileURLWithPath: path), accessMode: .update)
            var file = try #require(try Self.extract(edit, "case-file.json"))
            file = Data(String(decoding: file, as: UTF8.self).replacingOccurrences(of: "wrote again", with: "said hello").utf8)
            try edit.remove(try #require(edit["case-file.json"]))
            try edit.addEntry(with: "case-file.json", type: .file, uncompressedSize: Int64(file.count),
                              provider: { position, size in file.subdata(in: Int(position)..<Int(position) + size) })
            let problems = try Dossier.verify(path: path)
            #expect(problems.count == 1)
            #expect(problems.first?.hasPrefix("case-file.json does not match the manifest") == true, "\(problems)")
        }
    }

    static func extract(_ archive: Archive, _ path: String) throws -> Data? {
        guard let entry = archive[path] else { return nil }
        var data = Data()
        _ = try archive.extract(entry) { data += $0 }
        return data
    }
}
