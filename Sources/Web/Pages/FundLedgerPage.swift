import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// `GET /fund`: the Victims Compensation Fund's ledger as a page, for the Fund officer (every
/// case, and nothing of them but what the ledger needs) and officers (their scope): the totals,
/// who owes what for which decision, due or overdue or paid, in the statutory unit and in tenge;
/// filtered by status, a page at a time, and the whole ledger as CSV. The same query parameters
/// and the same reading as `GET /api/v1/fund/ledger`.
struct FundLedgerPage {
    let packs: PackLibrary

    struct EntryView: Encodable {
        var caseNumber: String; var court: String; var person: String; var iin: String; var decided: String; var amount: String
        var due: String; var status: String; var statusCode: String; var paid: String
        /// For a payment not yet made, the unverified law figures its due date rests on, in words.
        var restsOn: String
        /// For recording its payment: the case, the verdict and whether it is still to be paid.
        var caseId: String; var verdict: String; var payable: Bool
    }
    struct Filter: Encodable { var label: String; var link: String; var current: Bool }
    struct Context: Encodable {
        var frame: PageFrame
        var at: String; var owed: String; var paid: String; var outstanding: String; var overdue: String
        var entries: [EntryView]; var filters: [Filter]; var next: String?; var csv: String
        /// Whether the reader may record payments (the Fund officer), what was just done, what was wrong.
        var mayRecord: Bool; var done: String?; var problem: String?
        var today: String
        /// The period's start (decisions from that day), as the form shows it; the status kept with it.
        var from: String; var status: String
        /// The filters as a query, for the forms to come back to; the first page, when on a later one.
        var query: String; var first: String?
        /// The court and region chosen, and those to choose from; the exports of what the filters select.
        var court: String; var region: String; var courts: [Choice]; var regions: [Choice]; var xlsx: String
    }
    struct Choice: Encodable { var value: String; var label: String; var selected: Bool }

    func page(req: Request) async throws -> Response { try await render(req) }

    /// `POST /fund/payments`: a payment received, from the row's form (date and document number).
    func recordPayment(req: Request) async throws -> Response {
        struct Form: Decodable { var `case`: String?; var verdict: String?; var paidOn: String?; var document: String? }
        let form = req.form(Form.self) ?? Form()
        let t = req.application.catalogs.words(req.pageLanguage)
        let document = form.document?.trimmingCharacters(in: .whitespaces) ?? ""
        guard let caseID = form.case.flatMap(UUID.init(uuidString:)), let verdict = form.verdict, !verdict.isEmpty else {
            return try await render(req, problem: t["fund_payment_which"], status: .unprocessableEntity)
        }
        guard let day = form.paidOn.flatMap(LocalDate.init), let pack = packs["KZ"] ?? packs.packs.values.first else {
            return try await render(req, problem: t["problem_date"], status: .unprocessableEntity)
        }
        guard !document.isEmpty, document.count <= 100, JSONNode.forbiddenControl(in: document) == nil else {
            return try await render(req, problem: t["fund_payment_document_needed"], status: .unprocessableEntity)
        }
        // the day's end in the jurisdiction (a date, not a moment); not in the future
        let paidAt = pack.endOfDay(day)
        guard day <= pack.today() else { return try await render(req, problem: t["problem_future"], status: .unprocessableEntity) }
        do {
            _ = try await FundPaymentController.record(caseID: caseID, verdict: verdict, paidAt: paidAt, document: document, req: req)
            // back to the same filters, at the row just paid
            let query = Self.query(status: req.query[String.self, at: "status"], from: req.query[String.self, at: "from"].flatMap(LocalDate.init),
                                   court: req.query[String.self, at: "court"], region: req.query[String.self, at: "region"])
            return req.redirect(to: "/fund" + (query.isEmpty ? "?" : query + "&") + "done=paid#p-\(caseID.apiString)-\(verdict)")
        } catch let failure as ValidationFailure where failure.problems.first?.code == .beforeStart {
            let start = failure.problems.first?.values?["start"].flatMap(LocalDate.init)
            let format = LocaleFormat(language: req.pageLanguage, timeZone: TimeZone(identifier: pack.timeZone) ?? .current)
            return try await render(req, problem: (t["fund_payment_before_verdict"] ?? "").replacingOccurrences(of: "{date}", with: start.map(format.date) ?? ""),
                                    status: .unprocessableEntity)
        } catch let failure as ValidationFailure {
            return try await render(req, problem: failure.problems.map { $0.said(in: t) }.joined(separator: " "), status: .unprocessableEntity)
        } catch is DomainError { // already recorded, or no payment ordered
            return try await render(req, problem: t["fund_payment_refused"], status: .conflict)
        }
    }

