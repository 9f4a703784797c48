import Cases
import Testing
import TestSupport
import Vapor

/// Passwords are hashed by the accounts' own bcrypt since the accounts left the web target:
/// a hash stored before (made by Vapor's bcrypt) still signs in, and a new one is the same format.
@Suite struct PasswordHashTests {
    @Test func aHashMadeByVaporsBcryptStillVerifiesAndANewOneIsTheSameFormat() async throws {
        try await withQorgauApp(.sqliteFile) { app in
            let accounts = Accounts(db: app.db, cost: 4)
            let stored = try Bcrypt.hash("correct horse battery staple", cost: 4)
            #expect(try await accounts.verify("correct horse battery staple", stored))
            #expect(try await !accounts.verify("correct horse battery stapler", stored))
            let made = try await accounts.hash("Әйгерім құпия сөз 2026")
            #expect(made.hasPrefix("$2b$04$"))
            #expect(try Bcrypt.verify("Әйгерім құпия сөз 2026", created: made))
            #expect(try await !accounts.verify("Айгерим құпия сөз 2026", made))
            #expect(try await !accounts.verify("anything", "not a bcrypt hash"))
        }
    }
}
