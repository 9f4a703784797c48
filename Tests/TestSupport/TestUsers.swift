import Cases
import Domain
import Fluent
import Foundation
import Store
import Vapor
import Web

/// A user made for a test, with a live API token.
public struct TestUser: Sendable {
    public var account: UserAccount
    public var token: String
    public var password: String

    public init(account: UserAccount, token: String, password: String) {
        self.account = account; self.token = token; self.password = password
    }
}

struct DefaultTestUserKey: StorageKey { typealias Value = TestUser }

extension Application {
    /// The officer of `Fixtures.unit` that requests act as unless a test says otherwise.
    public var defaultTestUser: TestUser { storage[DefaultTestUserKey.self]! }

    /// Makes a user (or, when the username exists, e.g. a second instance on a shared database,
    /// gives the existing one a new token), grants it `cases`, and makes a token.
    public func makeUser(_ role: Role, username: String? = nil, unit: String? = nil, cases: [UUID] = [],
                         password: String = "correct horse battery staple", readOnly: Bool = false) async throws -> TestUser {
        let name = username ?? "\(role.rawValue.lowercased()).\(UUID().uuidString.prefix(8).lowercased())"
        let account: UserAccount
        if let existing = try? await UserStore(db: db).find(username: name) {
            account = existing
        } else {
            account = try await Accounts(db: db, cost: 4).create(username: name, displayName: name, role: role, unit: unit,
                                                                 password: password, by: "test").0
        }
        for caseID in cases { try await AccessStore(db: db).grant(caseID: caseID, to: account, by: .commandLine) }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let (token, _) = try await TokenStore(db: db).create(for: account.id, name: "test", mayWrite: !readOnly,
                                                            expiresAt: now + 86_400_000, now: now)
        return TestUser(account: account, token: token, password: password)
    }
}
