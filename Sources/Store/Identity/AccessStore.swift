import Domain
import Fluent
import Foundation

/// Which cases a user may see: an officer those of their unit, the others those granted to them
/// one by one; fund officers, administrators and auditors none.
public struct AccessStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Grant: Sendable, Codable, Equatable {
        public var user: UserAccount
        public var grantedBy: String
        public var grantedAt: Int64
    }

    /// The principal a signed-in user acts as.
    public func principal(for user: UserAccount, mayWrite: Bool = true) async throws -> Principal {
        let scope: CaseScope
        switch user.role {
        case .officer: // an officer sees by unit; single cases are granted only to the roles below
            scope = .limited(units: Set([user.unit].compactMap { $0 }), cases: [])
        case .victim, .investigator, .judge:
            scope = .only(try await grantedCases(of: user.id))
        case .fundOfficer, .administrator, .auditor, .gateway:
            scope = .none
        }
        return Principal(subject: user.id.apiString, role: user.role, scope: scope, mayWrite: mayWrite)
    }

    public func grantedCases(of userID: UUID) async throws -> Set<UUID> {
        Set(try await CaseAccessModel.query(on: db).filter(\.$id.$userID == userID).all().compactMap { $0.id?.caseID })
    }

    /// Grants a victim, an investigator or a judge access to a case in the granter's scope.
    @discardableResult
    public func grant(caseID: UUID, to user: UserAccount, by principal: Principal) async throws -> Grant {
        try await CaseStore(db: db).requireCase(caseID, scope: principal.scope)
        guard user.role.seesGrantedCases else {
            throw ValidationFailure(pointer: "/username",
                                    message: "a \(user.role.rawValue) does not get single cases (only victims, investigators and judges do)")
        }
        let key = CaseAccessModel.IDValue(caseID: caseID, userID: user.id)
        if let existing = try await CaseAccessModel.find(key, on: db) {
            return Grant(user: user, grantedBy: existing.grantedBy, grantedAt: existing.grantedAt)
        }
        let model = CaseAccessModel()
        model.id = key
        model.grantedBy = principal.subject
        model.grantedAt = nowMilliseconds()
        try await db.auditedTransaction { tx in
            try await model.create(on: tx)
            return ((), [try .row(model, "access.granted", actor: principal.subject)])
        }
        return Grant(user: user, grantedBy: model.grantedBy, grantedAt: model.grantedAt)
    }

    public func withdraw(caseID: UUID, from userID: UUID, by principal: Principal) async throws {
        try await CaseStore(db: db).requireCase(caseID, scope: principal.scope)
        guard let model = try await CaseAccessModel.find(.init(caseID: caseID, userID: userID), on: db) else {
            throw DomainError.notFound("grant")
        }
        try await db.auditedTransaction { tx in
            try await model.delete(on: tx)
            return ((), [AuditEntry.removed(model, "access.withdrawn")])
        }
    }

    public func grants(caseID: UUID, scope: CaseScope) async throws -> [Grant] {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        let rows = try await CaseAccessModel.query(on: db).filter(\.$id.$caseID == caseID).all()
        var grants: [Grant] = []
        for row in rows {
            guard let userID = row.id?.userID, let user = try await UserModel.find(userID, on: db) else { continue }
            grants.append(Grant(user: try user.account(), grantedBy: row.grantedBy, grantedAt: row.grantedAt))
        }
        return grants.sorted { $0.user.username < $1.user.username }
    }
}
