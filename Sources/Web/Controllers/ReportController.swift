import Cases
import Domain
import Law
import Store
import Vapor

/// Reports across the cases in the principal's scope: `GET /api/v1/deadlines` and
/// `GET /api/v1/fund/ledger`, each with `?at=YYYY-MM-DD` (today by default), a page at a time
/// (`?limit=&cursor=`). Today's deadlines and the ledger of any day are read from the worklist
/// projection; deadlines of another day, or before the projection is first built, are computed
/// from the case files, in the same order and pages.
struct ReportController {
    let packs: PackLibrary

    /// `?unit=` keeps the cases of one police unit: an officer's worklist until cases are assigned to users.
    func deadlines(req: Request) async throws -> PageResponse<Deadline> {
        let date = try reportDate(req)
        let unit = req.query[String.self, at: "unit"]
        let (limit, cursor) = try req.page(cursor: WorklistTables.DeadlineCursor.init)
        let scope = try req.principal.scope
        if try await Self.projectionServes(date, req: req, packs: packs) {
            let page = try await WorklistReader(db: req.db).deadlines(scope: scope, unit: unit, on: date, limit: limit, after: cursor)
            return PageResponse(items: page.items, nextCursor: page.next?.text)
        }
        var (cases, _) = try await load(req)
        if let unit { cases = cases.filter { $0.file.case.unit == unit } }
        var items = DeadlineFinder(packs: packs).deadlines(cases, at: date)
        if let cursor {
            let after = (LocalDate(daysSinceEpoch: cursor.due), cursor.caseID.apiString, cursor.kind, cursor.record)
            items = items.filter { ($0.due, $0.caseId, $0.kind.rawValue, $0.record) > after }
        }
        let next = items.count > limit ? items[limit - 1] : nil
        return PageResponse(items: Array(items.prefix(limit)), nextCursor: next.flatMap { last in
            UUID(uuidString: last.caseId).map {
                WorklistTables.DeadlineCursor(due: last.due.daysSinceEpoch, caseID: $0, kind: last.kind.rawValue, record: last.record).text
            }
        })
    }

    /// Whether a worklist of `date` is read from the projection: today's, once it is built. What
    /// was written until now, by this instance or any other process, is projected first (one
    /// indexed read of the audit log when nothing was), and the rows whose day has come made again.
    static func projectionServes(_ date: LocalDate, req: Request, packs: PackLibrary, anyDay: Bool = false) async throws -> Bool {
        guard anyDay || date == packs.reportingDay(), try await Projections(db: req.db, packs: packs).worklistsReady() else { return false }
        await req.application.caseChanges.catchUp(db: req.db, local: false)
        if !anyDay { try await WorklistProjection(db: req.db, packs: packs).refreshIfDue(on: date) }
        return true
    }

