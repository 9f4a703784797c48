/// What a password must be: at least 12 characters, at most 72 bytes (bcrypt reads no more), not
/// the username, and not a common password (nor one with digits or symbols stuck on its end).
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumBytes = 72

    /// Why a password is refused, each with the key of its text in the pages' catalogs.
    public enum Refusal: String, Sendable {
        case tooShort = "password_too_short", tooLong = "password_too_long", containsUsername = "password_has_username"
        case repetitive = "password_repetitive", common = "password_common"

        public var message: String {
            switch self {
            case .tooShort: "a password needs at least \(PasswordPolicy.minimumLength) characters"
            case .tooLong: "a password may have at most \(PasswordPolicy.maximumBytes) bytes"
            case .containsUsername: "a password must not contain the username"
            case .repetitive: "a password must not repeat one or two characters"
            case .common: "this password is among the most common ones; choose another"
            }
        }
    }

    /// Why `password` is refused, or nil when it is acceptable.
    public static func problem(with password: String, username: String) -> String? { refusal(of: password, username: username)?.message }

    public static func refusal(of password: String, username: String) -> Refusal? {
        if password.count < minimumLength { return .tooShort }
        if password.utf8.count > maximumBytes { return .tooLong }
        let lower = password.lowercased()
        if !username.isEmpty, lower.contains(username.lowercased()) { return .containsUsername }
        if Set(lower).count <= 2 { return .repetitive }
        if isCommon(lower) { return .common }
        return nil
    }

    static func isCommon(_ lower: String) -> Bool {
        if CommonPasswords.list.contains(lower) { return true }
        // "password2025!", "qwerty123456": a common word with digits or symbols stuck on its end
        let stem = String(lower.reversed().drop { !$0.isLetter }.reversed())
        if stem.isEmpty { return sequences.contains { $0.contains(lower) || lower.contains($0) } }
        if CommonPasswords.list.contains(stem) { return true }
        return sequences.contains { $0.contains(lower) }
    }

    /// Keyboard and counting runs: any password that is a slice of one of them is refused.
    static let sequences = ["01234567890123456789", "98765432109876543210", "abcdefghijklmnopqrstuvwxyz",
                            "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb", "йцукенгшщзхъфывапролджэячсмитьбю"]
}
