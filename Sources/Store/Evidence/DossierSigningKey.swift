import Crypto
import Foundation

/// The server's Ed25519 key that signs each dossier's manifest. Its public half is published
/// (`GET /api/v1/dossier-key`, `qorgau audit dossier-key`): a dossier whose files were edited
/// and whose manifest was recomputed no longer verifies against it. From `QORGAU_SIGNING_KEY`
/// (32 bytes, base64) or a key file made at the first start beside the evidence key.
public struct DossierSigningKey: Sendable {
    public let key: Curve25519.Signing.PrivateKey

    public init(_ key: Curve25519.Signing.PrivateKey) { self.key = key }

    public static func random() -> DossierSigningKey { DossierSigningKey(Curve25519.Signing.PrivateKey()) }

    /// The public half, base64, as it is published.
    public var publicKeyText: String { key.publicKey.rawRepresentation.base64EncodedString() }

    public func sign(_ data: Data) throws -> String { try key.signature(for: data).base64EncodedString() }

    public static func parse(_ text: String, source: String) throws -> DossierSigningKey {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw EvidenceKeyError("\(source) must hold 32 bytes in base64 (an Ed25519 private key)")
        }
        return DossierSigningKey(key)
    }

    /// The key from the environment, or the key file, made if missing.
    public static func load(environment value: String?, file: String) throws -> DossierSigningKey {
        if let value { return try parse(value, source: "QORGAU_SIGNING_KEY") }
        let text = try KeyFile.loadOrCreate(file, what: "dossier signing key") { random().key.rawRepresentation.base64EncodedString() + "\n" }
        return try parse(text, source: "the dossier signing key file \(file)")
    }

    /// A published public key, base64.
    public static func publicKey(_ text: String) -> Curve25519.Signing.PublicKey? {
        Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
            .flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }
}
