import Domain
import Foundation
import Presentation
import Store
import Vapor

/// `GET /users`: the administrator's page — every user with role, unit and state; add one (with a
/// one-time password shown once, on the answer itself, never in an address), change a role or a
/// unit, disable or enable, reset a password. The same rules and audit records as
/// `/api/v1/users`; no case content.
struct UsersPage {
    struct UserView: Encodable {
        var id: String; var name: String; var username: String; var role: String; var roleCode: String; var unit: String; var unitCode: String
        var state: String; var disabled: Bool; var me: Bool
        /// The second factor: on since a day, or off (and whether the policy requires it).
        var secondFactor: String; var hasSecondFactor: Bool
    }
    struct Choice: Encodable { var value: String; var label: String; var selected: Bool }
    struct Issued: Encodable { var username: String; var password: String }
    struct Context: Encodable {
        var frame: PageFrame; var users: [UserView]; var roles: [Choice]; var units: [Choice]; var issued: Issued?; var done: String?
        var errors: [String: String]; var values: [String: String]; var problem: String?
    }

    func page(req: Request) async throws -> Response {
        try await render(req, done: req.query[String.self, at: "done"].flatMap { ["changed", "disabled", "enabled", "secondFactorReset"].contains($0) ? $0 : nil })
    }

    private func render(_ req: Request, issued: Issued? = nil, done: String? = nil, errors: [String: String] = [:],
                        values: [String: String] = [:], problem: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let frame = try PageFrame.make(req)
        let t = frame.t
        let me = try req.principal.subject
        let format = LocaleFormat(language: frame.lang, timeZone: TimeZone(identifier: "Asia/Almaty") ?? .current)
        let required = req.application.qorgauConfig.secondFactorRoles
        let units = try await UnitStore(db: req.db).list()
        let unitNames = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.name(in: frame.lang)) })
        let users = try await UserStore(db: req.db).list().sorted { ($0.disabled ? 1 : 0, $0.role.rawValue, $0.username) < ($1.disabled ? 1 : 0, $1.role.rawValue, $1.username) }
        let context = Context(
            frame: frame,
            users: users.map { user in
                let state = user.disabled ? "user_disabled" : user.mustChangePassword ? "user_must_change" : "user_active"
                return UserView(id: user.id.apiString, name: user.displayName, username: user.username,
                                role: t["userrole_\(user.role.rawValue)"] ?? user.role.rawValue, roleCode: user.role.rawValue,
                                unit: user.unit.map { unitNames[$0] ?? $0 } ?? "—", unitCode: user.unit ?? "", state: t[state] ?? state, disabled: user.disabled, me: user.id.apiString == me,
                                secondFactor: user.secondFactorSince.map { since in
                                    (t["users_second_factor_on"] ?? "").replacingOccurrences(
                                        of: "{date}", with: format.date(ZonedDateTime(epochMilliseconds: since, offsetSeconds: 5 * 3600).localDate))
                                } ?? (t[required.contains(user.role) ? "users_second_factor_due" : "users_second_factor_off"] ?? ""),
                                hasSecondFactor: user.secondFactorSince != nil)
            },
            roles: Role.allCases.map { Choice(value: $0.rawValue, label: t["userrole_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == values["role"]) },
            units: units.map { Choice(value: $0.code, label: unitNames[$0.code] ?? $0.code, selected: $0.code == values["unit"]) }
                .sorted { $0.label.localizedStandardCompare($1.label) == .orderedAscending },
            issued: issued, done: done.flatMap { t["users_done_\($0)"] }, errors: errors, values: values, problem: problem)
        return try await req.renderPage("users", context, status: status)
    }

    struct NewUser: Decodable { var username: String?; var displayName: String?; var role: String?; var unit: String? }

    /// `POST /users`: adds a user; the answer shows the one-time password once.
    func create(req: Request) async throws -> Response {
        let form = req.form(NewUser.self) ?? NewUser()
        var object: [String: JSONValue] = ["username": .string(form.username?.trimmingCharacters(in: .whitespaces) ?? ""),
                                           "displayName": .string(form.displayName?.trimmingCharacters(in: .whitespaces) ?? ""),
                                           "role": .string(form.role ?? "")]
        if let unit = form.unit?.trimmingCharacters(in: .whitespaces), !unit.isEmpty { object["unit"] = .string(unit) }
        let values = ["username": form.username ?? "", "displayName": form.displayName ?? "", "role": form.role ?? "", "unit": form.unit ?? ""]
        do {
            let (user, password) = try await UserController.create(JSONNode(.object(object), log: ProblemLog()), req: req)
            return try await render(req, issued: Issued(username: user.username, password: password ?? ""), status: .created)
        } catch let failure as ValidationFailure {
            return try await render(req, errors: Self.byField(failure, req), values: values, status: .unprocessableEntity)
        }
    }

    struct Change: Decodable { var role: String?; var unit: String? }

    /// `POST /users/{id}`: a new role and unit.
    func change(req: Request) async throws -> Response {
        let id = try req.uuid("userID", what: "user")
        let form = req.form(Change.self) ?? Change()
        let unit = form.unit?.trimmingCharacters(in: .whitespaces) ?? ""
        return try await apply(req, id, ["role": .string(form.role ?? ""), "unit": unit.isEmpty ? .null : .string(unit)], done: "changed")
    }

    /// `POST /users/{id}/disable` and `/enable`.
    func disable(req: Request) async throws -> Response {
        try await apply(req, try req.uuid("userID", what: "user"), ["disabled": .bool(true)], done: "disabled")
    }

    func enable(req: Request) async throws -> Response {
        try await apply(req, try req.uuid("userID", what: "user"), ["disabled": .bool(false)], done: "enabled")
    }

    /// `POST /users/{id}/reset`: a new one-time password, shown once; the user's tokens end.
    func reset(req: Request) async throws -> Response {
        let user = try await UserStore(db: req.db).get(try req.uuid("userID", what: "user"))
        let (password, _) = try await req.accounts.resetPassword(of: user, by: try req.principal.subject)
        req.forgetCachedTokens()
        return try await render(req, issued: Issued(username: user.username, password: password))
    }

    /// `POST /users/{id}/second-factor/reset`: the user's second factor taken away (a lost phone);
    /// their sessions end.
    func resetSecondFactor(req: Request) async throws -> Response {
        let id = try req.uuid("userID", what: "user")
        _ = try await UserController.resetSecondFactor(id, req: req)
        return req.redirect(to: "/users?done=secondFactorReset#u-\(id.apiString)")
    }

    private func apply(_ req: Request, _ id: UUID, _ fields: [String: JSONValue], done: String) async throws -> Response {
        do {
            _ = try await UserController.update(id, JSONNode(.object(fields), log: ProblemLog()), req: req)
            return req.redirect(to: "/users?done=\(done)#u-\(id.apiString)")
        } catch let failure as ValidationFailure {
            let t = req.application.catalogs.words(req.pageLanguage)
            return try await render(req, problem: failure.problems.map { $0.said(in: t) }.joined(separator: "; "), status: .unprocessableEntity)
        }
    }

    static func byField(_ failure: ValidationFailure, _ req: Request) -> [String: String] {
        let t = req.application.catalogs.words(req.pageLanguage)
        return Dictionary(failure.problems.map { (String($0.pointer.dropFirst().split(separator: "/").first ?? ""), $0.said(in: t)) },
                          uniquingKeysWith: { $0 + "; " + $1 })
    }
}
