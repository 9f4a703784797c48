import ArgumentParser
import Cases
import Foundation
import Law
import Presentation
import Store

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The tamper-evident audit log.", subcommands: [Verify.self, Head.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the whole audit chain, every audited row against it, and every evidence file; exit 1 on any break.")

        @Option(help: "A head exported earlier with `qorgau audit head`: the record it names must be unchanged.")
        var head: String?
        @Option(help: "text or json") var format: String = "text"
        @OptionGroup var options: DataOptions

        func run() async throws {
            let expected = try head.map { path -> ChainHead in
                guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read \(path)") }
                do { return try JSONDecoder().decode(ChainHead.self, from: data) } catch {
                    throw CommandFailure("\(path) is not a head exported by `qorgau audit head`")
                }
            }
            let blobs = try options.evidenceToCheck()
            let started = Date()
            let report = try await DatabaseSession.with(try options.location(), access: .read) { db in
                let projections = Projections(db: db, packs: try PackLibrary.loaded())
                return try await AuditVerifier(db: db, blobs: blobs, projections: [
                    ("worklists", { try await projections.worklistDisagreements(on: projections.packs.reportingDay()) }),
                ]).verify(expected: expected)
            }
            let seconds = Date().timeIntervalSince(started)
            if format == "json" {
                try printJSON(report)
            } else {
                print("checked \(report.records) audit records, \(report.rows) rows and \(report.files) evidence files in \(String(format: "%.2f", seconds)) s")
                if let head = report.head { print("head: record \(head.seq) \(head.hash)") }
                for problem in report.problems { print("BROKEN \(problem.kind.rawValue) \(problem.id): \(problem.message)") }
                if report.intact { print("intact") }
            }
            if !report.intact { throw ExitCode(1) }
        }
    }

    struct Head: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the chain's head (JSON) for an outside party to keep; `audit verify --head FILE` checks against it.")
        @OptionGroup var options: DataOptions

        func run() async throws {
            let head = try await DatabaseSession.with(try options.location(), access: .read) { db in try await AuditStore(db: db).head() }
            try printJSON(head)
        }
    }
}

struct Reindex: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the projections (the search index, the worklists of deadlines and payments) from the case files; `audit verify` reports one that disagrees.")
    @OptionGroup var options: DataOptions

    func run() async throws {
        let count = try await DatabaseSession.with(try options.location()) { db in
            let packs = try PackLibrary.loaded()
            return try await Projections(db: db, packs: packs).rebuild(on: packs.reportingDay())
        }
        print("reindexed \(count) cases")
    }
}

struct VerifyDossier: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-dossier",
        abstract: "Check a dossier zip offline: the manifest's signature against the server's key, every file against the manifest, evidence against its hash, audit records against theirs.")

    @Argument(help: "The dossier zip.") var file: String
    @Option(name: .customLong("public-key"),
            help: "The server's published dossier key (base64; GET /api/v1/dossier-key). Without it, the key of --data's signing.key when there is one.")
    var publicKey: String?
    @OptionGroup var options: DataOptions

    func run() async throws {
        guard FileManager.default.fileExists(atPath: file) else { throw CommandFailure("no such file: \(file)") }
        let trusted = try publicKey ?? options.existingSigningKey()?.publicKeyText
        let result: (problems: [String], signedBy: String?)
        do { result = try Dossier.verify(path: file, trustedKey: trusted) } catch { throw CommandFailure("\(file) is not a readable dossier: \(error)") }
        if result.problems.isEmpty {
            print("intact: \(file)")
            if trusted == nil, let signedBy = result.signedBy {
                print("signed with key \(signedBy): compare it with the server's published key (GET /api/v1/dossier-key), or pass --public-key")
            }
            return
        }
        for problem in result.problems { print("BROKEN \(problem)") }
        throw ExitCode(1)
    }
}
