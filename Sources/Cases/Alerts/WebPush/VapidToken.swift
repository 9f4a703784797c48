import Crypto
import Foundation

/// Voluntary Application Server Identification (RFC 8292): the `Authorization` header that tells
/// a push service which server sends, so it delivers only to subscriptions made for this server's
/// key. A JWT signed with ES256 over the push service's origin (`aud`), an expiry of at most a
/// day (`exp`) and a contact for the service's operators (`sub`, a `mailto:` or `https:` address).
public struct VapidToken: Sendable {
    public var key: P256.Signing.PrivateKey
    public var subject: String

    public init(key: P256.Signing.PrivateKey, subject: String) { self.key = key; self.subject = subject }

    /// The public key browsers subscribe with (`applicationServerKey`), base64url.
    public var publicKey: String { key.publicKey.x963Representation.base64URLEncoded }

    /// `vapid t=<jwt>, k=<public key>` for a message to `endpoint`, valid 12 hours from `now`.
    public func authorization(for endpoint: URL, now: Date) throws -> String {
        guard let scheme = endpoint.scheme, let host = endpoint.host else { throw WebPushEncryption.Failure(description: "no origin") }
        let origin = "\(scheme)://\(host)" + (endpoint.port.map { ":\($0)" } ?? "")
        let header = try JSONSerialization.data(withJSONObject: ["typ": "JWT", "alg": "ES256"], options: [.sortedKeys])
        let claims = try JSONSerialization.data(withJSONObject: ["aud": origin, "exp": Int(now.timeIntervalSince1970) + 12 * 3600,
                                                                 "sub": subject], options: [.sortedKeys, .withoutEscapingSlashes])
        let signingInput = header.base64URLEncoded + "." + claims.base64URLEncoded
        // ES256 signs with the raw r || s (RFC 7518 §3.4), not DER
        let signature = try key.signature(for: Data(signingInput.utf8)).rawRepresentation
        return "vapid t=\(signingInput).\(signature.base64URLEncoded), k=\(publicKey)"
    }
}