    /// The deadlines of one case.
    func caseDeadlines(req: Request) async throws -> PageResponse<Deadline> {
        let id = try req.uuid("caseID", what: "case")
        let summary = try await CaseStore(db: req.db).get(id, scope: req.principal.scope)
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: id, scope: req.principal.scope)
        let date = try reportDate(req)
        let ref = CaseRef(id: id.apiString, number: summary.number, file: file)
        return PageResponse(items: DeadlineFinder(packs: packs).deadlines([ref], at: date), nextCursor: nil)
    }

    /// `GET /api/v1/respondents/{iin}`: one respondent across the cases in scope.
    func respondent(req: Request) async throws -> RespondentView {
        let iin = try req.parameters.require("iin")
        do { _ = try IIN(iin) } catch {
            throw ValidationFailure(pointer: "/iin", message: "invalid IIN \"\(iin)\": \(error)")
        }
        let files = try await CaseFileStore(db: req.db).allCaseFiles(scope: req.principal.scope)
        let view = RespondentView.of(iin: iin, in: files.map { CaseRef(id: $0.0.id.apiString, number: $0.0.number, file: $0.1) })
        if view.cases.isEmpty {
            // a look-up that finds nobody is on record too: probing IINs leaves a trace
            try await AuditStore(db: req.db).append(actor: try req.principal.subject, action: "read.respondent.none", target: req.routePattern)
            throw DomainError.notFound("respondent")
        }
        return view
    }

    /// `?status=paid|due|overdue` keeps the entries of one status on the day. The totals are
    /// the whole ledger's; the persons', of the persons on the page.
    /// `totalsFiltered`: the totals of what the filters select (the Fund officer's page), not of the whole ledger.
    func ledger(req: Request, totalsFiltered: Bool = false) async throws -> FundLedger.Report {
        let date = try reportDate(req)
        let (limit, cursor) = try req.page(cursor: WorklistTables.PaymentCursor.init)
        let query = try await LedgerQuery.read(req)
        // the fund officer sees the ledger of every case, and nothing else of them; others the ledger of their scope
        let scope = try req.principal.role == .fundOfficer ? .all : req.principal.scope
        if scope == .all, try await Self.projectionServes(date, req: req, packs: packs, anyDay: true) {
            var (report, next) = try await WorklistReader(db: req.db).ledger(on: date, filter: query.filter, totalsFiltered: totalsFiltered,
                                                                            limit: limit, after: cursor)
            report.nextCursor = next?.text
            return report
        }
        let (cases, _) = try await load(req, scope: scope)
        let unitOfCase = Dictionary(cases.map { ($0.id, $0.file.case.unit) }, uniquingKeysWith: { first, _ in first })
        var report = FundLedger(packs: packs).report(cases, at: date)
        var entries = report.entries.filter { query.admits($0, unit: unitOfCase[$0.caseId] ?? nil) }
        if totalsFiltered {
            let owed = entries.reduce(0) { $0 + $1.amount }, paid = entries.filter { $0.status == .paid }.reduce(0) { $0 + $1.amount }
            report.owed = owed; report.paid = paid; report.outstanding = owed - paid
            report.overdue = entries.filter { $0.status == .overdue }.reduce(0) { $0 + $1.amount }
        }
        if let cursor {
            let after = (LocalDate(daysSinceEpoch: cursor.decided), cursor.caseID.apiString, cursor.verdict)
            entries = entries.filter { ($0.decidedAt, $0.caseId, $0.verdict) > after }
        }
        let page = Array(entries.prefix(limit))
        let shown = Set(page.map { $0.iin ?? $0.person })
        report.entries = page
        report.persons = report.persons.filter { shown.contains($0.iin ?? $0.person) }
        if entries.count > limit, let last = page.last, let id = UUID(uuidString: last.caseId) {
            report.nextCursor = WorklistTables.PaymentCursor(decided: last.decidedAt.daysSinceEpoch, caseID: id, verdict: last.verdict).text
        }
        return report
    }

    /// Every entry the query selects, a page at a time, as the exports write them: from the
    /// projection when it serves the day, else from the case files in scope.
    typealias EntryProducer = @Sendable (_ body: @Sendable ([FundLedger.Entry]) async throws -> Void) async throws -> Void

    func entries(req: Request) async throws -> (date: LocalDate, produce: EntryProducer) {
        let date = try reportDate(req)
        let query = try await LedgerQuery.read(req)
        let scope = try req.principal.role == .fundOfficer ? .all : req.principal.scope
        var fromProjection = false
        if scope == .all { fromProjection = try await Self.projectionServes(date, req: req, packs: packs, anyDay: true) }
        let db = req.db, packs = self.packs, projected = fromProjection
        return (date, { body in
            if projected {
                try await WorklistReader(db: db).forEachEntry(on: date, filter: query.filter) { try await body($0) }
            } else {
                let files = try await CaseFileStore(db: db).allCaseFiles(scope: scope)
                let refs = files.map { CaseRef(id: $0.0.id.apiString, number: $0.0.number, file: $0.1) }
                let units = Dictionary(refs.map { ($0.id, $0.file.case.unit) }, uniquingKeysWith: { first, _ in first })
                try await body(FundLedger(packs: packs).report(refs, at: date).entries.filter { query.admits($0, unit: units[$0.caseId] ?? nil) })
            }
        })
    }

    /// `GET /api/v1/fund/ledger.csv`: the whole ledger of a day as CSV (RFC 4180, UTF-8), written
    /// as it is read, a few thousand entries at a time: memory stays flat however long the ledger.
    func ledgerCSV(req: Request) async throws -> Response {
        let logger = req.logger
        let (date, produce) = try await entries(req: req)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.add(name: .contentDisposition, value: "attachment; filename=\"fund-ledger-\(date).csv\"")
        let body = Response.Body(asyncStream: { stream in
            do {
                try await stream.write(.buffer(ByteBuffer(string: LedgerCSV.header)))
                try await produce { entries in try await stream.write(.buffer(ByteBuffer(string: entries.map(LedgerCSV.line).joined()))) }
                try await stream.write(.end)
            } catch {
                logger.error("fund ledger export failed: \(String(describing: type(of: error)))")
                try await stream.write(.error(error))
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }

    private func reportDate(_ req: Request) throws -> LocalDate {
        let at = req.query[String.self, at: "at"]
        return try at.map { raw -> LocalDate in
            guard let date = LocalDate(raw) else {
                throw ValidationFailure(pointer: "/at", message: "query parameter at must be a date YYYY-MM-DD, not \"\(raw)\"")
            }
            return date
        } ?? packs.reportingDay()
    }

    private func load(_ req: Request, scope: CaseScope? = nil) async throws -> ([CaseRef], LocalDate) {
        let date = try reportDate(req)
        let files = try await CaseFileStore(db: req.db).allCaseFiles(scope: try scope ?? req.principal.scope)
        return (files.map { CaseRef(id: $0.0.id.apiString, number: $0.0.number, file: $0.1) }, date)
    }
}

extension Deadline: Content {}
extension FundLedger.Entry.Status: Vocabulary {
    public static let vocabularyName = "payment status"
}
extension FundLedger.Report: Content {}
extension RespondentView: Content {}
