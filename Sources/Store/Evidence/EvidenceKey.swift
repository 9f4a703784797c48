import Crypto
import Foundation

/// The key evidence files are encrypted with (AES-256-GCM). From `QORGAU_EVIDENCE_KEY` (32 bytes,
/// base64) when set, otherwise from a key file that the first start creates, readable by its
/// owner only. Losing the key loses the evidence: the README says how to back it up.
public struct EvidenceKey: Sendable {
    let key: SymmetricKey

    public init(_ key: SymmetricKey) { self.key = key }

    public static func random() -> EvidenceKey { EvidenceKey(SymmetricKey(size: .bits256)) }

    public static func parse(_ text: String, source: String) throws -> EvidenceKey {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw EvidenceKeyError("\(source) must hold 32 bytes in base64 (make one with: openssl rand -base64 32)")
        }
        return EvidenceKey(SymmetricKey(data: bytes))
    }

    /// The key from the environment, or the key file, made if missing.
    public static func load(environment value: String?, file: String) throws -> EvidenceKey {
        if let value { return try parse(value, source: "QORGAU_EVIDENCE_KEY") }
        let manager = FileManager.default
        if let text = manager.contents(atPath: file) {
            return try parse(String(decoding: text, as: UTF8.self), source: "the evidence key file \(file)")
        }
        try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let key = random()
        let text = key.key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        // O_EXCL: of two instances starting at once, one makes the key and the other reads it.
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0, errno == EEXIST, let existing = manager.contents(atPath: file), !existing.isEmpty {
            return try parse(String(decoding: existing, as: UTF8.self), source: "the evidence key file \(file)")
        }
        guard fd >= 0 else {
            throw EvidenceKeyError("cannot create the evidence key file \(file): check the data directory's permissions")
        }
        defer { close(fd) }
        let written = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.utf8.count, fsync(fd) == 0 else {
            throw EvidenceKeyError("cannot write the evidence key file \(file)")
        }
        return key
    }
}

public struct EvidenceKeyError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
