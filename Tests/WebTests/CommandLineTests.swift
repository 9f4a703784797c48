import Foundation
import Store
import Testing
import TestSupport
import Vapor
import Web

/// The `qorgau` binary as a user runs it: exit codes, messages, files.
@Suite struct CommandLineTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/qorgau")
    static let built = FileManager.default.isExecutableFile(atPath: binary.path)

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ arguments: [String], in folder: URL, input: String? = nil, environment extra: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        var environment = ProcessInfo.processInfo.environment.filter { $0.key != "DATABASE_URL" }
        environment["QORGAU_BCRYPT_COST"] = "10" // the lowest a deployment may set: these tests make many users
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            pipe.fileHandleForWriting.write(Data((input + "\n").utf8))
            try pipe.fileHandleForWriting.close()
        }
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Blocking work (a child process waited for) on a thread of its own, not one of the few the
    /// tests' async code and an in-process server share: blocked, they would starve the server.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qorgau-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test(.enabled(if: built, "the qorgau binary is not built at .build/debug/qorgau"))
    func importExportAssessAndRefuse() throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        #expect(try run(["migrate", "--data", data.path], in: data).status == 0)
        let good = data.appendingPathComponent("good.json")
        try Fixtures.data(Fixtures.caseFileJSON(number: "CLI-1")).write(to: good)
        var bad = Fixtures.caseFileJSON(number: "CLI-2")
        bad["jurisdiction"] = "XX"
        let badFile = data.appendingPathComponent("bad.json")
        try Fixtures.data(bad).write(to: badFile)

        let refused = try run(["import", good.path, badFile.path, "--data", data.path], in: data)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.json: /jurisdiction: unknown jurisdiction \"XX\""))
        #expect(refused.stderr.contains("nothing was imported"))
        let nothing = try run(["export", "CLI-1", "--data", data.path], in: data)
        #expect(nothing.status == 1)

        #expect(try run(["import", good.path, "--data", data.path], in: data).status == 0)
        let first = try run(["export", "CLI-1", "--data", data.path], in: data)
        #expect(first.status == 0)
        let exported = data.appendingPathComponent("exported.json")
        // a number and a device are the case's own: the copy gets others, everything else identical
        try Data(first.stdout.replacingOccurrences(of: "\"CLI-1\"", with: "\"CLI-3\"")
            .replacingOccurrences(of: "\"bracelet-1\"", with: "\"bracelet-3\"").utf8).write(to: exported)
        #expect(try run(["import", exported.path, "--data", data.path], in: data).status == 0)
        let second = try run(["export", "CLI-3", "--data", data.path], in: data)
        #expect(second.stdout.replacingOccurrences(of: "\"CLI-3\"", with: "\"CLI-1\"")
            .replacingOccurrences(of: "\"bracelet-3\"", with: "\"bracelet-1\"") == first.stdout)

        let assessment = try run(["assess", "CLI-1", "--at", "2026-03-01", "--format", "json", "--data", data.path], in: data)
        #expect(assessment.status == 0)
        #expect(assessment.stdout.contains("\"offence\" : \"KZ.CC.115-1\""))

        let check = try run(["sentence", "check", good.path, "--verdict", "d1"], in: data)
        #expect(check.status == 0)
        #expect(check.stdout.contains("valid"))
    }

    @Test(.enabled(if: built, "the qorgau binary is not built at .build/debug/qorgau"))
    func importIsAllOrNothingWhenTheDatabaseRefusesOneFile() throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        #expect(try run(["migrate", "--data", data.path], in: data).status == 0)
        let held = data.appendingPathComponent("held.json"), first = data.appendingPathComponent("first.json")
        let second = data.appendingPathComponent("second.json")
        try Fixtures.data(Fixtures.caseFileJSON(number: "HELD-1", device: "bracelet-9")).write(to: held)
        try Fixtures.data(Fixtures.caseFileJSON(number: "NEW-1", device: "bracelet-1")).write(to: first)
        try Fixtures.data(Fixtures.caseFileJSON(number: "NEW-2", device: "bracelet-9")).write(to: second)
        #expect(try run(["import", held.path, "--data", data.path], in: data).status == 0)

        // each file is sound alone; the second's bracelet is worn in an open case
        let refused = try run(["import", first.path, second.path, "--data", data.path], in: data)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("second.json: /devices/0/id: device \"bracelet-9\" is registered in another open case"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was imported"))
        #expect(try run(["export", "NEW-1", "--data", data.path], in: data).status == 1, "the first file is not stored either")

        // two of the files share a case number: said once, and nothing is stored
        let twin = data.appendingPathComponent("twin.json")
        try Fixtures.data(Fixtures.caseFileJSON(number: "NEW-1", device: "bracelet-2")).write(to: twin)
        let twins = try run(["import", first.path, twin.path, "--data", data.path], in: data)
        #expect(twins.status == 1)
        #expect(twins.stderr.components(separatedBy: "case number \"NEW-1\" is in more than one of the files").count == 2, "\(twins.stderr)")
        #expect(twins.stderr.contains("nothing was imported"))
        #expect(try run(["export", "NEW-1", "--data", data.path], in: data).status == 1)
    }

    @Test(.enabled(if: built, "the qorgau binary is not built at .build/debug/qorgau"))
    func auditVerifyHeadAndTheDossierFromTheCommandLine() throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        #expect(try run(["demo", "--data", data.path], in: data).status == 0)
        let verified = try run(["audit", "verify", "--data", data.path], in: data)
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        #expect(verified.stdout.contains("intact"))
        let key = try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent("evidence.key").path)
        #expect((key[.posixPermissions] as? NSNumber)?.intValue == 0o600, "the key file is the owner's alone")

        let head = try run(["audit", "head", "--data", data.path], in: data)
        #expect(head.status == 0)
        let headFile = data.appendingPathComponent("head.json")
        try Data(head.stdout.utf8).write(to: headFile)
        #expect(try run(["audit", "verify", "--head", headFile.path, "--data", data.path], in: data).status == 0)
        let forged = head.stdout.replacingOccurrences(of: "\"hash\" : \"", with: "\"hash\" : \"f")
        try Data(forged.utf8).write(to: headFile)
        let refused = try run(["audit", "verify", "--head", headFile.path, "--data", data.path], in: data)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("BROKEN head"))

        let zip = data.appendingPathComponent("dossier.zip")
        let exported = try run(["export", "ALM-2025-0141", "--dossier", zip.path, "--data", data.path], in: data)
        #expect(exported.status == 0, "\(exported.stderr)")
        let checked = try run(["verify-dossier", zip.path], in: data)
        #expect(checked.status == 0, "\(checked.stdout)")
        let bytes = try Data(contentsOf: zip)
        try bytes.prefix(bytes.count - 100).write(to: zip) // cut short: its directory is gone
        let cut = try run(["verify-dossier", zip.path], in: data)
        #expect(cut.status == 1)
        #expect(!cut.stderr.isEmpty || cut.stdout.contains("BROKEN"))
        #expect(try run(["verify-dossier", data.appendingPathComponent("none.zip").path], in: data).status == 1)
    }

    @Test(.enabled(if: built, "the qorgau binary is not built at .build/debug/qorgau"))
    func lifecycleStepsFromTheCommandLine() throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        #expect(try run(["demo", "--data", data.path], in: data).status == 0)
        let verdict = data.appendingPathComponent("verdict.json")
        try Fixtures.data(["id": "d9", "proceeding": "c1", "decidedAt": "2026-03-01T10:00:00+05:00", "court": "Shymkent court",
                           "outcome": "guilty", "punishment": ["type": "arrest", "days": 60]]).write(to: verdict)
        let refused = try run(["verdict", "record", "SHM-2025-0219", "--file", verdict.path, "--data", data.path], in: data)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("maximum of 50 days"))
        try Fixtures.data(["id": "d9", "proceeding": "c1", "decidedAt": "2026-03-01T10:00:00+05:00", "court": "Shymkent court",
                           "outcome": "guilty", "punishment": ["type": "arrest", "days": 25]]).write(to: verdict)
        let recorded = try run(["verdict", "record", "SHM-2025-0219", "--file", verdict.path, "--data", data.path], in: data)
        #expect(recorded.status == 0)
        #expect(recorded.stdout.contains("\"valid\" : true"))
        let reopened = try run(["proceeding", "move", "SHM-2025-0219", "c1", "--to", "inCourt", "--reason", "x", "--data", data.path], in: data)
        #expect(reopened.status == 1)
        #expect(reopened.stderr.contains("decided cannot move to inCourt"))
        let paid = try run(["verdict", "paid", "SHM-2025-0219", "d9", "--at", "2026-03-10T10:00:00+05:00", "--data", data.path], in: data)
        #expect(paid.status == 0)
        let ledger = try run(["fund", "ledger", "--at", "2026-04-01", "--format", "json", "--data", data.path], in: data)
        #expect(ledger.stdout.contains("\"paid\" : \(2 * 5 * 4325)"))
    }

    /// Issue 29: a command pointed at the wrong folder makes nothing there; reading never
    /// migrates; the demo's published password never joins real accounts; a lost evidence key is
    /// never replaced where sealed evidence is.
    @Test(.enabled(if: built, "the qorgau binary is not built at .build/debug/qorgau"))
    func commandsAreSafeByDefault() throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        let wrong = data.appendingPathComponent("typo")
        for arguments in [["deadlines"], ["audit", "verify"], ["user", "list"], ["import", "nothing.json"], ["export", "X-1"]] {
            let refused = try run(arguments + ["--data", wrong.path], in: data)
            #expect(refused.status == 1, "\(arguments)")
            #expect(refused.stderr.contains("no Qorgau database") || refused.stderr.contains("cannot read"), "\(arguments): \(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: wrong.appendingPathComponent("qorgau.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: wrong.appendingPathComponent("evidence.key").path))

        let migrated = try run(["migrate", "--data", data.path], in: data)
        #expect(migrated.status == 0)
        #expect(migrated.stdout.contains("applying ") && migrated.stdout.contains("migration(s) applied"))
        #expect(try run(["migrate", "--data", data.path], in: data).stdout.contains("applying ") == false)
        #expect(try run(["user", "add", "aigul", "--role", "officer", "--unit", "Test unit", "--data", data.path], in: data).status == 0)
        let demo = try run(["demo", "--data", data.path], in: data)
        #expect(demo.status == 1)
        #expect(demo.stderr.contains("real users"))
        #expect(try run(["demo", "--force", "--data", data.path], in: data).status == 0)

        // sealed evidence without its key: nothing makes a new key over it
        let sealed = data.appendingPathComponent("evidence/ab")
        try FileManager.default.createDirectory(at: sealed, withIntermediateDirectories: true)
        try Data("sealed".utf8).write(to: sealed.appendingPathComponent("ab12"))
        try FileManager.default.removeItem(at: data.appendingPathComponent("evidence.key"))
        let verify = try run(["audit", "verify", "--data", data.path], in: data)
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("holds sealed files but there is no evidence key"))
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("evidence.key").path))
    }

    /// Issue 29: a `.env` file fills in what the environment does not set, and a secret may be
    /// given as a file (`DATABASE_URL_FILE`).
    @Test(.enabled(if: built, "the qorgau binary is not built at .build/debug/qorgau"))
    func settingsComeFromTheEnvironmentThenADotEnvFileAndSecretsFromFiles() throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        let dotEnv = data.appendingPathComponent(".env")
        try Data("# deployment settings\nexport DATABASE_URL='mysql://from-dot-env'\n".utf8).write(to: dotEnv)
        let fromFile = try run(["deadlines", "--data", data.path], in: data, environment: ["QORGAU_ENV_FILE": dotEnv.path])
        #expect(fromFile.status == 1)
        #expect(fromFile.stderr.contains("DATABASE_URL must start with postgres://"), "\(fromFile.stderr)")
        // the environment wins over the file
        let environmentFirst = try run(["deadlines", "--data", data.path], in: data,
                                       environment: ["QORGAU_ENV_FILE": dotEnv.path, "DATABASE_URL": "ftp://from-env"])
        #expect(environmentFirst.stderr.contains("ftp://from-e"), "\(environmentFirst.stderr)")
        let secret = data.appendingPathComponent("database-url")
        try Data("postgres://qorgau:secret@127.0.0.1:1/none\n".utf8).write(to: secret)
        let both = try run(["deadlines", "--data", data.path], in: data, environment: ["QORGAU_ENV_FILE": dotEnv.path, "DATABASE_URL_FILE": secret.path])
        #expect(both.stderr.contains("both DATABASE_URL and DATABASE_URL_FILE are set"), "\(both.stderr)")
        let secretOnly = try run(["deadlines", "--data", data.path], in: data, environment: ["DATABASE_URL_FILE": secret.path])
        #expect(secretOnly.status == 1)
        #expect(!secretOnly.stderr.contains("must start with postgres"), "the file's URL was taken: \(secretOnly.stderr)")
        #expect(!secretOnly.stderr.contains("secret"), "a password never reaches a message")
        try Data("NOT A SETTING\n".utf8).write(to: dotEnv)
        let broken = try run(["deadlines", "--data", data.path], in: data, environment: ["QORGAU_ENV_FILE": dotEnv.path])
        #expect(broken.stderr.contains(".env:1: expected NAME=value"))
    }

    /// Issue 29: a restore drill. A deployment with a sealed photo is backed up while it runs,
    /// restored into a new folder and checked; with the wrong key the restore refuses and leaves
    /// nothing behind; a backup never overwrites.
    @Test(.enabled(if: built, "the qorgau binary is not built at .build/debug/qorgau"))
    func aBackupTakenWhileServingIsRestoredAndChecked() async throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        let key = try EvidenceKey.load(environment: nil, file: data.appendingPathComponent("evidence.key").path)
        let backup = data.appendingPathComponent("backup")
        try await withQorgauApp(settings: { config in
            config.database = .sqliteFile(data.appendingPathComponent("qorgau.sqlite").path)
            config.migrate = true
            config.evidence = try? BlobStore(directory: data.appendingPathComponent("evidence").path, key: key)
        }) { app in
            let (caseID, incidentID) = try await EvidenceAPITests.caseWithIncident(app)
            #expect(try await app.upload(Multipart.jpeg(size: 300_000), caseID: caseID, incidentID: incidentID).status == .created)
            // taken while the server holds the database open
            let taken = try await Self.offPool { try CommandLineTests().run(["backup", "--to", backup.path, "--data", data.path], in: data) }
            #expect(taken.status == 0, "\(taken.stderr)")
            #expect(taken.stdout.contains("1 evidence file(s)"), "\(taken.stdout)")
        }
        #expect(try await Self.offPool { try CommandLineTests().run(["backup", "--to", backup.path, "--data", data.path], in: data) }.status == 1, "never over an earlier backup")
        #expect(!FileManager.default.fileExists(atPath: backup.appendingPathComponent("evidence.key").path), "keys only when asked")

        // the wrong key: refused, nothing kept
        let wrong = data.appendingPathComponent("wrong")
        try FileManager.default.createDirectory(at: wrong, withIntermediateDirectories: true)
        try Data((Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() + "\n").utf8).write(to: wrong.appendingPathComponent("evidence.key"))
        let refused = try await Self.offPool { try CommandLineTests().run(["restore", backup.path, "--data", wrong.path], in: data) }
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("does not check out"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: wrong.appendingPathComponent("qorgau.sqlite").path))

        // the right key: restored, and the audit chain and every file check out
        let restored = data.appendingPathComponent("restored")
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: data.appendingPathComponent("evidence.key"), to: restored.appendingPathComponent("evidence.key"))
        let done = try await Self.offPool { try CommandLineTests().run(["restore", backup.path, "--data", restored.path], in: data) }
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.contains("1 evidence files check out"), "\(done.stdout)")
        #expect(try await Self.offPool { try CommandLineTests().run(["audit", "verify", "--data", restored.path], in: data) }.stdout.contains("intact"))
    }

    /// Issue 29: the release bundle, unpacked into an empty folder, serves from there (made here
    /// from the debug binary: the same script and layout as a release).
    @Test(.enabled(if: built, "the qorgau binary is not built at .build/debug/qorgau"))
    func theBundleServesFromAnEmptyFolder() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/bin/bash")
        script.arguments = [Self.root.appendingPathComponent("scripts/bundle.sh").path, "--bin", Self.binary.deletingLastPathComponent().path,
                            "--out", folder.appendingPathComponent("dist").path]
        let out = Pipe()
        script.standardOutput = out
        try script.run()
        let printed = try await Self.offPool {
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            script.waitUntilExit()
            return text
        }
        #expect(script.terminationStatus == 0)
        let archive = try #require(printed.split(separator: "\n").last.map(String.init))
        let unpacked = folder.appendingPathComponent("opt")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        tar.arguments = ["-C", unpacked.path, "--strip-components=1", "-xzf", archive]
        try tar.run()
        try await Self.offPool { tar.waitUntilExit() }
        for name in ["qorgau", "qorgau_Web.resources", "qorgau_Law.resources", "qorgau.service", "nginx.conf", "LICENSE"] {
            #expect(FileManager.default.fileExists(atPath: unpacked.appendingPathComponent(name).path), "\(name) is in the bundle")
        }
        let port = 18_000 + Int.random(in: 0..<2_000)
        let server = Process()
        server.executableURL = unpacked.appendingPathComponent("qorgau")
        server.arguments = ["serve", "--port", String(port), "--data", folder.appendingPathComponent("data").path]
        server.currentDirectoryURL = unpacked
        var environment = ProcessInfo.processInfo.environment.filter { $0.key != "DATABASE_URL" }
        environment["QORGAU_BCRYPT_COST"] = "10"
        environment["QORGAU_LOG_FORMAT"] = "json"
        environment["LOG_LEVEL"] = "debug" // request lines too
        server.environment = environment
        let log = folder.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        server.standardOutput = try FileHandle(forWritingTo: log)
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate(); server.waitUntilExit() } }
        @Sendable func get(_ path: String) throws -> String {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = ["-s", "--max-time", "5", "-H", "X-Request-ID: bundle-check-1", "http://127.0.0.1:\(port)\(path)"]
            let body = Pipe()
            curl.standardOutput = body
            try curl.run()
            let data = body.fileHandleForReading.readDataToEndOfFile()
            curl.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        var ready = false, page = ""
        for _ in 0..<150 where !ready {
            try await Task.sleep(for: .milliseconds(200))
            if try await Self.offPool({ try get("/health/ready") }).contains("\"status\":\"ready\"") {
                ready = true
                page = try await Self.offPool { try get("/login?lang=kk") }
            }
        }
        #expect(ready, "the unpacked server became ready")
        #expect(page.contains("lang=\"kk\""), "its templates and catalogs are found beside it")

        // its log: a JSON object a line, a request's lines with the id it was given
        server.terminate()
        try await Self.offPool { server.waitUntilExit() }
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "every line is JSON")
        #expect(objects.allSatisfy { $0["time"] is String && $0["level"] is String && $0["message"] is String })
        #expect(objects.contains { $0["request-id"] as? String == "bundle-check-1" && ($0["message"] as? String)?.contains("/login") == true })
    }

    @Test(.enabled(if: built, "the qorgau binary is not built at .build/debug/qorgau"))
    func usageErrorsExitWithTwo() throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        #expect(try run(["import"], in: data).status == 2)
        #expect(try run(["no-such-command"], in: data).status == 2)
        #expect(try run(["assess", "x", "--at", "someday"], in: data).status == 2)
    }

    @Test(.enabled(if: built, "build the qorgau binary first (swift build)"))
    func usersFromTheCommandLine() throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        #expect(try run(["migrate", "--data", data.path], in: data).status == 0)
        let added = try run(["user", "add", "aigul", "--role", "officer", "--unit", "Test unit", "--data", data.path], in: data)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("one-time password"))
        let chosen = try run(["user", "add", "dana", "--role", "victim", "--password-stdin", "--data", data.path], in: data,
                             input: "my own long passphrase")
        #expect(chosen.status == 0, "\(chosen.stderr)")
        #expect(!chosen.stdout.contains("one-time password"))
        let weak = try run(["user", "add", "erlan", "--role", "judge", "--password-stdin", "--data", data.path], in: data, input: "password1")
        #expect(weak.status == 1)
        #expect(weak.stderr.contains("/password"))
        #expect(try run(["user", "add", "x", "--role", "king", "--data", data.path], in: data).status == 1)
        #expect(try run(["user", "add", "nounit", "--role", "officer", "--data", data.path], in: data).status == 1)

        let token = try run(["user", "token", "aigul", "--name", "script", "--read-only", "--data", data.path], in: data)
        #expect(token.status == 0)
        #expect(token.stdout.hasPrefix("qgt_"))
        #expect(try run(["user", "disable", "aigul", "--data", data.path], in: data).status == 0)
        let list = try run(["user", "list", "--format", "json", "--data", data.path], in: data)
        let users = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(users.map { $0["username"] as? String } == ["aigul", "dana"])
        #expect(users.first?["disabled"] as? Bool == true)
        #expect(!list.stdout.contains("passwordHash") && !list.stdout.contains("$2b$"), "no password hashes in the listing")

        #expect(try run(["demo", "--force", "--data", data.path], in: data).status == 0)
        #expect(try run(["user", "grant", "dana", "ALM-2025-0141", "--data", data.path], in: data).status == 0)
        #expect(try run(["user", "grant", "dana", "NO-SUCH-CASE", "--data", data.path], in: data).status == 1)
        #expect(try run(["user", "passwd", "nobody", "--data", data.path], in: data).status == 1)
    }

    /// A grant and its withdrawal from the command line go through the same service as the API's:
    /// one audit record each, as when an officer grants from the case page.
    @Test(.enabled(if: built, "build the qorgau binary first (swift build)"))
    func aGrantFromTheCommandLineIsAuditedOnce() async throws {
        let data = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        let location = DatabaseLocation.sqliteFile(data.appendingPathComponent("qorgau.sqlite").path)
        @Sendable func cli(_ arguments: [String]) async throws -> Run {
            try await Self.offPool { try run(arguments + ["--data", data.path], in: data) }
        }
        func audited() async throws -> (granted: Int, withdrawn: Int) {
            try await DatabaseSession.with(location, access: .read) { db in
                let audit = AuditStore(db: db)
                return (try await audit.list(action: "access.granted", limit: 100, after: nil).items.count,
                        try await audit.list(action: "access.withdrawn", limit: 100, after: nil).items.count)
            }
        }
        #expect(try await cli(["demo"]).status == 0)
        #expect(try await cli(["user", "add", "sholpan", "--role", "investigator"]).status == 0)
        let before = try await audited()
        let granted = try await cli(["user", "grant", "sholpan", "ALM-2025-0141"])
        #expect(granted.status == 0, "\(granted.stderr)")
        #expect(try await audited().granted == before.granted + 1)
        let withdrawn = try await cli(["user", "withdraw", "sholpan", "ALM-2025-0141"])
        #expect(withdrawn.status == 0, "\(withdrawn.stderr)")
        #expect(try await audited().withdrawn == before.withdrawn + 1)
        #expect(try await cli(["user", "grant", "sholpan", "NO-SUCH-CASE"]).status == 1)
    }
}
