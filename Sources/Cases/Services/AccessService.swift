import Domain
import Fluent
import Foundation
import Store

/// Who may see a case one by one (a victim her own, an investigator or a judge an assignment):
/// granted and withdrawn from the API, the case page and the command line, each audited once.
public struct AccessService: Sendable {
    let db: any Database
    let caller: Caller

    public init(db: any Database, caller: Caller) { self.db = db; self.caller = caller }

    private var store: AccessStore { AccessStore(db: db) }

    /// Body: `{"username": "…"}`.
    @discardableResult
    public func grant(_ caseID: UUID, _ body: JSONNode) async throws -> AccessStore.Grant {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let username = body["username"].string(maxLength: 64)
        try body.throwIfInvalid()
        return try await grant(caseID, username: username!)
    }

    /// Lets the user named see a case. An unknown username and a user of another role answer
    /// alike, a problem at `/username`: the form tells nobody who else has an account, or what
    /// role they hold.
    @discardableResult
    public func grant(_ caseID: UUID, username: String) async throws -> AccessStore.Grant {
        guard let user = try? await UserStore(db: db).find(username: username), user.role.seesGrantedCases else {
            throw ValidationFailure(pointer: "/username", message: "no victim, investigator or judge has the username \"\(username)\"")
        }
        return try await grant(caseID, to: user)
    }

    /// The command line names the user itself, and is told plainly when the role gets no single cases.
    @discardableResult
    public func grant(_ caseID: UUID, to user: UserAccount) async throws -> AccessStore.Grant {
        try await store.grant(caseID: caseID, to: user, by: caller.principal)
    }

    public func withdraw(_ caseID: UUID, from userID: UUID) async throws {
        try await store.withdraw(caseID: caseID, from: userID, by: caller.principal)
    }

    public func grants(_ caseID: UUID) async throws -> [AccessStore.Grant] {
        try await store.grants(caseID: caseID, scope: caller.principal.scope)
    }
}
