import Domain
import Fluent
import Foundation
import Law
import Store

/// The worklist projection: per case, its deadlines with the days they are listed on and the
/// payments its verdicts impose (`WorklistTables`), made from its case file by the same law as
/// `DeadlineFinder` and `FundLedger`. The dashboard, `GET /api/v1/deadlines` and the Fund ledger
/// read it instead of assessing every case file in scope on every request.
///
/// A case's rows hold from the day they were made on, until a write to the case or the day of a
/// record it holds dated later (its `refreshDay`); `refresh(on:)` makes those again.
public struct WorklistProjection: Sendable {
    public let db: any Database
    public let packs: PackLibrary
    let finder: DeadlineFinder

    public init(db: any Database, packs: PackLibrary, risk: RiskLibrary? = try? RiskLibrary.loaded()) {
        self.db = db; self.packs = packs; self.finder = DeadlineFinder(packs: packs, risk: risk)
    }

    /// Its name in `projection_state`: with the law packs' versions, so that rows made by another
    /// version of the law (an upgrade, a corrected pack) are made again when a server starts.
    public var name: String { Self.name(packs) }

    public static func name(_ packs: PackLibrary) -> String {
        // "2": the rows gained the verdict's court (migration 020); rows made before are made again
        "worklists 2 " + packs.packs.values.map { "\($0.code) \($0.version)" }.sorted().joined(separator: ", ")
    }

    /// The kinds of change that change a case's rows: all but evidence and access.
    public static let followedKinds: Set<CaseChange.Kind> = [.header, .persons, .incidents, .orders, .records]

    /// What a case file gives the worklists on `day`.
    public func rows(of file: CaseFile, on day: LocalDate) -> WorklistTables.CaseRows {
        let deadlines = finder.candidates(file, on: day).map {
            WorklistTables.DeadlineRow(kind: $0.kind.rawValue, record: $0.record, offence: $0.offence, due: $0.due,
                                       listedFrom: $0.listedFrom, listedUntil: $0.listedUntil, windowDays: $0.windowDays, text: $0.text)
        }
        let payments = FundLedger(packs: packs).entries(of: file, caseId: "", caseNumber: nil).map {
            WorklistTables.PaymentRow(verdict: $0.verdict, person: $0.person, iin: $0.iin, decided: $0.decidedAt, units: $0.units,
                                      unitName: $0.unit, amount: $0.amount, currency: $0.currency, due: $0.dueDate, paid: $0.paidAt,
                                      valueDay: $0.unitValueDate, unverified: $0.unverified, document: $0.document, court: $0.court)
        }
        let lastVictimEntry = file.incidents.filter { $0.reportedBy == .victim }.map(\.occurredAt.epochMilliseconds).max()
        return .init(deadlines: deadlines, payments: payments, refreshDay: finder.refreshDay(of: file, after: day),
                     lastVictimEntry: lastVictimEntry)
    }

    /// Writes the rows of these cases anew from their case files (a case that is gone loses its rows).
    public func rewrite(_ caseIDs: [UUID], on day: LocalDate) async throws {
        let tables = WorklistTables(db: db)
        for chunk in caseIDs.chunks(of: 200) {
            let files = try await CaseFileStore(db: db).caseFiles(ids: chunk)
            for id in chunk where files[id] == nil { try await tables.remove(caseID: id) }
            try await tables.rewrite(chunk.compactMap { id in
                files[id].map { entry($0.0, $0.1, on: day) }
            }, keepingFrom: day)
        }
    }

    /// Makes again the rows of the cases whose refresh day has come, and forgets the deadlines
    /// no longer listed. Returns how many cases were made again.
    @discardableResult
    public func refresh(on day: LocalDate) async throws -> Int {
        let due = try await WorklistTables(db: db).casesToRefresh(on: day)
        try await rewrite(due, on: day)
        try await WorklistTables(db: db).prune(before: day)
        return due.count
    }

    /// Every case's rows anew, a few hundred cases at a time.
    public func rebuild(on day: LocalDate) async throws -> Int {
        try await WorklistTables(db: db).removeAll()
        var count = 0
        try await CaseFileStore(db: db).forEachPageOfCaseFiles(pageSize: 500) { page in
            try await WorklistTables(db: db).rewrite(page.map { entry($0.0, $0.1, on: day) }, keepingFrom: day)
            count += page.count
        }
        return count
    }

    func entry(_ summary: CaseSummary, _ file: CaseFile, on day: LocalDate) -> WorklistTables.CaseEntry {
        WorklistTables.CaseEntry(caseID: summary.id, unit: summary.unit, number: summary.number, rows: rows(of: file, on: day))
    }

    /// The cases whose stored rows are not what their case files give on the day they were made
    /// (`day` for the deadlines still listed), leaving out `pending` (changed since the
    /// projection last read the audit log).
    public func disagreements(on day: LocalDate, pending: Set<UUID>) async throws -> [UUID] {
        var wrong: [UUID] = []
        var seen = Set<UUID>()
        let tables = WorklistTables(db: db)
        try await CaseFileStore(db: db).forEachCaseFile(pageSize: 500) { summary, file in
            seen.insert(summary.id)
            guard !pending.contains(summary.id) else { return }
            guard let (unit, stored) = try await tables.stored(caseID: summary.id), unit == summary.unit else {
                wrong.append(summary.id); return
            }
            let expected = rows(of: file, on: day)
            // deadline rows are made on the day of the case's last change: compare what is listed from today on
            let listed = { (rows: [WorklistTables.DeadlineRow]) in
                Set(rows.filter { ($0.listedUntil ?? day) >= day }.map { row -> WorklistTables.DeadlineRow in
                    var row = row; row.listedFrom = max(row.listedFrom, day); return row
                })
            }
            if listed(stored.deadlines) != listed(expected.deadlines) || Set(stored.payments) != Set(expected.payments)
                || stored.lastVictimEntry != expected.lastVictimEntry {
                wrong.append(summary.id)
            }
        }
        for id in try await tables.projectedCases() where !seen.contains(id) && !pending.contains(id) { wrong.append(id) }
        return wrong
    }
}

extension WorklistProjection {
    /// Makes again, before a worklist of `day` is read, the rows of the cases whose day has come
    /// and that the daily refresh has not reached yet (just after midnight): usually none, one
    /// indexed read.
    public func refreshIfDue(on day: LocalDate) async throws {
        let due = try await WorklistTables(db: db).casesToRefresh(on: day)
        if !due.isEmpty { try await rewrite(due, on: day) }
    }
}
