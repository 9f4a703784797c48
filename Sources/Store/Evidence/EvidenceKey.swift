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
        let text = try KeyFile.loadOrCreate(file, what: "evidence key") {
            random().key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        }
        return try parse(text, source: "the evidence key file \(file)")
    }
}

public struct EvidenceKeyError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
