import ArgumentParser
import Cases
import Fluent
import Foundation
import Law
import SQLKit
import Store

/// `qorgau backup`: an online, consistent copy of an SQLite deployment (the database as one
/// snapshot, then the evidence files it names), or for PostgreSQL the evidence and the command
/// that dumps the database. The keys are copied only when asked: they belong in a backup kept
/// apart from the data they open.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database (a consistent snapshot, while the server runs) and the evidence into a new folder.")

    @Option(help: "The folder to write the backup to; it must not exist yet.") var to: String
    @Flag(help: "Also copy the key files (evidence, signing, push): keep such a backup apart and safe.") var includeKeys = false
    @OptionGroup var options: DataOptions

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: to) else { throw CommandFailure("\(to) exists: a backup goes to a new folder") }
        let location = try options.location()
        let blobs = try options.evidenceToCheck()
        try FileManager.default.createDirectory(atPath: to, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do { try await copy(location, blobs) } catch {
            try? FileManager.default.removeItem(atPath: to) // no half backup left to be mistaken for one
            throw error
        }
    }

    private func copy(_ location: DatabaseLocation, _ blobs: BlobStore) async throws {
        let to = self.to
        switch location {
        case .sqliteFile:
            let target = URL(fileURLWithPath: to).appendingPathComponent("qorgau.sqlite").path
            try await DatabaseSession.with(location, access: .read) { db in
                // one read transaction: the copy is the database as it was at one moment
                try await (db as! any SQLDatabase).raw("VACUUM INTO \(bind: target)").run()
            }
            chmod(target, 0o600)
        case .postgres:
            print("PostgreSQL (\(location.redacted)): dump the database with")
            print("  pg_dump --format=custom --file=\(to)/qorgau.pgdump \"$DATABASE_URL\"")
        case .sqliteMemory:
            throw CommandFailure("an in-memory database has nothing to back up")
        }
        // after the snapshot: every file a row of it names was written before the row
        let copied = try Self.copyTree(from: blobs.directory, to: to + "/evidence", skipping: ["tmp"])
        var keys: [String] = []
        if includeKeys {
            for name in ["evidence.key", "signing.key", "push.key"] {
                let source = options.data + "/" + name
                guard FileManager.default.fileExists(atPath: source) else { continue }
                try FileManager.default.copyItem(atPath: source, toPath: to + "/" + name)
                keys.append(name)
            }
        }
        print("backed up \(location.redacted) and \(copied) evidence file(s) to \(to)"
              + (keys.isEmpty ? "; the keys were not copied (--include-keys): keep them in a backup of their own" : "; keys: \(keys.joined(separator: ", "))"))
    }

    /// Copies every file under `source` into `target`, keeping the layout; returns how many.
    static func copyTree(from source: String, to target: String, skipping: Set<String>) throws -> Int {
        let manager = FileManager.default
        try manager.createDirectory(atPath: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard let items = try? manager.subpathsOfDirectory(atPath: source) else { return 0 }
        var count = 0
        for item in items.sorted() {
            if let first = item.split(separator: "/").first, skipping.contains(String(first)) { continue }
            var isDirectory: ObjCBool = false
            manager.fileExists(atPath: source + "/" + item, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try manager.createDirectory(atPath: target + "/" + item, withIntermediateDirectories: true)
            } else {
                try manager.copyItem(atPath: source + "/" + item, toPath: target + "/" + item)
                count += 1
            }
        }
        return count
    }
}

/// `qorgau restore`: a backup into a new data folder, checked before anything starts on it: the
/// audit chain holds and the evidence key opens every evidence file the database names. A backup
/// that fails the check leaves nothing behind.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup into a new --data folder, and check that the key opens every evidence file before using it.")

    @Argument(help: "The backup folder (made by `qorgau backup`).") var backup: String
    @OptionGroup var options: DataOptions

    func run() async throws {
        guard ProcessInfo.processInfo.environment["DATABASE_URL"]?.isEmpty ?? true else {
            throw CommandFailure("with PostgreSQL, restore the dump with pg_restore, copy the backup's evidence folder, then run `qorgau audit verify`")
        }
        let source = URL(fileURLWithPath: backup)
        guard FileManager.default.fileExists(atPath: source.appendingPathComponent("qorgau.sqlite").path) else {
            throw CommandFailure("\(backup) holds no qorgau.sqlite: not a backup made by `qorgau backup`")
        }
        let data = URL(fileURLWithPath: options.data)
        for name in ["qorgau.sqlite", "evidence"] where FileManager.default.fileExists(atPath: data.appendingPathComponent(name).path) {
            throw CommandFailure("\(data.appendingPathComponent(name).path) exists: restore into a new --data folder")
        }
        var made: [URL] = []
        do {
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for name in ["qorgau.sqlite", "evidence", "evidence.key", "signing.key", "push.key"] {
                let from = source.appendingPathComponent(name), into = data.appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: from.path), !FileManager.default.fileExists(atPath: into.path) else { continue }
                try FileManager.default.copyItem(at: from, to: into)
                made.append(into)
            }
            let blobs = try options.evidenceToCheck()
            let report = try await DatabaseSession.with(try options.location(), access: .read) { db in
                try await AuditVerifier(db: db, blobs: blobs).verify(expected: nil)
            }
            guard report.intact else {
                let problems = report.problems.prefix(5).map { "\($0.kind.rawValue) \($0.id): \($0.message)" }
                throw CommandFailure((["the restored data does not check out; nothing was kept:"] + problems).joined(separator: "\n"))
            }
            print("restored \(backup) into \(options.data): \(report.records) audit records and \(report.files) evidence files check out")
        } catch {
            for url in made.reversed() { try? FileManager.default.removeItem(at: url) }
            throw error
        }
    }
}