    private func render(_ req: Request, problem: String? = nil, status answer: HTTPResponseStatus = .ok) async throws -> Response {
        let frame = try PageFrame.make(req)
        let t = frame.t
        let report = try await ReportController(packs: packs).ledger(req: req, totalsFiltered: true)
        let language = Language(rawValue: frame.lang) ?? .ru
        // the ledger's unit (МРП) and its days are those of the packs that have one
        let units = Dictionary(packs.packs.values.compactMap { pack in pack.unit.map { ($0.id, $0.name[language]) } }, uniquingKeysWith: { first, _ in first })
        let zone = packs.packs.values.first { $0.currency == report.currency }.flatMap { TimeZone(identifier: $0.timeZone) } ?? .current
        let format = LocaleFormat(language: frame.lang, timeZone: zone)
        let currency = t["currency_\(report.currency)"] ?? report.currency
        func money(_ amount: Int) -> String { "\(format.number(Int64(amount))) \(currency)" }
        let status = req.query[String.self, at: "status"]
        let from = req.query[String.self, at: "from"].flatMap(LocalDate.init)
        let court = req.query[String.self, at: "court"] ?? "", region = req.query[String.self, at: "region"] ?? ""
        func query(status: String?) -> String { Self.query(status: status, from: from, court: court, region: region) }
        let filters = [nil] + FundLedger.Entry.Status.allCases.map(\.rawValue)
        let context = Context(
            frame: frame, at: format.date(report.at), owed: money(report.owed), paid: money(report.paid),
            outstanding: money(report.outstanding), overdue: money(report.overdue),
            entries: report.entries.map { entry in
                let unit = units[entry.unit] ?? entry.unit
                return EntryView(caseNumber: entry.caseNumber ?? "—", court: entry.court ?? "—", person: entry.person, iin: entry.iin ?? "",
                                 decided: format.date(entry.decidedAt), amount: "\(entry.units) \(unit) · \(money(entry.amount))",
                                 due: format.date(entry.dueDate), status: t["ledgerstatus_\(entry.status.rawValue)"] ?? entry.status.rawValue,
                                 statusCode: entry.status.rawValue,
                                 paid: (entry.paidAt.map(format.date) ?? "") + (entry.document.map { " · " + ($0.hasPrefix("№") ? $0 : "№ " + $0) } ?? ""),
                                 restsOn: entry.status != .paid ? Self.figures(entry.unverified.filter(FundLedger.concernsDueDate), t) : "",
                                 caseId: entry.caseId, verdict: entry.verdict, payable: entry.paidAt == nil)
            },
            filters: filters.map { code in
                Filter(label: t["ledgerfilter_\(code ?? "all")"] ?? (code ?? "all"), link: "/fund" + query(status: code),
                       current: code == status)
            },
            next: report.nextCursor.map { cursor in
                let current = query(status: status)
                return "/fund" + (current.isEmpty ? "?" : current + "&") + "cursor=\(cursor)"
            },
            csv: "/api/v1/fund/ledger.csv" + query(status: status),
            mayRecord: (try? req.principal.may(.recordFundPayment)) ?? false,
            done: req.query[String.self, at: "done"] == "paid" ? t["fund_payment_recorded"] : nil, problem: problem,
            today: (packs["KZ"]?.today() ?? report.at).description, from: from?.description ?? "", status: status ?? "",
            query: query(status: status),
            first: req.query[String.self, at: "cursor"] == nil ? nil : "/fund" + query(status: status),
            court: court, region: region,
            courts: try await WorklistTables(db: req.db).courts().map { Choice(value: $0, label: $0, selected: $0 == court) },
            regions: Region.all.map { Choice(value: $0, label: t["region_\($0)"] ?? $0, selected: $0 == region) }
                .sorted { $0.label.localizedStandardCompare($1.label) == .orderedAscending },
            xlsx: "/fund/ledger.xlsx" + query(status: status))
        return try await req.renderPage("fund", context, status: answer)
    }

    /// "?status=overdue&from=2026-01-01&court=…&region=…", or "" without filters.
    static func query(status: String?, from: LocalDate?, court: String? = nil, region: String? = nil) -> String {
        var components = URLComponents()
        components.queryItems = [("status", status), ("from", from?.description), ("court", court), ("region", region)]
            .compactMap { name, value in value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) } }
        return components.queryItems?.isEmpty == false ? "?" + (components.percentEncodedQuery ?? "") : ""
    }

    /// Law figures in words ("mandatoryPayment.dueDays" → "срок уплаты принудительного платежа").
    static func figures(_ names: [String], _ t: [String: String]) -> String {
        names.map { name in t["figure_\(name)"] ?? name.split(separator: ".").first.flatMap { t["figure_\($0)"] } ?? name }
            .joined(separator: "; ")
    }
}
