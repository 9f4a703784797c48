import ArgumentParser
import Crypto
import Domain
import Foundation
import Law
import Store

/// The `qorgau` command: thin subcommands over the library targets.
struct Qorgau: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qorgau",
        abstract: "Case management and protection for stalking cases.",
        version: QorgauVersion.current,
        subcommands: [Serve.self, Migrate.self, Import.self, Export.self, Demo.self, Assess.self, Sentence.self, Order.self, AdminCase.self, Proceeding.self, VerdictCommand.self, Monitor.self, Deadlines.self, Fund.self, Risk.self, User.self, Audit.self, Reindex.self, VerifyDossier.self, Backup.self, Restore.self, Bench.self]
    )
}

/// Options every command that touches the database takes.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Folder for the SQLite database (qorgau.sqlite); ignored when DATABASE_URL names PostgreSQL.")
    var data: String = "."

    func location() throws -> DatabaseLocation {
        let env = ProcessInfo.processInfo.environment
        if env["DATABASE_URL"]?.isEmpty ?? true {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        return try DatabaseLocation.from(databaseURL: env["DATABASE_URL"], dataDirectory: data)
    }

    /// The evidence store: `QORGAU_EVIDENCE_DIR` (default `evidence` in the data folder), sealed
    /// with `QORGAU_EVIDENCE_KEY` or the key file (`QORGAU_EVIDENCE_KEY_FILE`, default
    /// `evidence.key` in the data folder). Only the server's first start (`creating`) makes a key,
    /// and never where sealed evidence already is: a new key could not open it.
    func evidence(creating: Bool = false) throws -> BlobStore {
        if !hasEvidenceKey {
            if holdsSealedEvidence {
                throw ConfigurationError("the evidence folder \(evidenceDirectory) holds sealed files but there is no evidence key at \(evidenceKeyFile): "
                    + "restore the key from your backup (or set QORGAU_EVIDENCE_KEY); a new key could not open them")
            }
            if !creating {
                throw ConfigurationError("there is no evidence key at \(evidenceKeyFile): check --data (or set QORGAU_EVIDENCE_KEY_FILE); "
                    + "the server makes one at its first start")
            }
        }
        let key = try EvidenceKey.load(environment: evidenceKeyFromEnvironment, file: evidenceKeyFile)
        return try BlobStore(directory: evidenceDirectory, key: key)
    }

    /// The evidence store to check files against: with the key when there is one; with none yet
    /// (no key, no sealed file) a store that finds every file the database names missing.
    func evidenceToCheck() throws -> BlobStore {
        guard hasEvidenceKey || holdsSealedEvidence else { return try BlobStore(directory: evidenceDirectory, key: .random()) }
        return try evidence()
    }

    private var evidenceKeyFromEnvironment: String? {
        ProcessInfo.processInfo.environment["QORGAU_EVIDENCE_KEY"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var evidenceKeyFile: String { ProcessInfo.processInfo.environment["QORGAU_EVIDENCE_KEY_FILE"] ?? data + "/evidence.key" }

    private var evidenceDirectory: String { ProcessInfo.processInfo.environment["QORGAU_EVIDENCE_DIR"] ?? data + "/evidence" }

    private var hasEvidenceKey: Bool { evidenceKeyFromEnvironment != nil || FileManager.default.fileExists(atPath: evidenceKeyFile) }

    /// Whether the evidence folder holds sealed files (its temporary folder and hidden files aside).
    private var holdsSealedEvidence: Bool {
        let items = (try? FileManager.default.subpathsOfDirectory(atPath: evidenceDirectory)) ?? []
        return items.contains { item in
            guard !item.hasPrefix("."), !item.hasPrefix("tmp") else { return false }
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: evidenceDirectory + "/" + item, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// The key dossiers are signed with: `QORGAU_SIGNING_KEY`, or the key file
    /// (`QORGAU_SIGNING_KEY_FILE`, default `signing.key` in the data folder, made at the server's
    /// first start, or here when `creating`).
    func signingKey(creating: Bool = false) throws -> DossierSigningKey {
        if !creating, signingKeyFromEnvironment == nil, !FileManager.default.fileExists(atPath: signingKeyFile) {
            throw ConfigurationError("there is no dossier signing key at \(signingKeyFile): check --data (or set QORGAU_SIGNING_KEY_FILE); "
                + "the server makes one at its first start")
        }
        return try DossierSigningKey.load(environment: signingKeyFromEnvironment, file: signingKeyFile)
    }

    /// The signing key this data folder has, if it has one yet (never made here).
    func existingSigningKey() throws -> DossierSigningKey? {
        guard signingKeyFromEnvironment != nil || FileManager.default.fileExists(atPath: signingKeyFile) else { return nil }
        return try signingKey()
    }

    /// The Web Push key: `QORGAU_PUSH_KEY`, or the key file (`QORGAU_PUSH_KEY_FILE`, default
    /// `push.key` in the data folder, made at the first start).
    func pushKey() throws -> P256.Signing.PrivateKey {
        let env = ProcessInfo.processInfo.environment
        return try PushKey.load(environment: env["QORGAU_PUSH_KEY"].flatMap { $0.isEmpty ? nil : $0 },
                                file: env["QORGAU_PUSH_KEY_FILE"] ?? data + "/push.key")
    }

    private var signingKeyFromEnvironment: String? {
        ProcessInfo.processInfo.environment["QORGAU_SIGNING_KEY"].flatMap { $0.isEmpty ? nil : $0 }
    }

    private var signingKeyFile: String { ProcessInfo.processInfo.environment["QORGAU_SIGNING_KEY_FILE"] ?? data + "/signing.key" }
}

/// A refused input: printed on stderr, exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@main
enum Main {
    static func main() async {
        do {
            // Changes made from the command line are audited as the operating-system user's.
            try Settings.prepare()
            try await Auditing.$actor.withValue("cli:" + NSUserName()) {
                var command = try Qorgau.parseAsRoot()
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            }
        } catch let failure as ValidationFailure {
            fail(failure.description)
        } catch let failure as CommandFailure {
            fail(failure.description)
        } catch let failure as ConfigurationError {
            fail(failure.description)
        } catch let error as DomainError {
            fail(error.description)
        } catch let error as PackError {
            fail("jurisdiction pack: \(error)")
        } catch {
            let code = Qorgau.exitCode(for: error)
            let message = Qorgau.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            // Usage errors exit 2 (contract: CASEFILE.md); anything else is a failure.
            exit(code == .validationFailure ? 2 : 1)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }
}
