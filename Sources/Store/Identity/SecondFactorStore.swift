import Crypto
import Domain
import Fluent
import Foundation
import SQLKit

/// Second factors: a TOTP secret per user (sealed at rest), its recovery codes, and the sign-ins
/// waiting for a code. Spending a time step or a recovery code is one conditional update, so two
/// requests racing with the same code cannot both succeed.
public struct SecondFactorStore: Sendable {
    let db: any Database
    let sealer: SecretSealer

    public init(db: any Database, sealer: SecretSealer) { self.db = db; self.sealer = sealer }

    /// A sign-in awaiting its code lasts this long, and allows this many wrong codes.
    public static let challengeLifetime: Int64 = 5 * 60 * 1000
    public static let challengeFailures = 5
    /// Wrong codes in a row, across sign-ins, that stop codes being checked for `lockDuration`:
    /// someone who knows the password cannot guess codes sign-in after sign-in.
    public static let failuresBeforeLock = 10
    public static let lockDuration: Int64 = 15 * 60 * 1000

    public struct Factor: Sendable {
        public var secret: Data
        public var confirmedAt: Int64?
        public var lastStep: Int64
        /// Until when no code is checked, after too many wrong ones.
        public var lockedUntil: Int64?
    }

    public func factor(of userID: UUID) async throws -> Factor? {
        guard let model = try await SecondFactorModel.find(userID.apiString, on: db) else { return nil }
        return Factor(secret: try sealer.open(model.sealedSecret), confirmedAt: model.confirmedAt, lastStep: model.lastStep,
                      lockedUntil: model.lockedUntil)
    }

    /// Counts a wrong code (or recovery code) of the user; returns whether codes are now locked.
    @discardableResult
    public func noteWrongCode(of userID: UUID, now: Int64) async throws -> Bool {
        guard let model = try await SecondFactorModel.find(userID.apiString, on: db) else { return false }
        model.failures += 1
        let locks = model.failures >= Self.failuresBeforeLock
        if locks { model.lockedUntil = now + Self.lockDuration; model.failures = 0 }
        try await model.update(on: db)
        return locks
    }

    /// A right code ends the count of wrong ones.
    public func noteRightCode(of userID: UUID) async throws {
        try await SecondFactorModel.query(on: db).filter(\.$id == userID.apiString)
            .set(\.$failures, to: 0).set(\.$lockedUntil, to: nil).update()
    }

    /// Keeps a new, unconfirmed secret for the user (replacing an unconfirmed one); refused while a
    /// confirmed one is there.
    public func begin(_ userID: UUID, secret: Data, now: Int64) async throws {
        if let existing = try await SecondFactorModel.find(userID.apiString, on: db) {
            guard existing.confirmedAt == nil else { throw DomainError.conflict("the second factor is already on") }
            try await existing.delete(on: db)
        }
        let model = SecondFactorModel()
        model.id = userID.apiString
        model.sealedSecret = try sealer.seal(secret)
        model.lastStep = 0
        model.failures = 0
        model.createdAt = now
        try await model.create(on: db)
    }

    /// Turns the user's pending secret on, with the step its first code was for and new recovery
    /// codes (their hashes), in one transaction.
    public func confirm(_ userID: UUID, step: Int64, recoveryCodes: [String], now: Int64) async throws {
        try await db.transaction { db in
            guard let model = try await SecondFactorModel.find(userID.apiString, on: db), model.confirmedAt == nil else {
                throw DomainError.conflict("there is no second factor waiting to be confirmed")
            }
            model.confirmedAt = now
            model.lastStep = step
            try await model.update(on: db)
            try await Self.replaceCodes(of: userID, with: recoveryCodes, on: db)
            try await UserModel.query(on: db).filter(\.$id == userID).set(\.$secondFactorSince, to: now).update()
        }
    }

