import Domain
import Fluent
import Foundation
import SQLKit

/// The worklist projections' tables (`projected_cases`, `projected_deadlines`,
/// `projected_payments`): what each case gives the dashboard, the deadlines and the Fund ledger,
/// written per case and read by indexed range queries with keyset pagination. What the rows hold
/// is decided above the store (the law says what a deadline is); here they are only kept and read.
public struct WorklistTables: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// A deadline with the days it is listed on: from `listedFrom`, through `listedUntil` (nil:
    /// for good), once `due` is at most `windowDays` away (nil: any).
    public struct DeadlineRow: Sendable, Equatable, Hashable {
        public var kind: String
        public var record: String
        public var offence: String?
        public var due: LocalDate
        public var listedFrom: LocalDate
        public var listedUntil: LocalDate?
        public var windowDays: Int?
        public var text: String

        public init(kind: String, record: String, offence: String?, due: LocalDate, listedFrom: LocalDate,
                    listedUntil: LocalDate?, windowDays: Int?, text: String) {
            self.kind = kind; self.record = record; self.offence = offence; self.due = due
            self.listedFrom = listedFrom; self.listedUntil = listedUntil; self.windowDays = windowDays; self.text = text
        }
    }

    /// A payment a verdict imposes, whenever decided and paid.
    public struct PaymentRow: Sendable, Equatable, Hashable {
        public var verdict: String
        public var person: String
        public var iin: String?
        public var decided: LocalDate
        public var units: Int
        public var unitName: String
        public var amount: Int
        public var currency: String
        public var due: LocalDate
        public var paid: LocalDate?
        /// The day whose unit value converted the amount.
        public var valueDay: LocalDate?
        /// The unverified law figures the amount and the due date rest on.
        public var unverified: [String]
        /// The payment document's number, when the Fund recorded the payment.
        public var document: String?
        /// The court whose verdict imposed it.
        public var court: String?

        public init(verdict: String, person: String, iin: String?, decided: LocalDate, units: Int, unitName: String,
                    amount: Int, currency: String, due: LocalDate, paid: LocalDate?, valueDay: LocalDate? = nil, unverified: [String] = [],
                    document: String? = nil, court: String? = nil) {
            self.verdict = verdict; self.person = person; self.iin = iin; self.decided = decided; self.units = units
            self.unitName = unitName; self.amount = amount; self.currency = currency; self.due = due; self.paid = paid
            self.valueDay = valueDay; self.unverified = unverified; self.document = document; self.court = court
        }

        static func unverified(_ stored: String?) -> [String] { stored.map { $0.split(separator: ",").map(String.init) } ?? [] }

        var personKey: String { WorklistTables.personKey(iin: iin, name: person) }
    }

    /// What one case gives the worklists.
    public struct CaseRows: Sendable, Equatable {
        public var deadlines: [DeadlineRow]
        public var payments: [PaymentRow]
        /// The day the rows must be made again though nothing was written (a record dated then).
        public var refreshDay: LocalDate?
        /// When the victim's latest own entry happened (epoch milliseconds).
        public var lastVictimEntry: Int64?

        public init(deadlines: [DeadlineRow], payments: [PaymentRow], refreshDay: LocalDate?, lastVictimEntry: Int64?) {
            self.deadlines = deadlines; self.payments = payments; self.refreshDay = refreshDay; self.lastVictimEntry = lastVictimEntry
        }
    }

    /// A deadline row as listed, with its case.
    public struct Listed: Sendable, Equatable {
        public var caseID: UUID
        public var caseNumber: String?
        public var row: DeadlineRow
    }

    /// A payment row as listed, with its case.
    public struct Payment: Sendable, Equatable {
        public var caseID: UUID
        public var caseNumber: String?
        public var row: PaymentRow
    }

    /// Where a page of deadlines ended: the next page starts after it.
    public struct DeadlineCursor: Sendable, Equatable {
        public var due: Int, caseID: UUID, kind: String, record: String
        public init(due: Int, caseID: UUID, kind: String, record: String) { self.due = due; self.caseID = caseID; self.kind = kind; self.record = record }
    }

    /// Where a page of payments ended.
    public struct PaymentCursor: Sendable, Equatable {
        public var decided: Int, caseID: UUID, verdict: String
        public init(decided: Int, caseID: UUID, verdict: String) { self.decided = decided; self.caseID = caseID; self.verdict = verdict }
    }

    /// The "for good" of `listedUntil`, stored so that one indexed comparison finds what is still listed.
    static let forGood = Int(Int32.max)

    // MARK: writing

    /// A case's rows with what every row of it repeats.
    public struct CaseEntry: Sendable {
        public var caseID: UUID, unit: String?, number: String?, rows: CaseRows
        public init(caseID: UUID, unit: String?, number: String?, rows: CaseRows) {
            self.caseID = caseID; self.unit = unit; self.number = number; self.rows = rows
        }
    }

    /// Writes a case's rows anew. Deadlines no longer listed on `from` or later are not kept: a
    /// worklist of an earlier day is computed from the case files.
    public func rewrite(caseID: UUID, unit: String?, number: String?, rows: CaseRows, keepingFrom from: LocalDate) async throws {
        try await rewrite([CaseEntry(caseID: caseID, unit: unit, number: number, rows: rows)], keepingFrom: from)
    }

    /// Writes the rows of many cases anew in one transaction (a rebuild, a catch-up after an
    /// import): one commit, and a few statements for all of them, rather than a few per case.
    public func rewrite(_ cases: [CaseEntry], keepingFrom from: LocalDate) async throws {
        guard !cases.isEmpty else { return }
        try await db.transaction { tx in
            let sql = try Self.sql(tx)
            try await Self.delete(cases.map(\.caseID), sql)
            for chunk in cases.chunks(of: 500) {
                var insert = sql.insert(into: "projected_cases").columns("case_id", "unit", "refresh_day", "last_victim_entry_ms")
                for c in chunk {
                    insert = insert.values(SQLBind(c.caseID), SQLBind(c.unit), SQLBind(c.rows.refreshDay?.daysSinceEpoch), SQLBind(c.rows.lastVictimEntry))
                }
                try await insert.run()
            }
            let deadlines = cases.flatMap { c in c.rows.deadlines.filter { ($0.listedUntil ?? from) >= from }.map { (c, $0) } }
            for chunk in deadlines.chunks(of: 200) {
                var insert = sql.insert(into: "projected_deadlines").columns(
                    "case_id", "unit", "case_number", "kind", "record", "offence", "due_day", "listed_from", "listed_until", "window_days", "text")
                for (c, row) in chunk {
                    insert = insert.values(
                        SQLBind(c.caseID), SQLBind(c.unit), SQLBind(c.number), SQLBind(row.kind), SQLBind(row.record), SQLBind(row.offence),
                        SQLBind(row.due.daysSinceEpoch), SQLBind(row.listedFrom.daysSinceEpoch),
                        SQLBind(row.listedUntil?.daysSinceEpoch ?? Self.forGood), SQLBind(row.windowDays), SQLBind(row.text))
                }
                try await insert.run()
            }
            let payments = cases.flatMap { c in c.rows.payments.map { (c, $0) } }
            for chunk in payments.chunks(of: 200) {
                var insert = sql.insert(into: "projected_payments").columns(
                    "case_id", "unit", "case_number", "verdict", "person", "iin", "person_key", "decided_day", "units", "unit_name",
                    "amount", "currency", "due_day", "paid_day", "value_day", "unverified", "document", "court")
                for (c, row) in chunk {
                    insert = insert.values(
                        SQLBind(c.caseID), SQLBind(c.unit), SQLBind(c.number), SQLBind(row.verdict), SQLBind(row.person), SQLBind(row.iin),
                        SQLBind(row.personKey), SQLBind(row.decided.daysSinceEpoch), SQLBind(row.units), SQLBind(row.unitName),
                        SQLBind(Int64(row.amount)), SQLBind(row.currency), SQLBind(row.due.daysSinceEpoch), SQLBind(row.paid?.daysSinceEpoch),
                        SQLBind(row.valueDay?.daysSinceEpoch), SQLBind(row.unverified.isEmpty ? nil : row.unverified.joined(separator: ",")),
                        SQLBind(row.document), SQLBind(row.court))
                }
                try await insert.run()
            }
        }
    }

    /// Removes a case's rows (a case that is gone).
    public func remove(caseID: UUID) async throws {
        try await db.transaction { tx in try await Self.delete([caseID], try Self.sql(tx)) }
    }

    /// Every row of every case removed (before a rebuild).
    public func removeAll() async throws {
        let sql = try Self.sql(db)
        for table in ["projected_deadlines", "projected_payments", "projected_cases"] { try await sql.delete(from: table).run() }
    }

    /// Forgets the deadlines no longer listed on `day` or later.
    public func prune(before day: LocalDate) async throws {
        try await Self.sql(db).delete(from: "projected_deadlines").where("listed_until", .lessThan, day.daysSinceEpoch).run()
    }

    /// The cases whose rows are due to be made again on `day` (a record dated on or before it).
    public func casesToRefresh(on day: LocalDate) async throws -> [UUID] {
        struct Row: Decodable { var case_id: UUID }
        return try await Self.sql(db).select().column("case_id").from("projected_cases")
            .where("refresh_day", .lessThanOrEqual, day.daysSinceEpoch).all(decoding: Row.self).map(\.case_id)
    }

    private static func delete(_ caseIDs: [UUID], _ sql: any SQLDatabase) async throws {
        for chunk in caseIDs.chunks(of: 500) {
            for table in ["projected_deadlines", "projected_payments", "projected_cases"] {
                try await sql.delete(from: table).where("case_id", .in, chunk).run()
            }
        }
    }

    // MARK: reading

    /// The deadlines listed on `day` in the cases in scope (of one unit if given) due within
    /// `within` days (any, if nil), by due day, `limit` at most, after `cursor`.
    public func deadlines(scope: CaseScope, unit: String? = nil, on day: LocalDate, within: Int? = nil,
                          limit: Int, after cursor: DeadlineCursor? = nil) async throws -> [Listed] {
        guard scope.mayHoldAny else { return [] }
        let d = day.daysSinceEpoch
        var select = try Self.sql(db).select()
            .columns("case_id", "case_number", "kind", "record", "offence", "due_day", "listed_from", "listed_until", "window_days", "text")
            .from("projected_deadlines")
            .where("listed_from", .lessThanOrEqual, d).where("listed_until", .greaterThanOrEqual, d)
            .where(SQLQueryString("(window_days IS NULL OR due_day <= \(bind: d) + window_days)"))
        if let within { select = select.where("due_day", .lessThanOrEqual, d + within) }
        if let unit { select = select.where("unit", .equal, unit) }
        select = select.within(scope)
        if let cursor {
            select = select.where(SQLQueryString(
                "(due_day, case_id, kind, record) > (\(bind: cursor.due), \(bind: cursor.caseID), \(bind: cursor.kind), \(bind: cursor.record))"))
        }
        struct Row: Decodable {
            var case_id: UUID; var case_number: String?; var kind: String; var record: String; var offence: String?
            var due_day: Int; var listed_from: Int; var listed_until: Int; var window_days: Int?; var text: String
        }
        return try await select.orderBy("due_day").orderBy("case_id").orderBy("kind").orderBy("record").limit(limit)
            .all(decoding: Row.self).map { row in
                Listed(caseID: row.case_id, caseNumber: row.case_number, row: DeadlineRow(
                    kind: row.kind, record: row.record, offence: row.offence, due: LocalDate(daysSinceEpoch: row.due_day),
                    listedFrom: LocalDate(daysSinceEpoch: row.listed_from),
                    listedUntil: row.listed_until == Self.forGood ? nil : LocalDate(daysSinceEpoch: row.listed_until),
                    windowDays: row.window_days, text: row.text))
            }
    }

    /// What a payment is on a day.
    public enum PaymentStatus: String, Sendable { case paid, due, overdue }

    /// The payments decided by `day` in one currency, in the order of the decision, `limit` at
    /// most, after `cursor`; of one status on that day if given.
    public func payments(on day: LocalDate, currency: String, status: PaymentStatus? = nil, decidedFrom: LocalDate? = nil,
                         limit: Int, after cursor: PaymentCursor? = nil) async throws -> [Payment] {
        try await payments(on: day, currency: currency, filter: PaymentFilter(status: status, decidedFrom: decidedFrom), limit: limit, after: cursor)
    }

    /// Which payments a view of the ledger shows: of a status on the day, decided from a day, by
    /// one court, of the cases of some units (a region's). Nil: any.
    public struct PaymentFilter: Sendable, Equatable {
        public var status: PaymentStatus?, decidedFrom: LocalDate?, court: String?, units: [String]?
        public init(status: PaymentStatus? = nil, decidedFrom: LocalDate? = nil, court: String? = nil, units: [String]? = nil) {
            self.status = status; self.decidedFrom = decidedFrom; self.court = court; self.units = units
        }

        func apply(to select: SQLSelectBuilder, day d: Int) -> SQLSelectBuilder {
            var select = select
            if let decidedFrom { select = select.where("decided_day", .greaterThanOrEqual, decidedFrom.daysSinceEpoch) }
            if let status { select = select.where(WorklistTables.condition(status, d)) }
            if let court { select = select.where("court", .equal, court) }
            if let units { select = units.isEmpty ? select.where(SQLRaw("1 = 0")) : select.where("unit", .in, units) }
            return select
        }
    }

    public func payments(on day: LocalDate, currency: String, filter: PaymentFilter,
                         limit: Int, after cursor: PaymentCursor? = nil) async throws -> [Payment] {
        let d = day.daysSinceEpoch
        var select = try Self.sql(db).select()
            .columns("case_id", "case_number", "verdict", "person", "iin", "decided_day", "units", "unit_name", "amount", "currency",
                     "due_day", "paid_day", "value_day", "unverified", "document", "court")
            .from("projected_payments")
            .where("decided_day", .lessThanOrEqual, d).where("currency", .equal, currency)
        select = filter.apply(to: select, day: d)
        if let cursor {
            select = select.where(SQLQueryString(
                "(decided_day, case_id, verdict) > (\(bind: cursor.decided), \(bind: cursor.caseID), \(bind: cursor.verdict))"))
        }
        struct Row: Decodable {
            var case_id: UUID; var case_number: String?; var verdict: String; var person: String; var iin: String?
            var decided_day: Int; var units: Int; var unit_name: String; var amount: Int64; var currency: String
            var due_day: Int; var paid_day: Int?; var value_day: Int?; var unverified: String?; var document: String?; var court: String?
        }
        return try await select.orderBy("decided_day").orderBy("case_id").orderBy("verdict").limit(limit)
            .all(decoding: Row.self).map { row in
                Payment(caseID: row.case_id, caseNumber: row.case_number, row: PaymentRow(
                    verdict: row.verdict, person: row.person, iin: row.iin, decided: LocalDate(daysSinceEpoch: row.decided_day),
                    units: row.units, unitName: row.unit_name, amount: Int(row.amount), currency: row.currency,
                    due: LocalDate(daysSinceEpoch: row.due_day), paid: row.paid_day.map(LocalDate.init(daysSinceEpoch:)),
                    valueDay: row.value_day.map(LocalDate.init(daysSinceEpoch:)), unverified: PaymentRow.unverified(row.unverified),
                           document: row.document, court: row.court))
            }
    }

    /// The courts whose verdicts imposed payments, by name.
    public func courts() async throws -> [String] {
        struct Row: Decodable { var court: String? }
        return try await Self.sql(db).select().distinct().column("court").from("projected_payments")
            .where("court", .isNot, SQLLiteral.null).orderBy("court").all(decoding: Row.self).compactMap(\.court)
    }

    /// Sums of the payments decided by `day`: owed, paid, outstanding and overdue on that day.
    public struct Sums: Sendable, Equatable {
        public var owed = 0, paid = 0, outstanding = 0, overdue = 0
        public init(owed: Int = 0, paid: Int = 0, outstanding: Int = 0, overdue: Int = 0) {
            self.owed = owed; self.paid = paid; self.outstanding = outstanding; self.overdue = overdue
        }
    }

    /// The sums of the whole ledger on `day`, and of each person among `persons` (person keys as
    /// `personKey(iin:name:)` makes them).
    public func sums(on day: LocalDate, currency: String, filter: PaymentFilter = PaymentFilter(),
                     persons: Set<String>? = nil) async throws -> (all: Sums, byPerson: [String: Sums]) {
        let d = day.daysSinceEpoch
        struct Row: Decodable { var person_key: String?; var owed: Int64?; var paid: Int64?; var overdue: Int64? }
        func sums(_ row: Row) -> Sums {
            let owed = Int(row.owed ?? 0), paid = Int(row.paid ?? 0)
            return Sums(owed: owed, paid: paid, outstanding: owed - paid, overdue: Int(row.overdue ?? 0))
        }
        func select(_ columns: String) throws -> SQLSelectBuilder {
            try Self.sql(db).select()
                // cast: PostgreSQL sums a bigint as numeric
                .column(SQLRaw(columns + "CAST(SUM(amount) AS BIGINT) AS owed, "
                    + "CAST(SUM(CASE WHEN paid_day IS NOT NULL AND paid_day <= \(d) THEN amount ELSE 0 END) AS BIGINT) AS paid, "
                    + "CAST(SUM(CASE WHEN (paid_day IS NULL OR paid_day > \(d)) AND due_day < \(d) THEN amount ELSE 0 END) AS BIGINT) AS overdue"))
                .from("projected_payments").where("decided_day", .lessThanOrEqual, d).where("currency", .equal, currency)
        }
        let all = try await filter.apply(to: select(""), day: d).first(decoding: Row.self).map(sums) ?? Sums()
        var byPerson: [String: Sums] = [:]
        if let persons, !persons.isEmpty {
            for chunk in Array(persons).chunks(of: 500) {
                for row in try await select("person_key, ").where("person_key", .in, chunk).groupBy("person_key").all(decoding: Row.self) {
                    if let key = row.person_key { byPerson[key] = sums(row) }
                }
            }
        }
        return (all, byPerson)
    }

    /// Whose payments are summed together: the IIN when known, else the name.
    public static func personKey(iin: String?, name: String) -> String { iin.map { "iin:" + $0 } ?? "name:" + name }

    /// The cases in scope in which the victim wrote since `since` (epoch milliseconds), latest first, `limit` at most.
    public func casesWithVictimEntries(scope: CaseScope, since: Int64, limit: Int) async throws -> [UUID] {
        guard scope.mayHoldAny else { return [] }
        struct Row: Decodable { var case_id: UUID }
        return try await Self.sql(db).select().column("case_id").from("projected_cases")
            .where("last_victim_entry_ms", .greaterThanOrEqual, since).within(scope)
            .orderBy("last_victim_entry_ms", .descending).limit(limit).all(decoding: Row.self).map(\.case_id)
    }

    /// A case's rows as stored (deadlines no longer listed are not), for checking them against its case file.
    public func stored(caseID: UUID) async throws -> (unit: String?, rows: CaseRows)? {
        let sql = try Self.sql(db)
        struct CaseRow: Decodable { var unit: String?; var refresh_day: Int?; var last_victim_entry_ms: Int64? }
        guard let head = try await sql.select().columns("unit", "refresh_day", "last_victim_entry_ms").from("projected_cases")
            .where("case_id", .equal, caseID).first(decoding: CaseRow.self) else { return nil }
        let deadlines = try await deadlineRows(caseID: caseID)
        let payments = try await paymentRows(caseID: caseID)
        return (head.unit, CaseRows(deadlines: deadlines, payments: payments,
                                    refreshDay: head.refresh_day.map(LocalDate.init(daysSinceEpoch:)), lastVictimEntry: head.last_victim_entry_ms))
    }

    /// The ids of the cases that have rows.
    public func projectedCases() async throws -> Set<UUID> {
        struct Row: Decodable { var case_id: UUID }
        return Set(try await Self.sql(db).select().column("case_id").from("projected_cases").all(decoding: Row.self).map(\.case_id))
    }

    private func deadlineRows(caseID: UUID) async throws -> [DeadlineRow] {
        struct Row: Decodable {
            var kind: String; var record: String; var offence: String?; var due_day: Int; var listed_from: Int; var listed_until: Int
            var window_days: Int?; var text: String
        }
        return try await Self.sql(db).select()
            .columns("kind", "record", "offence", "due_day", "listed_from", "listed_until", "window_days", "text")
            .from("projected_deadlines").where("case_id", .equal, caseID).all(decoding: Row.self).map { row in
                DeadlineRow(kind: row.kind, record: row.record, offence: row.offence, due: LocalDate(daysSinceEpoch: row.due_day),
                            listedFrom: LocalDate(daysSinceEpoch: row.listed_from),
                            listedUntil: row.listed_until == Self.forGood ? nil : LocalDate(daysSinceEpoch: row.listed_until),
                            windowDays: row.window_days, text: row.text)
            }
    }

    private func paymentRows(caseID: UUID) async throws -> [PaymentRow] {
        struct Row: Decodable {
            var verdict: String; var person: String; var iin: String?; var decided_day: Int; var units: Int; var unit_name: String
            var amount: Int64; var currency: String; var due_day: Int; var paid_day: Int?; var value_day: Int?; var unverified: String?; var document: String?
            var court: String?
        }
        return try await Self.sql(db).select()
            .columns("verdict", "person", "iin", "decided_day", "units", "unit_name", "amount", "currency", "due_day", "paid_day",
                     "value_day", "unverified", "document", "court")
            .from("projected_payments").where("case_id", .equal, caseID).all(decoding: Row.self).map { row in
                PaymentRow(verdict: row.verdict, person: row.person, iin: row.iin, decided: LocalDate(daysSinceEpoch: row.decided_day),
                           units: row.units, unitName: row.unit_name, amount: Int(row.amount), currency: row.currency,
                           due: LocalDate(daysSinceEpoch: row.due_day), paid: row.paid_day.map(LocalDate.init(daysSinceEpoch:)),
                           valueDay: row.value_day.map(LocalDate.init(daysSinceEpoch:)), unverified: PaymentRow.unverified(row.unverified),
                           document: row.document, court: row.court)
            }
    }

    static func condition(_ status: PaymentStatus, _ d: Int) -> SQLQueryString {
        switch status {
        case .paid: return "(paid_day IS NOT NULL AND paid_day <= \(bind: d))"
        case .due: return "((paid_day IS NULL OR paid_day > \(bind: d)) AND due_day >= \(bind: d))"
        case .overdue: return "((paid_day IS NULL OR paid_day > \(bind: d)) AND due_day < \(bind: d))"
        }
    }

    static func sql(_ db: any Database) throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw AuditChainError.notSQL }
        return sql
    }
}

extension CaseScope {
    /// False for a scope of no unit and no case: nothing to read.
    var mayHoldAny: Bool {
        if case .limited(let units, let cases) = self, units.isEmpty, cases.isEmpty { return false }
        return true
    }
}

extension SQLSelectBuilder {
    /// Keeps the rows of the cases in scope: of its units (a `unit` column) or granted (`case_id`).
    func within(_ scope: CaseScope) -> SQLSelectBuilder {
        guard case .limited(let units, let cases) = scope else { return self }
        return self.where { group in
            var group = group
            if !units.isEmpty { group = group.orWhere("unit", .in, Array(units)) }
            if !cases.isEmpty { group = group.orWhere("case_id", .in, Array(cases)) }
            return group
        }
    }
}
