import Foundation
import Presentation
import Store
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
            for expected in ["<h2>Episodes</h2>", "wrote again", "Protective orders", sha, "chain&#39;s head", "Republic of Kazakhstan"] {
                #expect(page.text.contains(expected), "the dossier shows \(expected)")
            }
            #expect(!page.text.contains("<script"))
            // in Russian and Kazakh from the pages' catalogs, things named, not coded
            for (lang, words) in [("ru", ["<h2>Эпизоды</h2>", "Охранные предписания", "вершина цепочки аудита", "Республика Казахстан", "Подпись"]),
                                  ("kk", ["<h2>Эпизодтар</h2>", "Қазақстан Республикасы", "Қолы"])] {
                let translated = try await app.request(.GET, "/api/v1/cases/\(caseID)/dossier?lang=\(lang)")
                let text = PageTests.visibleText(translated.text)
                for expected in words { #expect(translated.text.contains(expected), "\(lang): \(expected)") }
                for code in ["KZ.CC", "KZ.CAO", "contact", "protectiveOrder", "counted", "minimumEpisodes"] {
                    #expect(!text.contains(code), "\(lang): the dossier shows the code \(code)")
                }
            }
        }
    }

    @Test func anExportedDossierVerifiesOfflineAndATamperedOneDoesNot() async throws {
        try await withQorgauApp { app in
            let (caseID, evidenceID) = try await IntegrityTests.busyCase(app)
            let path = NSTemporaryDirectory() + "dossier-\(UUID().uuidString).zip"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await Dossier.export(caseID: UUID(uuidString: caseID)!, db: app.db, blobs: app.blobs, packs: app.packs,
                                     signer: app.dossierSigner, to: path)
            let published = try #require(try await app.request(.GET, "/api/v1/dossier-key", anonymous: true).json["publicKey"] as? String)
            #expect(try Dossier.verify(path: path, trustedKey: published).problems == [])

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
            let problems = try Dossier.verify(path: path, trustedKey: published).problems
            #expect(problems.count == 2, "\(problems)")
            #expect(problems.contains { $0.hasPrefix("case-file.json does not match the manifest") }, "\(problems)")
            #expect(problems.contains("case-file.json is not the case file its recorded rows make"), "\(problems)")

            // Someone recomputes the manifest too, and signs it with a key of their own.
            let forged = try Archive(url: URL(fileURLWithPath: path), accessMode: .update)
            var manifest = try JSONSerialization.jsonObject(with: try #require(try Self.extract(forged, "manifest.json"))) as! [String: Any]
            manifest["files"] = (manifest["files"] as! [[String: Any]]).map { entry in
                var entry = entry
                if entry["path"] as? String == "case-file.json" { entry["sha256"] = SHA256Hex.of(file) }
                return entry
            }
            let manifestData = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
            let forger = DossierSigningKey.random()
            let signature = try JSONSerialization.data(withJSONObject: ["algorithm": "Ed25519", "publicKey": forger.publicKeyText,
                                                                        "signature": try forger.sign(manifestData)])
            for (name, data) in [("manifest.json", manifestData), ("manifest.sig", signature)] {
                try forged.remove(try #require(forged[name]))
                try forged.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count),
                                    provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
            }
            let forgedProblems = try Dossier.verify(path: path, trustedKey: published).problems
            #expect(forgedProblems.contains { $0.contains("not the server's") }, "\(forgedProblems)")
            #expect(try Dossier.verify(path: path, trustedKey: nil).problems == ["case-file.json is not the case file its recorded rows make"],
                    "without the published key, the rows and their audit records still tell")
        }
    }

    @Test func aDossiersRowsAreItsAuditRecordsAndMakeItsCaseFile() async throws {
        try await withQorgauApp { app in
            let (caseID, _) = try await IntegrityTests.busyCase(app)
            // a correction, a person with places, an order: rows changed after they were made
            let persons = try await app.request(.GET, "/api/v1/cases/\(caseID)/persons").json["items"] as? [[String: Any]] ?? []
            #expect(!persons.isEmpty)
            let path = NSTemporaryDirectory() + "dossier-\(UUID().uuidString).zip"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await Dossier.export(caseID: UUID(uuidString: caseID)!, db: app.db, blobs: app.blobs, packs: app.packs,
                                     signer: app.dossierSigner, to: path)
            #expect(try Dossier.verify(path: path, trustedKey: nil).problems == [])
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            let rows = String(decoding: try #require(try Self.extract(archive, "rows.jsonl")), as: UTF8.self)
            #expect(rows.split(separator: "\n").count > 3)
            #expect(rows.contains("\"table\":\"incidents\""))

            // a row edited (and the manifest recomputed to match) no longer matches its audit record
            let edited = rows.replacingOccurrences(of: "wrote again", with: "said hello")
            #expect(edited != rows)
            let problems = DossierArchive.checkRows(Data(edited.utf8), recorded: try Self.recorded(archive), caseFile: nil)
            #expect(problems.contains { $0.contains("is not what its last audit record says it held") }, "\(problems)")
        }
    }

    static func recorded(_ archive: Archive) throws -> [String: String?] {
        var recorded: [String: String?] = [:]
        for line in try #require(try extract(archive, "audit.jsonl")).split(separator: UInt8(ascii: "\n")) {
            let record = try JSONDecoder().decode(AuditRecord.self, from: Data(line))
            if let entity = record.entity, let key = record.entityID { recorded[entity + "/" + key] = .some(record.recordHash) }
        }
        return recorded
    }

    static func extract(_ archive: Archive, _ path: String) throws -> Data? {
        guard let entry = archive[path] else { return nil }
        var data = Data()
        _ = try archive.extract(entry) { data += $0 }
        return data
    }
}
