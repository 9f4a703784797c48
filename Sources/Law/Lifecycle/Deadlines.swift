import Domain

/// A case file with its identity in the database, for reports across cases.
public struct CaseRef: Sendable {
    public var id: String
    public var number: String?
    public var file: CaseFile

    public init(id: String, number: String?, file: CaseFile) { self.id = id; self.number = number; self.file = file }
}

/// Something that lapses unless someone acts: an order about to expire, an episode about to be
/// time-barred, a mandatory payment overdue.
public struct Deadline: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case orderExpiring, episodeTimeBar, paymentOverdue, riskReassessment }

    public var kind: Kind
    public var caseId: String
    public var caseNumber: String?
    /// The order, incident or verdict concerned (case-file id).
    public var record: String
    public var offence: String?
    public var due: LocalDate
    public var daysLeft: Int
    public var text: String
}

/// Finds the deadlines of cases at a date.
public struct DeadlineFinder: Sendable {
    public var packs: PackLibrary
    /// How far ahead to look for expiring orders and limitation dates.
    public var orderWindowDays = 7
    public var limitationWindowDays = 30
    /// Risk assessments due within this many days are listed (and every overdue one).
    public var riskWindowDays = 7
    /// The risk instruments; without them no risk deadline is listed.
    public var risk: RiskLibrary?

    public init(packs: PackLibrary, risk: RiskLibrary? = try? RiskLibrary.loaded()) { self.packs = packs; self.risk = risk }

    public func deadlines(_ cases: [CaseRef], at date: LocalDate) -> [Deadline] {
        var found: [Deadline] = []
        for ref in cases {
            guard let pack = packs[ref.file.jurisdiction] else { continue }
            let days = LegalDayCalendar(timeZone: pack.timeZone)
            func add(_ kind: Deadline.Kind, _ record: String, _ offence: String?, _ due: LocalDate, _ text: String) {
                found.append(Deadline(kind: kind, caseId: ref.id, caseNumber: ref.number, record: record, offence: offence,
                                      due: due, daysLeft: due.daysSinceEpoch - date.daysSinceEpoch, text: text))
            }
            for order in ref.file.protectiveOrders {
                let until = days.date(of: order.validUntil)
                if days.date(of: order.issuedAt) <= date, until >= date, until.daysSinceEpoch - date.daysSinceEpoch <= orderWindowDays {
                    add(.orderExpiring, order.id, nil, until, "\(order.type.rawValue) \(order.id) expires on \(until)")
                }
            }
            guard let assessment = try? packs.assessor(for: pack.code).assess(ref.file, at: date) else { continue }
            let charged = Set(ref.file.criminalProceedings.map(\.article))
            for offence in assessment.offences where !charged.contains(offence.offence) {
                for episode in offence.limitation.byEpisode
                where episode.expires.daysSinceEpoch - date.daysSinceEpoch <= limitationWindowDays {
                    let (incident, expiry) = (episode.incident, episode.expires)
                    add(.episodeTimeBar, incident, offence.offence, expiry,
                        "episode \(incident) can be charged under \(offence.offence) until \(expiry)")
                }
            }
            if let risk, let status = try? RiskEvaluator(library: risk).status(of: ref.file, at: days.endOfDay(date)),
               let due = status.due, let reason = status.reasons.first {
                let dueDay = days.date(of: due)
                if dueDay.daysSinceEpoch - date.daysSinceEpoch <= riskWindowDays {
                    add(.riskReassessment, status.assessment ?? "risk", nil, dueDay,
                        "risk (\(status.level.rawValue)) to be assessed by \(dueDay): \(reason.text)")
                }
            }
            for entry in FundLedger(packs: packs).entries([ref], at: date) where entry.status == .overdue {
                add(.paymentOverdue, entry.verdict, nil, entry.dueDate,
                    "mandatory payment of \(entry.units) \(entry.unit) (\(entry.amount) \(entry.currency)) was due on \(entry.dueDate)")
            }
        }
        return found.sorted { ($0.due, $0.caseId, $0.record) < ($1.due, $1.caseId, $1.record) }
    }
}
