import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting

/// The attacks and mistakes the access rules are for: each is refused, and audited.
@Suite struct AccessTests {
    func auditActions(_ app: Application) async throws -> [String] {
        try await AuditStore(db: app.db).list(limit: 500, after: nil).items.map(\.action)
    }

    @Test(arguments: TestDatabase.available)
    func guessingAnotherCasesIdIsANotFoundAndAudited(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let elsewhere = try await app.makeUser(.officer, unit: "Another unit")
            let theirs = try await app.request(.POST, "/api/v1/cases", json: ["jurisdiction": "KZ", "openedAt": "2025-10-02T09:15:00+05:00"],
                                               as: elsewhere)
            let theirID = try #require(theirs.json["id"] as? String)
            #expect(theirs.json["unit"] as? String == "Another unit", "an officer's case is opened in their unit")

            let guessed = try await app.request(.GET, "/api/v1/cases/\(theirID)")
            let unknown = try await app.request(.GET, "/api/v1/cases/\(UUID().uuidString)")
            #expect(guessed.status == .notFound)
            #expect(unknown.status == .notFound)
            #expect(guessed.text == unknown.text, "an existing case and a missing one answer alike")
            let listed = try await app.request(.GET, "/api/v1/cases")
            #expect((listed.json["items"] as? [Any])?.isEmpty == true)
            let refusals = try await AuditStore(db: app.db).list(action: "case.refused", limit: 10, after: nil).items
            #expect(refusals.contains { $0.detail?.contains("outside the scope") == true && $0.actor == app.defaultTestUser.account.id.uuidString.lowercased() })

            let wrongUnit = try await app.request(.POST, "/api/v1/cases", json: ["jurisdiction": "KZ", "openedAt": "2025-10-02T09:15:00+05:00",
                                                                               "unit": "Another unit"])
            #expect(wrongUnit.status == .unprocessableEntity)
            #expect(wrongUnit.problemPointers == ["/unit"])
        }
    }

    @Test func aVictimSeesHerOwnCaseOnlyAndLogsIncidentsAsTheVictim() async throws {
        try await withQorgauApp { app in
            let hers = try #require(UUID(uuidString: try await app.createCase()))
            let another = try await app.createCase()
            let victim = try await app.makeUser(.victim, cases: [hers])
            let h = hers.uuidString.lowercased()

            #expect(try await app.request(.GET, "/api/v1/cases/\(h)", as: victim).status == .ok)
            #expect(try await app.request(.GET, "/api/v1/cases/\(another)", as: victim).status == .notFound)
            #expect(try await app.request(.GET, "/api/v1/cases/\(another)/incidents", as: victim).status == .notFound)
            let refusals = try await AuditStore(db: app.db).list(action: "case.refused", limit: 10, after: nil).items
            #expect(refusals.filter { $0.actor == victim.account.id.uuidString.lowercased() }.count == 2, "each try at another's case is audited")
            let list = try await app.request(.GET, "/api/v1/cases", as: victim)
            #expect((list.json["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [h])

            let logged = try await app.request(.POST, "/api/v1/cases/\(h)/incidents", json: Fixtures.incidentJSON(), as: victim)
            #expect(logged.status == .created)
            var asOfficer = Fixtures.incidentJSON()
            asOfficer["reportedBy"] = "officer"
            let misattributed = try await app.request(.POST, "/api/v1/cases/\(h)/incidents", json: asOfficer, as: victim)
            #expect(misattributed.status == .unprocessableEntity)
            #expect(misattributed.problemPointers == ["/reportedBy"])

            #expect(try await app.request(.GET, "/api/v1/cases/\(h)/assessment", as: victim).status == .forbidden)
            #expect(try await app.request(.GET, "/api/v1/cases/\(h)/case-file", as: victim).status == .forbidden)
            #expect(try await auditActions(app).contains("access.denied"))
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRevokedTokenIsRefusedAndAudited(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let made = try await app.request(.POST, "/api/v1/auth/tokens", json: ["username": "test.officer", "password": app.defaultTestUser.password,
                                                                               "name": "script", "expiresInDays": 7], anonymous: true)
            #expect(made.status == .created)
            let secret = try #require(made.json["token"] as? String)
            let id = try #require((made.json["details"] as? [String: Any])?["id"] as? String)
            let token = TestUser(account: app.defaultTestUser.account, token: secret, password: "")
            #expect(try await app.request(.GET, "/api/v1/auth/me", as: token).json["username"] as? String == "test.officer")
            #expect(try await app.request(.DELETE, "/api/v1/auth/tokens/\(id)", as: token).status == .ok)
            let after = try await app.request(.GET, "/api/v1/cases", as: token)
            #expect(after.status == .unauthorized)
            let refused = try await AuditStore(db: app.db).list(action: "token.refused", limit: 10, after: nil).items
            #expect(refused.contains { $0.detail == "revoked token \(id)" })

            let bogus = TestUser(account: app.defaultTestUser.account, token: "qgt_not-a-token", password: "")
            #expect(try await app.request(.GET, "/api/v1/cases", as: bogus).status == .unauthorized)
            let anonymous = try await app.request(.GET, "/api/v1/cases", anonymous: true)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers.first(name: "WWW-Authenticate") == "Bearer")
            #expect(anonymous.headers.first(name: "X-Frame-Options") == "DENY", "an error carries the security headers too")
        }
    }

    @Test func aCaseTransferredToAnotherUnitLeavesTheOfficersScope() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)").status == .ok)
            let there = try await app.makeUser(.officer, unit: "Another unit")
            let moved = try await app.request(.PATCH, "/api/v1/cases/\(caseID)", json: ["unit": "Another unit", "reason": "moved house"])
            #expect(moved.status == .ok)
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)").status == .notFound)
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)", as: there).status == .ok)
        }
    }

    @Test func aWithdrawnGrantTakesEffectAtOnce() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let victim = try await app.makeUser(.victim)
            let granted = try await app.request(.POST, "/api/v1/cases/\(caseID)/access", json: ["username": victim.account.username])
            #expect(granted.status == .created)
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)", as: victim).status == .ok)
            let officerGrant = try await app.request(.POST, "/api/v1/cases/\(caseID)/access", json: ["username": "test.officer"])
            #expect(officerGrant.status == .unprocessableEntity, "officers see by unit, not by grant")
            let withdrawn = try await app.request(.DELETE, "/api/v1/cases/\(caseID)/access/\(victim.account.id.uuidString.lowercased())")
            #expect(withdrawn.status == .noContent)
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)", as: victim).status == .notFound)
        }
    }

    @Test func aReadOnlyTokenOnlyReads() async throws {
        try await withQorgauApp { app in
            let reader = try await app.makeUser(.officer, unit: Fixtures.unit, readOnly: true)
            #expect(try await app.request(.GET, "/api/v1/cases", as: reader).status == .ok)
            let write = try await app.request(.POST, "/api/v1/cases", json: ["jurisdiction": "KZ", "openedAt": "2025-10-02T09:15:00+05:00"], as: reader)
            #expect(write.status == .forbidden)
        }
    }

    @Test func bruteForcingAPasswordShutsTheSourceOut() async throws {
        try await withQorgauApp { app in
            func attempt(_ password: String) async throws -> HTTPStatus {
                try await app.request(.POST, "/api/v1/auth/tokens", json: ["username": "test.officer", "password": password, "name": "x"],
                                      anonymous: true).status
            }
            for guess in 1...5 { #expect(try await attempt("guess number \(guess)") == .unauthorized) }
            #expect(try await attempt(app.defaultTestUser.password) == .unauthorized, "locked: even the right password is refused")
            let actions = try await auditActions(app)
            #expect(actions.filter { $0 == "signIn.failed" }.count == 4)
            #expect(actions.contains("signIn.sourceLocked"), "five failures from one source shut that source out")
            #expect(actions.contains("signIn.locked"))
            let user = try await UserStore(db: app.db).find(username: "test.officer")
            #expect(user.lockedUntil == nil, "the account itself stays open to its owner elsewhere until \(UserStore.lockAfterFailures) failures")
            #expect(try await attempt("x") == .unauthorized)
            #expect(try await app.request(.POST, "/api/v1/auth/tokens", json: ["username": "nobody", "password": "whatever", "name": "x"],
                                          anonymous: true).status == .unauthorized, "an unknown user answers the same")
        }
    }

    @Test func aOneTimePasswordMustBeChangedFirstAndPasswordsMustBeStrong() async throws {
        try await withQorgauApp { app in
            let admin = try await app.makeUser(.administrator)
            let added = try await app.request(.POST, "/api/v1/users", json: ["username": "new.officer", "displayName": "New Officer",
                                                                          "role": "officer", "unit": Fixtures.unit], as: admin)
            #expect(added.status == .created)
            let oneTime = try #require(added.json["oneTimePassword"] as? String)
            let early = try await app.request(.POST, "/api/v1/auth/tokens", json: ["username": "new.officer", "password": oneTime, "name": "x"],
                                              anonymous: true)
            #expect(early.status == .forbidden)

            func change(_ new: String) async throws -> TestingHTTPResponse {
                try await app.request(.POST, "/api/v1/auth/password",
                                      json: ["username": "new.officer", "currentPassword": oneTime, "newPassword": new], anonymous: true)
            }
            for weak in ["short", "password123456", "qwertyuiop123", "new.officer-secret", "aaaaaaaaaaaaaaa"] {
                let refused = try await change(weak)
                #expect(refused.status == .unprocessableEntity, "\(weak) should be refused")
                #expect(refused.problemPointers == ["/newPassword"])
            }
            #expect(try await change("steppe wind over the Ili").status == .noContent)
            let token = try await app.request(.POST, "/api/v1/auth/tokens",
                                              json: ["username": "new.officer", "password": "steppe wind over the Ili", "name": "x"], anonymous: true)
            #expect(token.status == .created)

            let notByOfficer = try await app.request(.GET, "/api/v1/users")
            #expect(notByOfficer.status == .forbidden)
            let disabled = try await app.request(.PATCH, "/api/v1/users/\(try #require((added.json["user"] as? [String: Any])?["id"] as? String))",
                                                 json: ["disabled": true], as: admin)
            #expect(disabled.json["disabled"] as? Bool == true)
            let secret = try #require(token.json["token"] as? String)
            let revoked = TestUser(account: app.defaultTestUser.account, token: secret, password: "")
            #expect(try await app.request(.GET, "/api/v1/cases", as: revoked).status == .unauthorized, "disabling revokes the tokens")
        }
    }

    @Test func anAdministratorAndAnAuditorSeeNoCaseContent() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            for role in [Role.administrator, .auditor, .fundOfficer] {
                let user = try await app.makeUser(role)
                #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)", as: user).status == .forbidden)
                #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents", as: user).status == .forbidden)
            }
            let auditor = try await app.makeUser(.auditor)
            let log = try await app.request(.GET, "/api/v1/audit?action=access.denied", as: auditor)
            #expect(log.status == .ok)
            #expect((log.json["items"] as? [Any])?.count == 6)
        }
    }

    @Test func securityHeadersAreOnEveryAnswer() async throws {
        try await withQorgauApp { app in
            let response = try await app.request(.GET, "/api/v1/cases")
            #expect(response.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
            #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(response.headers.first(name: .cacheControl) == "no-store")
        }
    }
}
