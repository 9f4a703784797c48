import Domain
import Foundation
import Law
import Vapor

/// `GET /fund/ledger.xlsx`: the entries the Fund page's filters select as an Excel workbook, its
/// headings and statuses in the page's language, amounts as numbers and days as dates, so the
/// Fund's accountants sum and sort them in the spreadsheet they use.
struct LedgerWorkbook {
    let packs: PackLibrary

    func workbook(req: Request) async throws -> Response {
        let t = req.application.catalogs.words(req.pageLanguage)
        let language = Language(rawValue: req.pageLanguage) ?? .ru
        let unitNames = Dictionary(packs.packs.values.compactMap { pack in pack.unit.map { ($0.id, $0.name[language]) } },
                                   uniquingKeysWith: { first, _ in first })
        let (date, produce) = try await ReportController(packs: packs).entries(req: req)
        let collected = Collected()
        try await produce { await collected.add($0) }
        let rows = await collected.entries.map { entry -> [Workbook.Value] in
            [.text(entry.caseNumber ?? ""), .text(entry.court ?? ""), .date(daysSinceEpoch: entry.decidedAt.daysSinceEpoch),
             .text(entry.person), .text(entry.iin ?? ""), .number(entry.units), .text(unitNames[entry.unit] ?? entry.unit),
             .number(entry.amount), .text(t["currency_\(entry.currency)"] ?? entry.currency), .date(daysSinceEpoch: entry.dueDate.daysSinceEpoch),
             .text(t["ledgerstatus_\(entry.status.rawValue)"] ?? entry.status.rawValue),
             entry.paidAt.map { .date(daysSinceEpoch: $0.daysSinceEpoch) } ?? .empty, .text(entry.document ?? "")]
        }
        let header = ["case_number", "court", "decided", "person", "iin", "units", "unit", "amount", "currency", "due", "status", "paid", "document"]
            .map { t["ledgerxlsx_\($0)"] ?? $0 }
        let data = try Workbook(sheetName: (t["fund_ledger"] ?? "Ledger") + " " + date.description, header: header, rows: rows,
                                dateFormat: language == .en ? "yyyy-mm-dd" : "dd.mm.yyyy").data()
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        headers.add(name: .contentDisposition, value: "attachment; filename=\"fund-ledger-\(date).xlsx\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    /// The entries as the producer hands them over, page after page.
    private actor Collected {
        var entries: [FundLedger.Entry] = []
        func add(_ more: [FundLedger.Entry]) { entries += more }
    }
}
