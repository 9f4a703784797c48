import Domain
import Law
import Store
import Vapor

/// Reports across the cases in the principal's scope: `GET /api/v1/deadlines` and
/// `GET /api/v1/fund/ledger`, each with `?at=YYYY-MM-DD` (today by default).
struct ReportController {
    let packs: PackLibrary

    func deadlines(req: Request) async throws -> PageResponse<Deadline> {
        let (cases, date) = try await load(req)
        return PageResponse(items: DeadlineFinder(packs: packs).deadlines(cases, at: date), nextCursor: nil)
    }

    func ledger(req: Request) async throws -> FundLedger.Report {
        let (cases, date) = try await load(req)
        return FundLedger(packs: packs).report(cases, at: date)
    }

    private func load(_ req: Request) async throws -> ([CaseRef], LocalDate) {
        let at = req.query[String.self, at: "at"]
        let date = try at.map { raw -> LocalDate in
            guard let date = LocalDate(raw) else {
                throw ValidationFailure(pointer: "/at", message: "query parameter at must be a date YYYY-MM-DD, not \"\(raw)\"")
            }
            return date
        } ?? (packs["KZ"]?.today() ?? LocalDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400)))
        let files = try await CaseFileStore(db: req.db).allCaseFiles(scope: req.principal.scope)
        return (files.map { CaseRef(id: $0.0.id.apiString, number: $0.0.number, file: $0.1) }, date)
    }
}

extension Deadline: Content {}
extension FundLedger.Report: Content {}
