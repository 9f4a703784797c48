import Domain

/// The Victims Compensation Fund's view: what each convicted person owes, what was paid and when,
/// and what is overdue, in the statutory unit and in money. Which day's unit value converts it,
/// and from when and in how many days it is due, are the pack's figures; an entry names those of
/// them that are unverified, so an overdue payment resting on them says so.
public struct FundLedger: Sendable {
    public var packs: PackLibrary

    public init(packs: PackLibrary) { self.packs = packs }

    public struct Entry: Codable, Equatable, Sendable {
        public enum Status: String, Codable, Sendable, CaseIterable { case paid, due, overdue }

        public var caseId: String
        public var caseNumber: String?
        public var verdict: String
        /// The convicted person: the case's respondent, by name and IIN when known.
        public var person: String
        public var iin: String?
        public var decidedAt: LocalDate
        public var units: Int
        public var unit: String
        public var amount: Int
        public var currency: String
        public var dueDate: LocalDate
        public var paidAt: LocalDate?
        public var status: Status
        /// The day whose unit value converted `amount`.
        public var unitValueDate: LocalDate?
        /// The unverified figures the amount and the due date rest on (`mandatoryPayment.dueDays`, …).
        public var unverified: [String]
        /// The payment document's number, when the Fund recorded it.
        public var document: String?
        /// The court whose verdict imposed the payment.
        public var court: String?

        public init(caseId: String, caseNumber: String?, verdict: String, person: String, iin: String?, decidedAt: LocalDate, units: Int, unit: String, amount: Int, currency: String, dueDate: LocalDate, paidAt: LocalDate?, status: Status,
                    unitValueDate: LocalDate? = nil, unverified: [String] = [], document: String? = nil, court: String? = nil) {
            self.caseId = caseId; self.caseNumber = caseNumber; self.verdict = verdict; self.person = person; self.iin = iin; self.decidedAt = decidedAt; self.units = units; self.unit = unit; self.amount = amount; self.currency = currency; self.dueDate = dueDate; self.paidAt = paidAt; self.status = status
            self.unitValueDate = unitValueDate; self.unverified = unverified; self.document = document; self.court = court
        }
    }

    public struct PersonTotal: Codable, Equatable, Sendable {
        public var person: String
        public var iin: String?
        public var owed: Int
        public var paid: Int
        public var outstanding: Int
        public var overdue: Int

        public init(person: String, iin: String?, owed: Int, paid: Int, outstanding: Int, overdue: Int) {
            self.person = person; self.iin = iin; self.owed = owed; self.paid = paid; self.outstanding = outstanding; self.overdue = overdue
        }
    }

    public struct Report: Codable, Equatable, Sendable {
        public var at: LocalDate
        public var currency: String
        public var entries: [Entry]
        public var persons: [PersonTotal]
        public var owed: Int
        public var paid: Int
        public var outstanding: Int
        public var overdue: Int
        /// Where the next page of entries starts, when the ledger is read a page at a time.
        public var nextCursor: String?

        public init(at: LocalDate, currency: String, entries: [Entry], persons: [PersonTotal], owed: Int, paid: Int, outstanding: Int, overdue: Int,
                    nextCursor: String? = nil) {
            self.nextCursor = nextCursor
            self.at = at; self.currency = currency; self.entries = entries; self.persons = persons; self.owed = owed; self.paid = paid; self.outstanding = outstanding; self.overdue = overdue
        }
    }

    public func entries(_ cases: [CaseRef], at date: LocalDate) -> [Entry] {
        var entries: [Entry] = []
        for ref in cases {
            for var entry in self.entries(of: ref.file, caseId: ref.id, caseNumber: ref.number) where entry.decidedAt <= date {
                if let paid = entry.paidAt, paid > date { entry.paidAt = nil; entry.document = nil }
                entry.status = entry.paidAt != nil ? .paid : date > entry.dueDate ? .overdue : .due
                entries.append(entry)
            }
        }
        return entries.sorted { ($0.decidedAt, $0.caseId, $0.verdict) < ($1.decidedAt, $1.caseId, $1.verdict) }
    }

