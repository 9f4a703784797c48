import Crypto
import Foundation

/// The server's P-256 key for Web Push (VAPID, RFC 8292): browsers subscribe with its public
/// half, and push services deliver only messages it signed. From `QORGAU_PUSH_KEY` (32 bytes,
/// base64) or a key file made at the first start beside the evidence key; replacing it orphans
/// every subscription, so it is kept like the evidence key.
public enum PushKey {
    public static func parse(_ text: String, source: String) throws -> P256.Signing.PrivateKey {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32,
              let key = try? P256.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw EvidenceKeyError("\(source) must hold 32 bytes in base64 (a P-256 private key)")
        }
        return key
    }

    /// The key from the environment, or the key file, made if missing.
    public static func load(environment value: String?, file: String) throws -> P256.Signing.PrivateKey {
        if let value { return try parse(value, source: "QORGAU_PUSH_KEY") }
        let text = try KeyFile.loadOrCreate(file, what: "push key") { P256.Signing.PrivateKey().rawRepresentation.base64EncodedString() + "\n" }
        return try parse(text, source: "the push key file \(file)")
    }
}
