import ArgumentParser
import Domain
import Fluent
import Foundation
import Store
import Cases

/// `qorgau user add|passwd|disable|enable|list|grant|withdraw|token|reset-second-factor`: accounts from the command
/// line, for the operator who owns the database.
struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Users: add, reset passwords, disable, list, grant cases, make API tokens.",
        subcommands: [Add.self, Passwd.self, Disable.self, Enable.self, List.self, Grant.self, Withdraw.self, Token.self, ResetSecondFactor.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; prints a one-time password unless --password-stdin.")
        @Argument(help: "Username: 3-64 lowercase letters, digits, '.', '_' or '-'.") var username: String
        @Option(help: "victim, officer, investigator, judge, fundOfficer, administrator, auditor or gateway (a monitoring gateway: posts pings, sees nothing).") var role: String
        @Option(help: "The name shown to others (default: the username).") var name: String?
        @Option(help: "The user's unit (an officer sees the cases of their unit).") var unit: String?
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw CommandFailure("unknown role \"\(role)\" (expected one of: \(Role.words.joined(separator: ", ")))")
            }
            if role == .officer, unit == nil { throw CommandFailure("an officer needs --unit: they see the cases of their unit") }
            let password = passwordStdin ? readLine(strippingNewline: true) ?? "" : nil
            let (user, oneTime) = try await withAccounts(options) { accounts, _ in
                try await accounts.create(username: username, displayName: name ?? username, role: role, unit: unit,
                                          password: password, by: "cli")
            }
            print("added \(user.username) (\(user.role.rawValue)) \(user.id.apiString)")
            if let oneTime { print("one-time password (shown once; to be changed at first sign-in): \(oneTime)") }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a user a new one-time password, or set one with --password-stdin.")
        @Argument var username: String
        @Flag(help: "Read the new password from the first line of standard input.") var passwordStdin = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            let password = passwordStdin ? readLine(strippingNewline: true) ?? "" : nil
            let oneTime = try await withAccounts(options) { accounts, db -> String? in
                let user = try await UserStore(db: db).find(username: username)
                if let password {
                    try await accounts.changePassword(of: user, current: nil, new: password, by: "cli")
                    return nil
                }
                return try await accounts.resetPassword(of: user, by: "cli").password
            }
            if let oneTime { print("one-time password for \(username) (shown once): \(oneTime)") } else { print("password set for \(username)") }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: their sessions end and their tokens are revoked.")
        @Argument var username: String
        @OptionGroup var options: DataOptions

        func run() async throws { try await setDisabled(username, true, options) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again.")
        @Argument var username: String
        @OptionGroup var options: DataOptions

        func run() async throws { try await setDisabled(username, false, options) }
    }

    struct ResetSecondFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-second-factor",
            abstract: "Take away a user's second factor (a lost phone and recovery codes): their sessions end, and at the next sign-in they set up a new one.")
        @Argument var username: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await DatabaseSession.with(try options.location()) { db in
                let user = try await UserStore(db: db).find(username: username)
                try await SecondFactorStore.remove(of: user.id, on: db)
                try await SessionStore(db: db).deleteAll(of: user.id)
                try await AuditStore(db: db).append(actor: "cli", action: "secondFactor.reset", target: user.id.apiString)
            }
            print("the second factor of \(username) is reset; their sessions have ended")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users.")
        @Option(help: "text or json") var format: String = "text"
        @OptionGroup var options: DataOptions

        func run() async throws {
            let users = try await DatabaseSession.with(try options.location(), access: .read) { db in try await UserStore(db: db).list() }
            if format == "json" { return try printJSON(users) }
            do {
                for user in users {
                    let flags = [user.disabled ? "disabled" : nil, user.mustChangePassword ? "must change password" : nil].compactMap { $0 }
                    print([user.username, user.role.rawValue, user.unit ?? "-", flags.joined(separator: ", ")]
                        .filter { !$0.isEmpty }.joined(separator: "\t"))
                }
            }
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a victim, an investigator or a judge see a case.")
        @Argument var username: String
        @Argument(help: "The case's id or number.") var caseRef: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await withUserAndCase(username, caseRef, options) { db, user, caseID in
                try await AccessService(db: db, caller: .commandLine).grant(caseID, to: user)
            }
            print("\(username) may see case \(caseRef)")
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw a user's access to a case.")
        @Argument var username: String
        @Argument(help: "The case's id or number.") var caseRef: String
        @OptionGroup var options: DataOptions

        func run() async throws {
            try await withUserAndCase(username, caseRef, options) { db, user, caseID in
                try await AccessService(db: db, caller: .commandLine).withdraw(caseID, from: user.id)
            }
            print("\(username) no longer sees case \(caseRef)")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an API token for a user; printed once.")
        @Argument var username: String
        @Option(help: "What the token is for.") var name: String
        @Option(help: "Days until it expires (1-365).") var days: Int = 90
        @Flag(help: "A token that may only read.") var readOnly = false
        @OptionGroup var options: DataOptions

        func run() async throws {
            guard (1...365).contains(days) else { throw CommandFailure("--days must be 1 to 365") }
            let secret = try await DatabaseSession.with(try options.location()) { db in
                let user = try await UserStore(db: db).find(username: username)
                guard !user.disabled else { throw CommandFailure("\(username) is disabled") }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                let (secret, token) = try await TokenStore(db: db).create(for: user.id, name: name, mayWrite: !readOnly,
                                                                          expiresAt: now + Int64(days) * 86_400_000, now: now)
                try await AuditStore(db: db).append(actor: "cli", action: "token.created", target: token.id.apiString)
                return secret
            }
            print(secret)
        }
    }
}

private func withAccounts<T: Sendable>(_ options: DataOptions,
                                       _ body: @Sendable (Accounts, any Database) async throws -> T) async throws -> T {
    let location = try options.location()
    let cost = try Accounts.cost()
    return try await DatabaseSession.with(location) { db in try await body(Accounts(db: db, cost: cost), db) }
}

private func setDisabled(_ username: String, _ disabled: Bool, _ options: DataOptions) async throws {
    try await withAccounts(options) { accounts, db in
        _ = try await accounts.setDisabled(try await UserStore(db: db).find(username: username), disabled, by: "cli")
    }
    print("\(disabled ? "disabled" : "enabled") \(username)")
}

/// A user by name and a case by id or number, for granting and withdrawing.
private func withUserAndCase(_ username: String, _ caseRef: String, _ options: DataOptions,
                             _ body: @Sendable (any Database, UserAccount, UUID) async throws -> Void) async throws {
    try await DatabaseSession.with(try options.location()) { db in
        let user = try await UserStore(db: db).find(username: username)
        let found = try await CaseStore(db: db).find(idOrNumber: caseRef, scope: .all)
        try await body(db, user, found.id)
    }
}
