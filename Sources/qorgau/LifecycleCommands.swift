import ArgumentParser
import Cases
import Domain
import Foundation
import Law
import Store

/// Runs one lifecycle step on a case (by id or number) with the same rules as the API.
func withLifecycle<T: Encodable & Sendable>(_ options: DataOptions, _ caseRef: String,
                                            _ step: @escaping @Sendable (LifecycleService, UUID) async throws -> T) async throws {
    let packs = try PackLibrary.loaded()
    let result = try await DatabaseSession.with(try options.location()) { db in
        let summary = try await CaseStore(db: db).find(idOrNumber: caseRef, scope: .all)
        return try await step(LifecycleService(db: db, packs: packs, principal: .commandLine), summary.id)
    }
    try printJSON(result)
}

/// A JSON file read for field-by-field validation; problems name the file.
func jsonFile(_ path: String) throws -> JSONNode {
    guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read \(path)") }
    do { return JSONNode(try JSONDocument.parse(data), log: ProblemLog()) } catch {
        throw CommandFailure(error.problems.map { "\(path): \($0)" }.joined(separator: "\n"))
    }
}

func dateTime(_ text: String, option: String) throws -> ZonedDateTime {
    guard let value = ZonedDateTime(text) else {
        throw ValidationError("\(option) must be a date-time with offset, e.g. 2025-11-20T10:00:00+05:00")
    }
    return value
}

struct CaseStep: ParsableArguments {
    @Argument(help: "The case's id or number.") var caseRef: String
    @OptionGroup var options: DataOptions
}

/// A step that records something read from a JSON file: the case and the file.
struct FileStep: ParsableArguments {
    @OptionGroup var step: CaseStep
    @Option(help: "The record as JSON (an item of its case-file section; the id may be left out).") var file: String

    func run<T: Encodable & Sendable>(_ action: @escaping @Sendable (LifecycleService, UUID, JSONNode) async throws -> T) async throws {
        let body = try jsonFile(file)
        try await withLifecycle(step.options, step.caseRef) { service, id in try await action(service, id, body) }
    }
}

struct Order: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Protective orders and court special requirements.", subcommands: [Issue.self, Extend.self, Revoke.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an order from a JSON file (a protectiveOrders item).")
        @OptionGroup var input: FileStep

        func run() async throws { try await input.run { try await $0.issueOrder($1, $2).order } }
    }

    struct Extend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Extend an order's term.")
        @OptionGroup var step: CaseStep
        @Argument(help: "The order's id or reference.") var order: String
        @Option(help: "The new end of the term.") var until: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            let end = try dateTime(until, option: "--until")
            let (order, reason) = (order, reason)
            try await withLifecycle(step.options, step.caseRef) { service, id in
                try await service.extendOrder(id, try await service.orderID(id, order), until: end, reason: reason).order
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an order.")
        @OptionGroup var step: CaseStep
        @Argument(help: "The order's id or reference.") var order: String
        @Option(help: "From when (now by default).") var at: String?
        @Option(help: "Why.") var reason: String

        func run() async throws {
            let time = try at.map { try dateTime($0, option: "--at") }
            let (order, reason) = (order, reason)
            try await withLifecycle(step.options, step.caseRef) { service, id in
                try await service.revokeOrder(id, try await service.orderID(id, order), at: time, reason: reason).order
            }
        }
    }
}

struct AdminCase: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-case", abstract: "Administrative cases for violations.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an administrative case from a JSON file.")
        @OptionGroup var input: FileStep

        func run() async throws { try await input.run { try await $0.addAdministrativeCase($1, $2) } }
    }
}

struct Proceeding: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Criminal proceedings.", subcommands: [Register.self, Move.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a criminal proceeding from a JSON file.")
        @OptionGroup var input: FileStep

        func run() async throws { try await input.run { try await $0.registerProceeding($1, $2) } }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a proceeding to another stage (refused when not allowed).")
        @OptionGroup var step: CaseStep
        @Argument(help: "The proceeding's reference.") var proceeding: String
        @Option(help: "preTrial, inCourt, decided or closed.") var to: String
        @Option(help: "Why.") var reason: String

        func validate() throws {
            guard ProceedingStage(rawValue: to) != nil else { throw ValidationError("--to is preTrial, inCourt, decided or closed") }
        }

        func run() async throws {
            let (ref, stage, reason) = (proceeding, ProceedingStage(rawValue: to)!, reason)
            try await withLifecycle(step.options, step.caseRef) { service, id in
                try await service.moveProceeding(id, ref, to: stage, reason: reason)
            }
        }
    }
}

struct VerdictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict", abstract: "Verdicts and their mandatory payments.", subcommands: [Record.self, Paid.self, InForce.self])

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a verdict from a JSON file; the punishment is checked.")
        @OptionGroup var input: FileStep

        func run() async throws { try await input.run { try await $0.recordVerdict($1, $2) } }
    }

    struct Paid: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that the mandatory payment was received.")
        @OptionGroup var step: CaseStep
        @Argument(help: "The verdict's reference.") var verdict: String
        @Option(help: "When it was paid.") var at: String

        func run() async throws {
            let time = try dateTime(at, option: "--at")
            let ref = verdict
            try await withLifecycle(step.options, step.caseRef) { service, id in try await service.recordPayment(id, ref, paidAt: time) }
        }
    }

    struct InForce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "in-force", abstract: "Record the day a verdict entered into force (its episodes' limitation stops then).")
        @OptionGroup var step: CaseStep
        @Argument(help: "The verdict's reference.") var verdict: String
        @Option(help: "The day it entered into force (YYYY-MM-DD).") var on: String

        func run() async throws {
            guard let day = LocalDate(on) else { throw CommandFailure("--on must be a date (YYYY-MM-DD), not \"\(on)\"") }
            let ref = verdict
            try await withLifecycle(step.options, step.caseRef) { service, id in try await service.recordEntryIntoForce(id, ref, on: day) }
        }
    }
}
