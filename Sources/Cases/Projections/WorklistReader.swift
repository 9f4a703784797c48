import Domain
import Fluent
import Foundation
import Law
import Store

/// The worklists as the law's values, read from the projection: the deadlines of today and the
/// Fund ledger of any day, a page at a time.
public struct WorklistReader: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    /// The deadlines listed on `day` in the cases in scope, by due day, a page at a time.
    public func deadlines(scope: CaseScope, unit: String? = nil, on day: LocalDate, within: Int? = nil, limit: Int,
                          after cursor: WorklistTables.DeadlineCursor? = nil) async throws -> (items: [Deadline], next: WorklistTables.DeadlineCursor?) {
        let rows = try await WorklistTables(db: db).deadlines(scope: scope, unit: unit, on: day, within: within, limit: limit, after: cursor)
        let items = rows.compactMap { listed -> Deadline? in
            guard let kind = Deadline.Kind(rawValue: listed.row.kind) else { return nil }
            return Deadline(kind: kind, caseId: listed.caseID.apiString, caseNumber: listed.caseNumber, record: listed.row.record,
                            offence: listed.row.offence, due: listed.row.due, daysLeft: listed.row.due.daysSinceEpoch - day.daysSinceEpoch,
                            text: listed.row.text)
        }
        let next = rows.count == limit ? rows.last.map {
            WorklistTables.DeadlineCursor(due: $0.row.due.daysSinceEpoch, caseID: $0.caseID, kind: $0.row.kind, record: $0.row.record)
        } : nil
        return (items, next)
    }

    /// The Fund ledger on `day`: a page of entries in the order of the decisions (of one status,
    /// decided from a day, when asked), the totals of the persons on it and of the whole ledger.
    public func ledger(on day: LocalDate, currency: String = "KZT", status: FundLedger.Entry.Status? = nil, decidedFrom: LocalDate? = nil,
                       limit: Int, after cursor: WorklistTables.PaymentCursor? = nil) async throws -> (report: FundLedger.Report, next: WorklistTables.PaymentCursor?) {
        try await ledger(on: day, currency: currency,
                         filter: .init(status: status.flatMap { .init(rawValue: $0.rawValue) }, decidedFrom: decidedFrom), limit: limit, after: cursor)
    }

    /// The same, filtered by court and units as well; `totalsFiltered`: the totals are those of
    /// the entries the filter selects (the Fund officer's page), not of the whole ledger (the API).
    public func ledger(on day: LocalDate, currency: String = "KZT", filter: WorklistTables.PaymentFilter, totalsFiltered: Bool = false,
                       limit: Int, after cursor: WorklistTables.PaymentCursor? = nil) async throws -> (report: FundLedger.Report, next: WorklistTables.PaymentCursor?) {
        let tables = WorklistTables(db: db)
        let rows = try await tables.payments(on: day, currency: currency, filter: filter, limit: limit, after: cursor)
        let entries = rows.map { Self.entry($0, on: day) }
        var keys: [String: FundLedger.Entry] = [:]
        for entry in entries {
            let key = WorklistTables.personKey(iin: entry.iin, name: entry.person)
            if keys[key] == nil { keys[key] = entry }
        }
        var sums = try await tables.sums(on: day, currency: currency, persons: Set(keys.keys))
        if totalsFiltered { sums.all = try await tables.sums(on: day, currency: currency, filter: filter).all }
        let persons = keys.map { key, entry -> FundLedger.PersonTotal in
            let s = sums.byPerson[key] ?? WorklistTables.Sums()
            return FundLedger.PersonTotal(person: entry.person, iin: entry.iin, owed: s.owed, paid: s.paid, outstanding: s.outstanding, overdue: s.overdue)
        }.sorted { ($0.person, $0.iin ?? "") < ($1.person, $1.iin ?? "") }
        let next = rows.count == limit ? rows.last.map {
            WorklistTables.PaymentCursor(decided: $0.row.decided.daysSinceEpoch, caseID: $0.caseID, verdict: $0.row.verdict)
        } : nil
        let report = FundLedger.Report(at: day, currency: currency, entries: entries, persons: persons, owed: sums.all.owed,
                                       paid: sums.all.paid, outstanding: sums.all.outstanding, overdue: sums.all.overdue)
        return (report, next)
    }

    /// Every entry of the ledger on `day`, a page at a time, to `body` (an export of the whole ledger in flat memory).
    public func forEachEntry(on day: LocalDate, currency: String = "KZT", filter: WorklistTables.PaymentFilter = .init(), pageSize: Int = 2_000,
                             _ body: ([FundLedger.Entry]) async throws -> Void) async throws {
        var cursor: WorklistTables.PaymentCursor?
        repeat {
            let rows = try await WorklistTables(db: db).payments(on: day, currency: currency, filter: filter, limit: pageSize, after: cursor)
            if rows.isEmpty { return }
            try await body(rows.map { Self.entry($0, on: day) })
            cursor = rows.count == pageSize ? rows.last.map {
                WorklistTables.PaymentCursor(decided: $0.row.decided.daysSinceEpoch, caseID: $0.caseID, verdict: $0.row.verdict)
            } : nil
        } while cursor != nil
    }

    static func entry(_ payment: WorklistTables.Payment, on day: LocalDate) -> FundLedger.Entry {
        let row = payment.row
        let paid = row.paid.flatMap { $0 <= day ? $0 : nil }
        return FundLedger.Entry(caseId: payment.caseID.apiString, caseNumber: payment.caseNumber, verdict: row.verdict,
                                person: row.person, iin: row.iin, decidedAt: row.decided, units: row.units, unit: row.unitName,
                                amount: row.amount, currency: row.currency, dueDate: row.due, paidAt: paid,
                                status: paid != nil ? .paid : day > row.due ? .overdue : .due,
                                unitValueDate: row.valueDay, unverified: row.unverified, document: paid == nil ? nil : row.document,
                                court: row.court)
    }
}

extension WorklistTables.DeadlineCursor {
    /// As a page's `nextCursor`: `due_case_kind_record`.
    public var text: String { "\(due)_\(caseID.apiString)_\(kind)_\(record)" }

    public init?(_ text: String) {
        let parts = text.split(separator: "_", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let due = Int(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.init(due: due, caseID: id, kind: String(parts[2]), record: String(parts[3]))
    }
}

extension WorklistTables.PaymentCursor {
    /// As a page's `nextCursor`: `decided_case_verdict`.
    public var text: String { "\(decided)_\(caseID.apiString)_\(verdict)" }

    public init?(_ text: String) {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let decided = Int(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.init(decided: decided, caseID: id, verdict: String(parts[2]))
    }
}
