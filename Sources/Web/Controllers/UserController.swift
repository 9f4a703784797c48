import Domain
import Store
import Vapor

/// `/api/v1/users`: the administrator's work. Users are never deleted, only disabled.
struct UserController {
    func list(req: Request) async throws -> PageResponse<UserResponse> {
        PageResponse(items: try await UserStore(db: req.db).list().map(UserResponse.init), nextCursor: nil)
    }

    /// Body: `{"username", "displayName", "role", "unit" (opt), "password" (opt)}`. Without a
    /// password the answer carries a one-time password, which must be changed at first sign-in.
    func create(req: Request) async throws -> Response {
        let (user, oneTime) = try await Self.create(try req.jsonBody(), req: req)
        return try NewUserResponse(user: UserResponse(user), oneTimePassword: oneTime)
            .created(at: "/api/v1/users/\(user.id.apiString)")
    }

    /// The rules of a new user, for the API and the administrator's page alike.
    static func create(_ body: JSONNode, req: Request) async throws -> (UserAccount, String?) {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let username = body["username"].string(maxLength: 64)
        let displayName = body["displayName"].string(maxLength: 200)
        let role = body["role"].word(Role.self)
        let unit = body["unit"].string(required: false, maxLength: 500)
        let password = body["password"].string(required: false, maxLength: 1000)
        if role == .officer, unit == nil { body["unit"].fail("an officer needs a unit: they see the cases of their unit", code: .unitNeeded) }
        try await Self.requireListedUnit(unit, body["unit"], req)
        try body.throwIfInvalid()
        return try await req.accounts.create(username: username!, displayName: displayName!, role: role!,
                                             unit: unit, password: password, by: try req.principal.subject)
    }

    /// A user's unit is one on the list of units (`/units`).
    private static func requireListedUnit(_ unit: String?, _ node: JSONNode, _ req: Request) async throws {
        guard let unit, try await !UnitStore(db: req.db).exists(unit) else { return }
        node.fail("there is no such unit: add it to the units first", code: .unknownUnit, values: ["value": unit])
    }

    func get(req: Request) async throws -> UserResponse {
        UserResponse(try await UserStore(db: req.db).get(try req.uuid("userID", what: "user")))
    }

    /// Body: any of `{"displayName", "role", "unit", "disabled"}`.
    func update(req: Request) async throws -> UserResponse {
        UserResponse(try await Self.update(try req.uuid("userID", what: "user"), try req.jsonBody(), req: req))
    }

    /// The rules of a change to a user, for the API and the administrator's page alike.
    static func update(_ id: UUID, _ body: JSONNode, req: Request) async throws -> UserAccount {
        guard let fields = body.object() else { throw ValidationFailure(body.log.problems) }
        let displayName = body["displayName"].string(required: false, maxLength: 200)
        let role = body["role"].word(Role.self, required: false)
        let unit: String?? = fields.keys.contains("unit") ? .some(body["unit"].string(required: false, maxLength: 500)) : nil
        let disabled = body["disabled"].bool(required: false)
        if let unit, let unit { try await Self.requireListedUnit(unit, body["unit"], req) }
        if let role {
            // which entries are hers, hidden from another victim of her case, is read by her account's role
            let current = try await UserStore(db: req.db).get(id)
            if role != current.role, role == .victim || current.role == .victim {
                body["role"].fail("a victim's account keeps its role, and no other account becomes a victim's: create a new account",
                                  code: .victimRoleKept, values: ["value": current.username])
            }
        }
        try body.throwIfInvalid()
        let actor = try req.principal.subject
        if id.apiString == actor, disabled == true {
            throw ValidationFailure(pointer: "/disabled", message: "an administrator cannot disable their own account")
        }
        var user = try await UserStore(db: req.db).update(id, role: role, unit: unit, displayName: displayName, disabled: nil)
        if let disabled, disabled != user.disabled { user = try await req.accounts.setDisabled(user, disabled, by: actor) }
        req.forgetCachedTokens() // a new role, unit or a disabled account changes what its tokens may do
        if role != nil || unit != nil {
            try await AuditStore(db: req.db).append(actor: actor, action: "user.changed", target: id.apiString,
                                                    detail: "role \(user.role.rawValue)")
        }
        return user
    }

    /// A new one-time password for a user who lost theirs.
    func resetPassword(req: Request) async throws -> NewUserResponse {
        let user = try await UserStore(db: req.db).get(try req.uuid("userID", what: "user"))
        let (oneTime, revoked) = try await req.accounts.resetPassword(of: user, by: try req.principal.subject)
        req.forgetCachedTokens()
        return NewUserResponse(user: UserResponse(try await UserStore(db: req.db).get(user.id)), oneTimePassword: oneTime,
                               tokensRevoked: revoked)
    }

    /// `DELETE /api/v1/users/{id}/second-factor`: for a user who lost the phone and the recovery
    /// codes. Their sessions end; at the next sign-in they set up a new one (if the policy asks).
    func resetSecondFactor(req: Request) async throws -> UserResponse {
        UserResponse(try await Self.resetSecondFactor(try req.uuid("userID", what: "user"), req: req))
    }

    static func resetSecondFactor(_ id: UUID, req: Request) async throws -> UserAccount {
        let user = try await UserStore(db: req.db).get(id)
        try await req.secondFactors.remove(of: user.id)
        try await SessionStore(db: req.db).deleteAll(of: user.id)
        try await AuditStore(db: req.db).append(actor: try req.principal.subject, action: "secondFactor.reset", target: user.id.apiString)
        return try await UserStore(db: req.db).get(id)
    }
}

struct NewUserResponse: Content {
    var user: UserResponse
    /// Shown once; the user must change it at first sign-in.
    var oneTimePassword: String?
    /// On a password reset: how many of the user's API tokens were revoked with it.
    var tokensRevoked: Int?
}
