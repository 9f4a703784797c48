import Fluent
import Foundation

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "role") var role: String
    @OptionalField(key: "unit") var unit: String?
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "must_change_password") var mustChangePassword: Bool
    @Field(key: "disabled") var disabled: Bool
    /// Failed sign-ins since the last good one; five lock the account for a while.
    @Field(key: "failed_attempts") var failedAttempts: Int
    @OptionalField(key: "locked_until_ms") var lockedUntil: Int64?
    @Field(key: "created_at_ms") var createdAt: Int64
    /// Set while the user has a confirmed second factor (migration 017).
    @OptionalField(key: "second_factor_at_ms") var secondFactorSince: Int64?

    init() {}
}

/// A signed-in browser. Only the SHA-256 of the cookie's value is stored.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(custom: "token_hash", generatedBy: .user) var id: String?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at_ms") var createdAt: Int64
    @Field(key: "last_seen_ms") var lastSeen: Int64

    init() {}
}

/// A bearer token for the API. Only the SHA-256 of the token is stored.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "may_write") var mayWrite: Bool
    @Field(key: "created_at_ms") var createdAt: Int64
    @Field(key: "expires_at_ms") var expiresAt: Int64
    @OptionalField(key: "revoked_at_ms") var revokedAt: Int64?

    init() {}
}

/// One user's access to one case (a victim's own case, an investigator's or a judge's).
final class CaseAccessModel: Model, @unchecked Sendable {
    static let schema = "case_access"

    final class IDValue: Fields, Hashable, @unchecked Sendable {
        @Field(key: "case_id") var caseID: UUID
        @Field(key: "user_id") var userID: UUID
        init() {}
        init(caseID: UUID, userID: UUID) { self.caseID = caseID; self.userID = userID }
        static func == (lhs: IDValue, rhs: IDValue) -> Bool { lhs.caseID == rhs.caseID && lhs.userID == rhs.userID }
        func hash(into hasher: inout Hasher) { hasher.combine(caseID); hasher.combine(userID) }
    }

    @CompositeID var id: IDValue?
    @Field(key: "granted_by") var grantedBy: String
    @Field(key: "granted_at_ms") var grantedAt: Int64

    init() {}
}

/// A user's TOTP secret, sealed with a key derived from the evidence key; unconfirmed until the
/// first right code. `last_step` is the last time step a code was accepted for (no replays).
final class SecondFactorModel: Model, @unchecked Sendable {
    static let schema = "second_factors"

    @ID(custom: "user_id", generatedBy: .user) var id: String?
    @Field(key: "sealed_secret") var sealedSecret: String
    @OptionalField(key: "confirmed_at_ms") var confirmedAt: Int64?
    @Field(key: "last_step") var lastStep: Int64
    /// Wrong codes in a row, whichever sign-in they came in (a right password does not reset them).
    @Field(key: "failures") var failures: Int
    @OptionalField(key: "locked_until_ms") var lockedUntil: Int64?
    @Field(key: "created_at_ms") var createdAt: Int64

    init() {}
}

/// A recovery code, each usable once. The id is the SHA-256 of the user and the code.
final class RecoveryCodeModel: Model, @unchecked Sendable {
    static let schema = "recovery_codes"

    @ID(custom: "code_hash", generatedBy: .user) var id: String?
    @Field(key: "user_id") var userID: String
    @OptionalField(key: "used_at_ms") var usedAt: Int64?

    init() {}
}

/// A sign-in whose password was right and whose second factor is awaited. The cookie holds a
/// secret; the table its SHA-256.
final class SignInChallengeModel: Model, @unchecked Sendable {
    static let schema = "sign_in_challenges"

    @ID(custom: "secret_hash", generatedBy: .user) var id: String?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "created_at_ms") var createdAt: Int64
    @Field(key: "failures") var failures: Int

    init() {}
}

/// A unit: its code (what users and cases carry), its name in each language, its region.
final class UnitModel: Model, @unchecked Sendable {
    static let schema = "units"

    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "name_ru") var nameRu: String
    @Field(key: "name_kk") var nameKk: String
    @Field(key: "name_en") var nameEn: String
    @OptionalField(key: "region") var region: String?
    @Field(key: "created_at_ms") var createdAt: Int64

    init() {}
}
