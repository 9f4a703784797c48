import ArgumentParser
import Domain
import Foundation
import Law
import Store
import Cases

/// The cases in the database as case files, for reports.
func allCases(_ options: DataOptions) async throws -> [CaseRef] {
    try await DatabaseSession.with(try options.location(), access: .read) { db in
        try await CaseFileStore(db: db).allCaseFiles(scope: .all).map {
            CaseRef(id: $0.0.id.apiString, number: $0.0.number, file: $0.1)
        }
    }
}

func reportDate(_ at: String?, packs: PackLibrary) throws -> LocalDate {
    guard let at else { return packs.reportingDay() }
    guard let date = LocalDate(at) else { throw ValidationError("--at must be a date YYYY-MM-DD, not \(at)") }
    return date
}

struct Deadlines: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Orders about to expire, episodes about to be time-barred, mandatory payments overdue.")

    @Option(help: "The date to look from (YYYY-MM-DD); today by default.") var at: String?
    @Option(help: "Only the cases of this unit (an officer's worklist).") var unit: String?
    @Option(help: "Only this case (id or number).") var `case`: String?
    @Option(help: "text or json") var format: String = "text"
    @OptionGroup var options: DataOptions

    func run() async throws {
        let packs = try PackLibrary.loaded()
        let date = try reportDate(at, packs: packs)
        let cases = try await allCases(options).filter { ref in
            (unit == nil || ref.file.case.unit == unit) && (self.case == nil || ref.id == self.case || ref.number == self.case)
        }
        let found = DeadlineFinder(packs: packs).deadlines(cases, at: date)
        if format == "json" { return try printJSON(found) }
        if found.isEmpty { print("no deadlines within reach on \(date)") }
        for d in found {
            print("\(d.due) (\(d.daysLeft >= 0 ? "in \(d.daysLeft) days" : "\(-d.daysLeft) days ago")) \(d.caseNumber ?? d.caseId): \(d.text)")
        }
    }
}

struct Fund: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The Victims Compensation Fund.", subcommands: [Ledger.self])

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What each convicted person owes the Fund, what was paid, what is overdue, with totals in KZT.")

        @Option(help: "The date of the ledger (YYYY-MM-DD); today by default.") var at: String?
        @Option(help: "text or json") var format: String = "text"
        @OptionGroup var options: DataOptions

        func run() async throws {
            let packs = try PackLibrary.loaded()
            let report = FundLedger(packs: packs).report(try await allCases(options), at: try reportDate(at, packs: packs))
            if format == "json" { return try printJSON(report) }
            print("Victims Compensation Fund ledger at \(report.at), in \(report.currency)")
            for e in report.entries {
                print("  \(e.caseNumber ?? e.caseId) \(e.verdict) \(e.person): \(e.units) \(e.unit) = \(e.amount) \(e.currency), "
                      + "\(e.status.rawValue)\(e.paidAt.map { " on \($0)" } ?? " (due \(e.dueDate))")"
                      + (e.status == .overdue ? FundLedger.restsOn(e.unverified.filter(FundLedger.concernsDueDate)) : ""))
            }
            for p in report.persons {
                print("  \(p.person): owed \(p.owed), paid \(p.paid), outstanding \(p.outstanding), overdue \(p.overdue)")
            }
            print("total: owed \(report.owed), paid \(report.paid), outstanding \(report.outstanding), overdue \(report.overdue)")
        }
    }
}