    /// Spends a time step: true when it is later than the last one accepted (and is now the last).
    public func spend(step: Int64, of userID: UUID) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        let rows = try await sql.raw("""
            UPDATE second_factors SET last_step = \(bind: step)
            WHERE user_id = \(bind: userID.apiString) AND last_step < \(bind: step) AND confirmed_at_ms IS NOT NULL
            RETURNING user_id
            """).all()
        return !rows.isEmpty
    }

    /// Spends a recovery code: true when it was the user's and unused.
    public func spendRecoveryCode(_ code: String, of userID: UUID, now: Int64) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return false }
        let rows = try await sql.raw("""
            UPDATE recovery_codes SET used_at_ms = \(bind: now)
            WHERE code_hash = \(bind: Self.codeHash(code, of: userID)) AND used_at_ms IS NULL
            RETURNING code_hash
            """).all()
        return !rows.isEmpty
    }

    public func recoveryCodesLeft(of userID: UUID) async throws -> Int {
        try await RecoveryCodeModel.query(on: db).filter(\.$userID == userID.apiString).filter(\.$usedAt == nil).count()
    }

    public func replaceRecoveryCodes(of userID: UUID, with codes: [String]) async throws {
        try await db.transaction { db in try await Self.replaceCodes(of: userID, with: codes, on: db) }
    }

    /// Takes the user's second factor away (turned off, or reset by an administrator).
    public func remove(of userID: UUID) async throws { try await Self.remove(of: userID, on: db) }

    /// The same, where no sealer is at hand (the command line's reset).
    public static func remove(of userID: UUID, on db: any Database) async throws {
        try await db.transaction { db in
            try await SecondFactorModel.query(on: db).filter(\.$id == userID.apiString).delete()
            try await RecoveryCodeModel.query(on: db).filter(\.$userID == userID.apiString).delete()
            try await SignInChallengeModel.query(on: db).filter(\.$userID == userID).delete()
            try await UserModel.query(on: db).filter(\.$id == userID).set(\.$secondFactorSince, to: nil).update()
        }
    }

    // MARK: sign-ins awaiting a code

    /// Starts waiting for the user's code; returns the secret for the browser's cookie.
    public func challenge(for userID: UUID, now: Int64) async throws -> String {
        try await SignInChallengeModel.query(on: db).filter(\.$createdAt < now - Self.challengeLifetime).delete()
        let secret = Secret.make(prefix: "qc_")
        let model = SignInChallengeModel()
        model.id = Secret.hash(secret)
        model.userID = userID
        model.createdAt = now
        model.failures = 0
        try await model.create(on: db)
        return secret
    }

    /// The user a live challenge is for.
    public func challengedUser(_ secret: String, now: Int64) async throws -> UUID? {
        guard let model = try await SignInChallengeModel.find(Secret.hash(secret), on: db) else { return nil }
        guard now - model.createdAt <= Self.challengeLifetime, model.failures < Self.challengeFailures else {
            try await model.delete(on: db)
            return nil
        }
        return model.userID
    }

    /// Counts a wrong code; returns how many tries are left (0: the challenge is over).
    public func noteWrongCode(_ secret: String) async throws -> Int {
        guard let model = try await SignInChallengeModel.find(Secret.hash(secret), on: db) else { return 0 }
        model.failures += 1
        let left = max(0, Self.challengeFailures - model.failures)
        if left == 0 { try await model.delete(on: db) } else { try await model.update(on: db) }
        return left
    }

    public func endChallenge(_ secret: String) async throws {
        try await SignInChallengeModel.query(on: db).filter(\.$id == Secret.hash(secret)).delete()
    }

    // MARK: -

    private static func replaceCodes(of userID: UUID, with codes: [String], on db: any Database) async throws {
        try await RecoveryCodeModel.query(on: db).filter(\.$userID == userID.apiString).delete()
        for code in codes {
            let model = RecoveryCodeModel()
            model.id = codeHash(code, of: userID)
            model.userID = userID.apiString
            try await model.create(on: db)
        }
    }

    /// A recovery code's stored form: the SHA-256 of the user and the code as typed, normalised
    /// (lower case, no spaces or dashes).
    static func codeHash(_ code: String, of userID: UUID) -> String {
        Secret.hash(userID.apiString + ":" + RecoveryCode.normalised(code))
    }
}

/// Recovery codes: ten letters and digits in two groups ("k7p2m-x9q4t"), about 50 bits each.
public enum RecoveryCode {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    public static func make(count: Int = 10) -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let letters = (0..<10).map { _ in alphabet.randomElement(using: &generator)! }
            return String(letters[0..<5]) + "-" + String(letters[5...])
        }
    }

    public static func normalised(_ code: String) -> String {
        String(code.lowercased().filter { $0.isLetter || $0.isNumber })
    }
}

/// Seals small secrets kept in the database (the TOTP secrets) with AES-256-GCM under a key
/// derived from the evidence key, so a copy of the database alone does not give them away.
public struct SecretSealer: Sendable {
    let key: SymmetricKey

    public init(evidenceKey: EvidenceKey) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: evidenceKey.key, info: Data("qorgau second factor".utf8), outputByteCount: 32)
    }

    func seal(_ secret: Data) throws -> String {
        guard let combined = try AES.GCM.seal(secret, using: key).combined else { throw DomainError.conflict("sealing failed") }
        return combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> Data {
        guard let data = Data(base64Encoded: sealed) else { throw DomainError.conflict("a sealed secret is not base64") }
        return try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key)
    }
}

extension BlobStore {
    /// The sealer of the secrets kept in the database, from this store's evidence key.
    public var secretSealer: SecretSealer { SecretSealer(evidenceKey: key) }
}
