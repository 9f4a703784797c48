import Domain
import Foundation
import Law
import Vapor

/// `GET /fund`: the Victims Compensation Fund's ledger as a page, for the Fund officer (every
/// case, and nothing of them but what the ledger needs) and officers (their scope): the totals,
/// who owes what for which decision, due or overdue or paid, in the statutory unit and in tenge;
/// filtered by status, a page at a time, and the whole ledger as CSV. The same query parameters
/// and the same reading as `GET /api/v1/fund/ledger`.
struct FundLedgerPage {
    let packs: PackLibrary

    struct EntryView: Encodable {
        var caseNumber: String; var person: String; var iin: String; var decided: String; var amount: String
        var due: String; var status: String; var statusCode: String; var paid: String
        /// For a payment not yet made, the unverified law figures its due date rests on, in words.
        var restsOn: String
    }
    struct Filter: Encodable { var label: String; var link: String; var current: Bool }
    struct Context: Encodable {
        var frame: PageFrame
        var at: String; var owed: String; var paid: String; var outstanding: String; var overdue: String
        var entries: [EntryView]; var filters: [Filter]; var next: String?; var csv: String
    }

    func page(req: Request) async throws -> Response {
        let frame = try PageFrame.make(req)
        let t = frame.t
        let report = try await ReportController(packs: packs).ledger(req: req)
        let language = Language(rawValue: frame.lang) ?? .ru
        // the ledger's unit (МРП) and its days are those of the packs that have one
        let units = Dictionary(packs.packs.values.compactMap { pack in pack.unit.map { ($0.id, $0.name[language]) } }, uniquingKeysWith: { first, _ in first })
        let zone = packs.packs.values.first { $0.currency == report.currency }.flatMap { TimeZone(identifier: $0.timeZone) } ?? .current
        let format = LocaleFormat(language: frame.lang, timeZone: zone)
        let currency = t["currency_\(report.currency)"] ?? report.currency
        func money(_ amount: Int) -> String { "\(format.number(Int64(amount))) \(currency)" }
        let status = req.query[String.self, at: "status"]
        let filters = [nil] + FundLedger.Entry.Status.allCases.map(\.rawValue)
        let context = Context(
            frame: frame, at: format.date(report.at), owed: money(report.owed), paid: money(report.paid),
            outstanding: money(report.outstanding), overdue: money(report.overdue),
            entries: report.entries.map { entry in
                let unit = units[entry.unit] ?? entry.unit
                return EntryView(caseNumber: entry.caseNumber ?? "—", person: entry.person, iin: entry.iin ?? "",
                                 decided: format.date(entry.decidedAt), amount: "\(entry.units) \(unit) · \(money(entry.amount))",
                                 due: format.date(entry.dueDate), status: t["ledgerstatus_\(entry.status.rawValue)"] ?? entry.status.rawValue,
                                 statusCode: entry.status.rawValue, paid: entry.paidAt.map(format.date) ?? "",
                                 restsOn: entry.status != .paid ? Self.figures(entry.unverified.filter(FundLedger.concernsDueDate), t) : "")
            },
            filters: filters.map { code in
                Filter(label: t["ledgerfilter_\(code ?? "all")"] ?? (code ?? "all"), link: "/fund" + (code.map { "?status=\($0)" } ?? ""),
                       current: code == status)
            },
            next: report.nextCursor.map { "/fund?" + (status.map { "status=\($0)&" } ?? "") + "cursor=\($0)" },
            csv: "/api/v1/fund/ledger.csv")
        return try await req.renderPage("fund", context)
    }

    /// Law figures in words ("mandatoryPayment.dueDays" → "срок уплаты принудительного платежа").
    static func figures(_ names: [String], _ t: [String: String]) -> String {
        names.map { name in t["figure_\(name)"] ?? name.split(separator: ".").first.flatMap { t["figure_\($0)"] } ?? name }
            .joined(separator: "; ")
    }
}
