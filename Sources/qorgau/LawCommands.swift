import ArgumentParser
import Domain
import Foundation
import Law
import Store
import Cases

/// A case file on disk, or a case in the database by id or number.
func loadCase(_ reference: String, options: DataOptions, packs: PackLibrary) async throws -> CaseFile {
    if FileManager.default.fileExists(atPath: reference) {
        guard let data = FileManager.default.contents(atPath: reference) else { throw CommandFailure("cannot read \(reference)") }
        do {
            return try CaseFileReader(jurisdictions: packs.codes).read(data: data)
        } catch {
            throw CommandFailure(error.problems.map { "\(reference): \($0)" }.joined(separator: "\n"))
        }
    }
    return try await DatabaseSession.with(try options.location(), access: .read) { db in
        let summary = try await CaseStore(db: db).find(idOrNumber: reference, scope: .all)
        return try await CaseFileStore(db: db).exportCaseFile(caseID: summary.id, scope: .all)
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value))
    print()
}

struct Assess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assess a case against its jurisdiction's offences: elements, episodes, limitation, sanction.")

    @Argument(help: "A case file, or a case's id or number.") var caseRef: String
    @Option(help: "The date to assess at (YYYY-MM-DD); today in the jurisdiction by default.") var at: String?
    @Option(help: "text or json") var format: String = "text"
    @Option(help: "Language of the explanation: ru, kk or en.") var lang: String = "en"
    @OptionGroup var options: DataOptions

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
        guard Language(rawValue: lang) != nil else { throw ValidationError("--lang is ru, kk or en") }
        if let at, LocalDate(at) == nil { throw ValidationError("--at must be a date YYYY-MM-DD, not \(at)") }
    }

    func run() async throws {
        let packs = try PackLibrary.loaded()
        let file = try await loadCase(caseRef, options: options, packs: packs)
        let pack = try packs.pack(for: file.jurisdiction)
        let date = at.flatMap(LocalDate.init) ?? pack.today()
        let assessment = try packs.assessor(for: pack.code).assess(file, at: date, language: Language(rawValue: lang)!)
        if format == "json" { try printJSON(assessment) } else { print(AssessmentText.render(assessment)) }
    }
}

struct Sentence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Sentencing checks.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a verdict's punishment and mandatory payment against the sanction; amounts in money.")

        @Argument(help: "A case file, or a case's id or number.") var caseRef: String
        @Option(help: "The verdict's id in the case file.") var verdict: String
        @Option(help: "text or json") var format: String = "text"
        @OptionGroup var options: DataOptions

        func run() async throws {
            let packs = try PackLibrary.loaded()
            let file = try await loadCase(caseRef, options: options, packs: packs)
            let checker = SentenceChecker(pack: try packs.pack(for: file.jurisdiction))
            let result: SentenceCheck
            do { result = try checker.check(file, verdict: verdict) } catch { throw CommandFailure(error.description) }
            if format == "json" { try printJSON(result) } else { print(SentenceCheckText.render(result)) }
            if !result.valid { throw ExitCode(1) }
        }
    }
}
