import Crypto
import Domain
import Foundation
import Store
import ZIPFoundation

/// `qorgau export CASE --dossier FILE.zip`: the case file, the stored rows it is made of (one JSON
/// object per line), the dossier page, every evidence file (decrypted, named by its SHA-256), the
/// case's audit records (one JSON object per line) and the chain head, with a manifest of every file's SHA-256, and the manifest signed with the server's
/// Ed25519 key (`manifest.sig`). `verify` checks such a file offline.
package enum DossierArchive {
    /// `manifest.sig`: the signature of manifest.json's bytes, and the public key it verifies with.
    package struct Signature: Codable {
        package var algorithm = "Ed25519"
        package var publicKey: String
        package var signature: String
    }

    /// What `verify` found: the problems (none when intact) and the key the manifest is signed with.
    package struct Verification {
        package var problems: [String]
        package var signedBy: String?
    }

    package struct Manifest: Codable {
        package struct File: Codable {
            package var path: String
            package var sha256: String
            package var size: Int64
            package var name: String?
            package var mediaType: String?
        }

        package var format = "qorgau.dossier"
        /// 2: with rows.jsonl and manifest.sig.
        package var version = 2
        package var caseId: String
        package var caseNumber: String?
        package var madeAt: String
        package var head: ChainHead
        package var files: [File]
    }

    package static func write(_ content: DossierContent, blobs: BlobStore, signer: DossierSigningKey, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        var files: [Manifest.File] = []
        func add(_ path: String, _ data: Data, name: String? = nil, mediaType: String? = nil) throws {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                                 provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
            files.append(.init(path: path, sha256: SHA256Hex.of(data), size: Int64(data.count), name: name, mediaType: mediaType))
        }
        try add("case-file.json", try CaseFileCodec.encode(content.file))
        try add("dossier.html", Data(content.page.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lines = Data()
        for record in content.records { lines += try encoder.encode(record) + Data("\n".utf8) }
        try add("audit.jsonl", lines)
        var rows = Data()
        for row in content.rows { rows += try encoder.encode(row) + Data("\n".utf8) }
        try add("rows.jsonl", rows)
        try add("head.json", try encoder.encode(content.head))
        var seen = Set<String>()
        for item in content.evidence where seen.insert(item.sha256).inserted {
            // Streamed from the sealed store into the archive, a chunk at a time.
            let stored = try blobs.open(item.sha256)
            var pending: [UInt8] = []
            try archive.addEntry(with: "evidence/\(item.sha256)", type: .file, uncompressedSize: item.size,
                                 compressionMethod: .none, provider: { _, size in
                                     while pending.count < size, let piece = try stored.next() { pending += piece }
                                     let chunk = Data(pending.prefix(size))
                                     pending.removeFirst(min(size, pending.count))
                                     return chunk
                                 })
            _ = try stored.next()
            guard stored.matches else { throw DossierError(description: "evidence \(item.id.apiString) does not match its hash: run qorgau audit verify") }
            files.append(.init(path: "evidence/\(item.sha256)", sha256: item.sha256, size: item.size, name: item.name, mediaType: item.mediaType))
        }
        let manifest = Manifest(caseId: content.caseID.apiString, caseNumber: content.file.case.number,
                                madeAt: content.madeAt, head: content.head, files: files)
        let data = try encoder.encode(manifest)
        try archive.addEntry(with: "manifest.json", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                             provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        let signature = try encoder.encode(Signature(publicKey: signer.publicKeyText, signature: try signer.sign(data)))
        try archive.addEntry(with: "manifest.sig", type: .file, uncompressedSize: Int64(signature.count), compressionMethod: .deflate,
                             provider: { position, size in signature.subdata(in: Int(position)..<Int(position) + size) })
    }

    /// What does not match in a dossier file, checked without any database: the manifest's
    /// signature (against `trusted`, the server's published key, when given), every file against
    /// the manifest, evidence against its name, each audit record against its own hash, each
    /// stored row against its last audit record, the case file against what the rows make, the
    /// head against the manifest.
    package static func verify(path: String, trusted: Curve25519.Signing.PublicKey?) throws -> Verification {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        func read(_ entry: Entry) throws -> (Data, String) {
            var data = Data()
            var hasher = SHA256()
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                hasher.update(data: chunk)
                if entry.path != "" && !entry.path.hasPrefix("evidence/") { data += chunk }
            }
            return (data, SHA256Hex.hex(hasher.finalize()))
        }
        guard let manifestEntry = archive["manifest.json"] else { return Verification(problems: ["manifest.json is missing"]) }
        let manifestData = try read(manifestEntry).0
        let manifest = try JSONDecoder().decode(Manifest.self, from: manifestData)
        var problems: [String] = []
        var signedBy: String?
        if let entry = archive["manifest.sig"], let signature = try? JSONDecoder().decode(Signature.self, from: try read(entry).0) {
            signedBy = signature.publicKey
            if signature.algorithm != "Ed25519" || DossierSigningKey.publicKey(signature.publicKey).flatMap({ key in
                Data(base64Encoded: signature.signature).map { key.isValidSignature($0, for: manifestData) }
            }) != true {
                problems.append("manifest.sig does not sign this manifest: the manifest or its signature was changed")
            }
            if let trusted, trusted.rawRepresentation.base64EncodedString() != signature.publicKey {
                problems.append("the manifest is signed with key \(signature.publicKey), not the server's \(trusted.rawRepresentation.base64EncodedString())")
            }
        } else {
            problems.append("manifest.sig is missing or unreadable: the manifest is not signed")
        }
        let listed = Set(manifest.files.map(\.path) + ["manifest.json", "manifest.sig"])
        for entry in archive where !listed.contains(entry.path) { problems.append("\(entry.path) is not in the manifest") }
        var contents: [String: Data] = [:]
        for file in manifest.files {
            guard let entry = archive[file.path] else { problems.append("\(file.path) is missing"); continue }
            let (data, digest) = try read(entry)
            if digest != file.sha256 { problems.append("\(file.path) does not match the manifest: its SHA-256 is \(digest)") }
            if file.path.hasPrefix("evidence/"), file.path != "evidence/" + digest {
                problems.append("\(file.path) does not hash to its name")
            }
            contents[file.path] = data
        }
        var recorded: [String: String?] = [:] // table/key → the hash its last audit record gives
        if let lines = contents["audit.jsonl"] {
            var previous: AuditRecord?
            var records: [AuditRecord] = []
            for (number, line) in lines.split(separator: UInt8(ascii: "\n")).enumerated() {
                guard let record = try? JSONDecoder().decode(AuditRecord.self, from: Data(line)) else {
                    problems.append("audit.jsonl line \(number + 1) is not an audit record"); continue
                }
                records.append(record)
            }
            for record in records.sorted(by: { $0.seq < $1.seq }) {
                if record.computedHash != record.hash { problems.append("audit record \(record.seq) (\(record.id.apiString)) was changed") }
                if record.seq > manifest.head.seq { problems.append("audit record \(record.seq) is after the head") }
                if let previous, previous.seq + 1 == record.seq, record.prev != previous.hash {
                    problems.append("audit record \(record.seq) does not follow record \(previous.seq): one of them was rewritten")
                }
                if let entity = record.entity, let key = record.entityID { recorded[entity + "/" + key] = .some(record.recordHash) }
                previous = record
            }
        }
        if let rows = contents["rows.jsonl"] {
            problems += checkRows(rows, recorded: recorded, caseFile: contents["case-file.json"])
        } else if manifest.version >= 2 {
            problems.append("rows.jsonl is missing")
        }
        if let head = contents["head.json"], (try? JSONDecoder().decode(ChainHead.self, from: head)) != manifest.head {
            problems.append("head.json is not the manifest's head")
        }
        return Verification(problems: problems, signedBy: signedBy)
    }
}

extension DossierArchive {
    /// Each stored row against the hash its last audit record gives, then the case file against
    /// what the rows make: an edit to the case file, or to a row, shows.
    package static func checkRows(_ data: Data, recorded: [String: String?], caseFile: Data?) -> [String] {
        var problems: [String] = []
        var lines: [CaseFileRows.Line] = []
        var present = Set<String>()
        for (number, text) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard let line = try? JSONDecoder().decode(CaseFileRows.Line.self, from: Data(text)) else {
                problems.append("rows.jsonl line \(number + 1) is not a stored row"); continue
            }
            lines.append(line)
            present.insert(line.table + "/" + line.key)
            guard let expected = recorded[line.table + "/" + line.key] else {
                problems.append("row \(line.table)/\(line.key) has no audit record in the dossier"); continue
            }
            if (try? CaseFileRows.hash(of: line)) != expected {
                problems.append("row \(line.table)/\(line.key) is not what its last audit record says it held")
            }
        }
        // a row the audit log says the case holds, missing from the rows (and so from the case file)
        for (row, hash) in recorded.sorted(by: { $0.key < $1.key }) where hash != nil && !present.contains(row)
            && CaseFileRows.tables.contains(String(row.prefix(while: { $0 != "/" }))) {
            problems.append("row \(row) is recorded in the audit log but missing from the dossier")
        }
        guard problems.isEmpty, let caseFile else { return problems }
        do {
            let made = try CaseFileCodec.encode(try CaseFileRows(lines: lines).caseFile())
            if made != caseFile { problems.append("case-file.json is not the case file its recorded rows make") }
        } catch {
            problems.append("the rows do not make a case file: \(error)")
        }
        return problems
    }
}

public struct DossierError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
