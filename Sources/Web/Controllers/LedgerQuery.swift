import Domain
import Law
import Store
import Vapor

/// What a view of the Fund ledger asks for, read once from the query for the page, the API and
/// the exports alike: the ledger's day (`at`), the status on it, decisions from a day (`from`),
/// one court (`court`), the cases of one region's units (`region`).
struct LedgerQuery {
    var status: FundLedger.Entry.Status?
    var from: LocalDate?
    var court: String?
    var region: String?
    /// The units of `region`, when one is asked for.
    var units: [String]?

    static func read(_ req: Request) async throws -> LedgerQuery {
        let log = ProblemLog()
        var query = LedgerQuery()
        query.status = req.wordQuery("status", FundLedger.Entry.Status.self, log: log)
        if let raw = req.query[String.self, at: "from"], !raw.isEmpty {
            query.from = LocalDate(raw)
            if query.from == nil { log.add("/from", "\"\(raw.prefix(40))\" is not a date (YYYY-MM-DD)", code: .date, values: ["value": String(raw.prefix(40))]) }
        }
        if let raw = req.query[String.self, at: "court"]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            if raw.count > 300 || JSONNode.forbiddenControl(in: raw) != nil {
                log.add("/court", "a court's name of at most 300 characters", code: .tooLong, values: ["max": "300"])
            } else { query.court = raw }
        }
        if let raw = req.query[String.self, at: "region"], !raw.isEmpty {
            if Region.all.contains(raw) {
                query.region = raw
                query.units = try await UnitStore(db: req.db).codes(inRegion: raw)
            } else {
                log.add("/region", "unknown region \"\(raw.prefix(40))\" (expected one of \(Region.all.joined(separator: ", ")))",
                        code: .unknownWord, values: ["value": String(raw.prefix(40)), "words": Region.all.joined(separator: ", ")])
            }
        }
        if !log.isEmpty { throw ValidationFailure(log.problems) }
        return query
    }

    var filter: WorklistTables.PaymentFilter {
        WorklistTables.PaymentFilter(status: status.flatMap { .init(rawValue: $0.rawValue) }, decidedFrom: from, court: court, units: units)
    }

    /// Whether an entry computed from case files is one the query selects (`unit`: its case's).
    func admits(_ entry: FundLedger.Entry, unit: String?) -> Bool {
        (status == nil || entry.status == status) && (from.map { entry.decidedAt >= $0 } ?? true)
            && (court == nil || entry.court == court) && (units.map { unit.map($0.contains) ?? false } ?? true)
    }
}
