import ArgumentParser
import Domain
import Foundation
import Law
import Presentation
import Store
import Cases

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import case files. All or nothing: any problem in any file and nothing is stored.")

    @Argument(help: "Case files (JSON).") var files: [String]
    @OptionGroup var options: DataOptions

    func run() async throws {
        let packs = try PackLibrary.loaded()
        var parsed: [(String, CaseFile)] = []
        var problems: [String] = []
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append("\(path): cannot read the file"); continue
            }
            do {
                parsed.append((path, try ImportService.read(data, packs: packs)))
            } catch { problems += error.problems.map { "\(path): \($0)" } }
        }
        // counted once each (a filter per number was quadratic: hours for 100,000 files)
        let counts = Dictionary(parsed.compactMap(\.1.case.number).map { ($0, 1) }, uniquingKeysWith: +)
        for (number, count) in counts.sorted(by: { $0.key < $1.key }) where count > 1 {
            problems.append("case number \"\(number)\" is in more than one of the files")
        }
        guard problems.isEmpty else {
            throw CommandFailure((problems + ["nothing was imported"]).joined(separator: "\n"))
        }
        let location = try options.location()
        let files = parsed.map(\.1)
        let ids: [UUID]
        do {
            ids = try await DatabaseSession.with(location) { db in
                try await ImportService(db: db, packs: packs, caller: .commandLine).importCaseFiles(files)
            }
        } catch let failure as ValidationFailure {
            // pointed at "/N/…", the N-th file: said with the file's path
            let lines = failure.problems.map { problem -> String in
                let rest = problem.pointer.dropFirst() // "2/case/number"
                guard let n = Int(rest.prefix { $0 != "/" }), parsed.indices.contains(n) else { return problem.description }
                return "\(parsed[n].0): \(rest.drop { $0 != "/" }): \(problem.message)"
            }
            throw CommandFailure((lines + ["nothing was imported"]).joined(separator: "\n"))
        }
        for ((path, file), id) in zip(parsed, ids) {
            print("imported \(path): case \(id.apiString)\(file.case.number.map { " (\($0))" } ?? ""), "
                  + "\(file.persons.count) persons, \(file.incidents.count) incidents")
            for warning in ImportService.warnings(file, packs: packs) { print("  warning: \(warning)") }
        }
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a case as a case file.")

    @Argument(help: "The case's id or number.") var caseRef: String
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @Option(help: "Write the court dossier (case file, evidence, audit records, chain head, manifest) to this zip file.")
    var dossier: String?
    @Option(help: "The dossier's language: ru, kk or en.") var lang: String = "ru"
    @OptionGroup var options: DataOptions

    func validate() throws {
        guard Language(rawValue: lang) != nil else { throw ValidationError("--lang must be ru, kk or en; got \"\(lang)\"") }
    }

    func run() async throws {
        let reference = caseRef
        if let dossier {
            let blobs = try options.evidence(), packs = try PackLibrary.loaded(), signer = try options.signingKey()
            try await DatabaseSession.with(try options.location(), access: .read) { db in
                let summary = try await CaseStore(db: db).find(idOrNumber: reference, scope: .all)
                try await Dossier.export(caseID: summary.id, db: db, blobs: blobs, packs: packs, signer: signer,
                                         language: Language(rawValue: lang) ?? .ru, to: dossier)
            }
            print("wrote \(dossier)")
            return
        }
        let data = try await DatabaseSession.with(try options.location(), access: .read) { db in
            let summary = try await CaseStore(db: db).find(idOrNumber: reference, scope: .all)
            return try CaseFileCodec.encode(try await CaseFileStore(db: db).exportCaseFile(caseID: summary.id, scope: .all))
        }
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: data) else { throw CommandFailure("cannot write \(out)") }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the seed case and a few more into the database.")
    @OptionGroup var options: DataOptions
    @Flag(help: "Load into a database that has accounts of real users too (the demo accounts' password is published).")
    var force = false

    func run() async throws {
        let location = try options.location()
        let cost = try Accounts.cost()
        let force = force
        // a database for trying Qorgau out has its keys from the start, as the server's first start makes them
        _ = try options.evidence(creating: true)
        _ = try options.signingKey(creating: true)
        let (loaded, users) = try await DatabaseSession.with(location, access: .create) { db in
            let demo = Set(Cases.Demo.users.map(\.username))
            let real = try await UserStore(db: db).list().filter { !demo.contains($0.username) }
            if !real.isEmpty, !force {
                throw CommandFailure("this database has \(real.count) account(s) of real users: the demo accounts' password is published, "
                    + "so they are never added beside real ones. Load the demo into a database for trying Qorgau out, "
                    + "or add --force if this is one")
            }
            return (try await Cases.Demo.load(into: db), try await Cases.Demo.loadUsers(into: db, bcryptCost: cost))
        }
        for item in loaded {
            print("\(item.skipped ? "already there" : "loaded"): \(item.number ?? "-") case \(item.id.apiString)")
        }
        print("\nDemo accounts (password \"\(Cases.Demo.password)\"; for trying Qorgau out, never for real cases):")
        for user in Cases.Demo.users {
            let grants = user.cases.isEmpty ? "" : ", case \(user.cases.joined(separator: ", "))"
            print("  \(user.username)  \(user.role.rawValue)\(user.unit.map { ", " + $0 } ?? "")\(grants)\(users.contains(user.username) ? "" : " (already there)")")
        }
        print("""

        Start the server with `swift run qorgau serve\(options.data == "." ? "" : " --data \(options.data)")`, sign in at
        http://127.0.0.1:8080/login, or get an API token:
          curl -s http://127.0.0.1:8080/api/v1/auth/tokens -H 'content-type: application/json' \\
            -d '{"username": "officer.bostandyk", "password": "\(Cases.Demo.password)", "name": "try"}'
        """)
    }
}
