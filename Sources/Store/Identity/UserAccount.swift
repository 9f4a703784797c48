import Domain
import Foundation

/// A user as the rest of the system sees one: never the password hash.
public struct UserAccount: Sendable, Equatable, Codable {
    public var id: UUID
    public var username: String
    public var displayName: String
    public var role: Role
    /// The unit whose cases an officer sees (and where other roles work).
    public var unit: String?
    public var mustChangePassword: Bool
    public var disabled: Bool
    /// When the lock after repeated failed sign-ins ends (milliseconds since 1970), if locked.
    public var lockedUntil: Int64?
    public var createdAt: Int64
    /// Since when the user signs in with a second factor (milliseconds since 1970), if they do.
    public var secondFactorSince: Int64? = nil
}

/// Random secrets and their stored form: tokens and session ids are kept only as SHA-256.
public enum Secret {
    /// 32 random bytes from the system's generator, base64url, with a prefix naming the kind.
    public static func make(prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 of a secret, hex: what the database holds.
    public static func hash(_ secret: String) -> String {
        SHA256Hex.of(secret)
    }
}