    /// Every payment a case file's verdicts impose, whenever decided or paid (status: paid or due;
    /// `entries(_:at:)` says which on a day). A projection of them answers the ledger of any day.
    public func entries(of file: CaseFile, caseId: String, caseNumber: String?) -> [Entry] {
        guard let pack = packs[file.jurisdiction], let rule = pack.mandatoryPayment, let unit = pack.unit else { return [] }
        let days = LegalDayCalendar(timeZone: pack.timeZone)
        let respondent = file.persons.first { $0.role == .respondent }
        var entries: [Entry] = []
        for verdict in file.verdicts where verdict.outcome == .guilty {
            guard let payment = verdict.mandatoryPayment else { continue }
            let decided = days.date(of: verdict.decidedAt)
            let final = VerdictCover.entryIntoForce(verdict, legalDays: days, rules: pack.verdicts)
            var unverified: [String] = []
            /// The day a figure names (`verdict` or `final`), noting the figures it rests on.
            func day(_ figure: Figure<String>?, _ name: String) -> LocalDate {
                if let figure, !figure.verified { unverified.append("mandatoryPayment.\(name)") }
                guard figure?.value == "final" else { return decided }
                if verdict.enteredIntoForce == nil, pack.verdicts?.appealDays.verified == false, !unverified.contains("verdicts.appealDays") {
                    unverified.append("verdicts.appealDays")
                }
                return final
            }
            let valueDay = day(rule.unitValueOn, "unitValueOn")
            let value = unit.value(on: valueDay)
            if let value, !value.verified { unverified.append("\(unit.id).\(value.from.year)") }
            let dueFrom = day(rule.dueFrom, "dueFrom")
            if let dueDays = rule.dueDays, !dueDays.verified { unverified.append("mandatoryPayment.dueDays") }
            if let units = rule.byCategory[category(of: verdict, in: file, pack: pack)], !units.verified, units.value == payment.mrp {
                unverified.append("mandatoryPayment.amount")
            }
            let paid = payment.paidAt.map { days.date(of: $0) }
            entries.append(Entry(caseId: caseId, caseNumber: caseNumber, verdict: verdict.id,
                                 person: respondent?.name ?? "unknown", iin: respondent?.iin, decidedAt: decided,
                                 units: payment.mrp, unit: unit.id, amount: payment.mrp * (value?.value ?? 0), currency: pack.currency,
                                 dueDate: dueFrom.adding(days: rule.dueDays?.value ?? 0), paidAt: paid, status: paid != nil ? .paid : .due,
                                 unitValueDate: valueDay, unverified: unverified, document: payment.document, court: verdict.court))
        }
        return entries
    }

    /// Whether an unverified figure bears on when a payment is due (not on its amount).
    public static func concernsDueDate(_ figure: String) -> Bool {
        figure.hasPrefix("mandatoryPayment.due") || figure.hasPrefix("verdicts.")
    }

    /// " (by unverified figures: …)" when there are any.
    public static func restsOn(_ figures: [String]) -> String {
        figures.isEmpty ? "" : " (by unverified figures: \(figures.joined(separator: ", ")))"
    }

    /// The category of the offence a verdict's proceeding was under.
    func category(of verdict: Verdict, in file: CaseFile, pack: JurisdictionPack) -> String {
        let article = file.criminalProceedings.first { $0.id == verdict.proceeding }?.article
        return article.flatMap { pack.offence($0)?.category } ?? ""
    }

    /// The ledger in one currency (the Fund's: KZT).
    public func report(_ cases: [CaseRef], at date: LocalDate, currency: String = "KZT") -> Report {
        let entries = self.entries(cases, at: date).filter { $0.currency == currency }
        func sum(_ items: [Entry], _ keep: (Entry) -> Bool) -> Int { items.filter(keep).reduce(0) { $0 + $1.amount } }
        let byPerson = Dictionary(grouping: entries) { $0.iin ?? $0.person }
        let persons = byPerson.values.map { items in
            PersonTotal(person: items[0].person, iin: items[0].iin, owed: sum(items) { _ in true },
                        paid: sum(items) { $0.status == .paid }, outstanding: sum(items) { $0.status != .paid },
                        overdue: sum(items) { $0.status == .overdue })
        }.sorted { ($0.person, $0.iin ?? "") < ($1.person, $1.iin ?? "") }
        return Report(at: date, currency: currency, entries: entries, persons: persons, owed: sum(entries) { _ in true },
                      paid: sum(entries) { $0.status == .paid }, outstanding: sum(entries) { $0.status != .paid },
                      overdue: sum(entries) { $0.status == .overdue })
    }
}
