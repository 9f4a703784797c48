import Domain
import Law
import Store
import Vapor

/// Reports across the cases in the principal's scope: `GET /api/v1/deadlines` and
/// `GET /api/v1/fund/ledger`, each with `?at=YYYY-MM-DD` (today by default).
struct ReportController {
    let packs: PackLibrary

    /// `?unit=` keeps the cases of one police unit: an officer's worklist until cases are assigned to users.
    func deadlines(req: Request) async throws -> PageResponse<Deadline> {
        var (cases, date) = try await load(req)
        if let unit = req.query[String.self, at: "unit"] { cases = cases.filter { $0.file.case.unit == unit } }
        return PageResponse(items: DeadlineFinder(packs: packs).deadlines(cases, at: date), nextCursor: nil)
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

    func ledger(req: Request) async throws -> FundLedger.Report {
        // the fund officer sees the ledger of every case, and nothing else of them
        let (cases, date) = try await load(req, scope: try req.principal.role == .fundOfficer ? .all : req.principal.scope)
        return FundLedger(packs: packs).report(cases, at: date)
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
extension FundLedger.Report: Content {}
extension RespondentView: Content {}
