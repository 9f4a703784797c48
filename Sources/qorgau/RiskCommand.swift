import ArgumentParser
import Domain
import Foundation
import Law

/// `qorgau risk FILE|CASE [--at DATE] [--format text|json] [--lang ru|kk|en]`.
struct Risk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A case's risk: the current level, when the next assessment is due and why, the measures for the level.")

    @Argument(help: "A case file, or a case's id or number.") var caseRef: String
    @Option(help: "The moment to look from: a date (its end, in the case's time zone) or a date-time; now by default.") var at: String?
    @Option(help: "text or json") var format: String = "text"
    @Option(help: "Language of the questions and measures: ru, kk or en.") var lang: String = "en"
    @OptionGroup var options: DataOptions

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format is text or json") }
        guard Language(rawValue: lang) != nil else { throw ValidationError("--lang is ru, kk or en") }
        if let at, LocalDate(at) == nil, ZonedDateTime(at) == nil {
            throw ValidationError("--at must be a date YYYY-MM-DD or a date-time with offset, not \(at)")
        }
    }

    func run() async throws {
        let packs = try PackLibrary.loaded()
        let library = try RiskLibrary.loaded()
        let file = try await loadCase(caseRef, options: options, packs: packs)
        let problems = RiskRules.problems(file, library: library)
        if !problems.isEmpty { throw CommandFailure(problems.map { "\(caseRef): \($0)" }.joined(separator: "\n")) }
        let pack = try packs.pack(for: file.jurisdiction)
        let moment = at.flatMap(ZonedDateTime.init) ?? at.flatMap(LocalDate.init).map(pack.endOfDay) ?? pack.now()
        let status = try RiskEvaluator(library: library).status(of: file, at: moment, language: Language(rawValue: lang)!)
        if format == "json" { return try printJSON(status) }
        print(Self.text(status))
    }

    static func text(_ status: RiskStatus) -> String {
        var lines = ["Risk (\(status.instrument)) at \(status.at): \(status.level.rawValue)"
                     + (status.computedLevel.map { $0 != status.level ? " (computed \($0.rawValue), raised)" : "" } ?? "")]
        if let assessedAt = status.assessedAt { lines.append("Last assessed \(assessedAt) (\(status.assessment ?? "")), \(status.version) assessment(s) in all") }
        if let due = status.due {
            lines.append((status.dueNow ? "Assessment due NOW (since \(due))" : "Next assessment due \(due)") + ":")
            lines += status.reasons.map { "  - \($0.text)" }
        } else {
            lines.append("No assessment due: \(status.instrument) does not apply yet (too few incidents, no sign of fear).")
        }
        if !status.measures.isEmpty { lines.append("Measures to consider:"); lines += status.measures.map { "  - \($0)" } }
        let suggested = status.prefill.filter { $0.answer == true }
        if !suggested.isEmpty {
            lines.append("The case suggests yes to:")
            lines += suggested.map { "  - \($0.text) (\($0.sources.joined(separator: ", ")))" }
        }
        if !status.unverified.isEmpty { lines.append("Unverified figures: \(status.unverified.joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }
}
