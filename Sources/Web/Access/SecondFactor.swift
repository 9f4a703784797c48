import Crypto
import Domain
import Foundation
import Store
import Vapor

/// The second factor: time-based one-time passwords (RFC 6238: HMAC-SHA1, six digits, 30-second
/// steps, as every authenticator app makes them), computed by Vapor's `HOTP` for each step. A
/// code is accepted for the step before, the current one and the next (clocks drift), and each
/// step only once: a code seen over a shoulder or replayed from a log is refused.
enum SecondFactor {
    static let interval: Int64 = 30
    static let digits = OTPDigits.six

    /// The step a moment falls in.
    static func step(at milliseconds: Int64) -> Int64 { milliseconds / 1000 / interval }

    /// The code of one step.
    static func code(secret: Data, step: Int64, digits: OTPDigits = digits) -> String {
        HOTP(key: SymmetricKey(data: secret), digest: .sha1, digits: digits).generate(counter: UInt64(step))
    }

    /// The step `code` is right for, near now and later than the last one accepted; nil otherwise.
    static func matchingStep(of typedCode: String, secret: Data, lastStep: Int64, now: Int64) -> Int64? {
        let typed = typedCode.filter { !$0.isWhitespace }
        guard typed.count == 6, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) else { return nil }
        let current = step(at: now)
        return (current - 1...current + 1).first { candidate in
            candidate > lastStep && Self.equalInConstantTime(Self.code(secret: secret, step: candidate), typed)
        }
    }

    private static func equalInConstantTime(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// 20 random bytes, the size RFC 4226 recommends for HMAC-SHA1.
    static func newSecret() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The `otpauth://` address an authenticator app reads from the QR code. For a victim the
    /// issuer is the neutral name her pages use, so the app on her phone does not name Qorgau.
    static func address(secret: Data, account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = (issuer + ":" + account).addingPercentEncoding(withAllowedCharacters: allowed.union(CharacterSet(charactersIn: ":"))) ?? account
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return "otpauth://totp/\(label)?secret=\(base32(secret))&issuer=\(issuerParameter)&algorithm=SHA1&digits=6&period=30"
    }

    /// RFC 4648 base32 without padding, as authenticator apps take secrets typed by hand.
    static func base32(_ data: Data) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var result = "", buffer = 0, bits = 0
        for byte in data {
            buffer = buffer << 8 | Int(byte); bits += 8
            while bits >= 5 { result.append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5 }
        }
        if bits > 0 { result.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return result
    }

    /// Whether the policy (`QORGAU_MFA_ROLES`) asks this user for a second factor they do not have yet.
    static func mustEnrol(_ user: UserAccount, _ app: Application) -> Bool {
        user.secondFactorSince == nil && app.qorgauConfig.secondFactorRoles.contains(user.role)
    }

    enum Verdict: Equatable { case proven(String), wrong, locked }

    /// Checks a code or a recovery code of a user with a second factor, spending it: how it was
    /// proven (for the audit log), wrong (counted: ten in a row lock codes for 15 minutes), or
    /// locked (nothing checked).
    static func verify(_ typed: String, of user: UserAccount, req: Request) async throws -> Verdict {
        let store = req.secondFactors
        let now = nowMilliseconds()
        guard let factor = try await store.factor(of: user.id), factor.confirmedAt != nil else { return .wrong }
        if let until = factor.lockedUntil, until > now { return .locked }
        var how: String?
        if let step = matchingStep(of: typed, secret: factor.secret, lastStep: factor.lastStep, now: now),
           try await store.spend(step: step, of: user.id) {
            how = "totp"
        } else if RecoveryCode.normalised(typed).count == 10, try await store.spendRecoveryCode(typed, of: user.id, now: now) {
            how = "recovery code"
        }
        guard let how else {
            return try await store.noteWrongCode(of: user.id, now: now) ? .locked : .wrong
        }
        try await store.noteRightCode(of: user.id)
        return .proven(how)
    }
}

struct SecretSealerKey: StorageKey { typealias Value = SecretSealer }

extension Request {
    /// The second factors, with the sealer derived from the evidence key once, at start.
    var secondFactors: SecondFactorStore { SecondFactorStore(db: db, sealer: application.storage[SecretSealerKey.self]!) }
}
