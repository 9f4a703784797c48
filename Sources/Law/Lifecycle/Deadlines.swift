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

    public init(kind: Kind, caseId: String, caseNumber: String?, record: String, offence: String?, due: LocalDate, daysLeft: Int, text: String) {
        self.kind = kind; self.caseId = caseId; self.caseNumber = caseNumber; self.record = record; self.offence = offence
        self.due = due; self.daysLeft = daysLeft; self.text = text
    }
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
            for candidate in candidates(ref.file, on: date) where candidate.isListed(on: date) {
                found.append(candidate.deadline(caseId: ref.id, caseNumber: ref.number, on: date))
            }
        }
        return found.sorted { ($0.due, $0.caseId, $0.kind.rawValue, $0.record) < ($1.due, $1.caseId, $1.kind.rawValue, $1.record) }
    }

    /// Every deadline a case file gives on `day` and on the days after it, each with the days it
    /// is listed on: `deadlines(at:)` on any day from `day` on is these candidates listed on that
    /// day, until `refreshDay(of:after:)` (a record dated after `day` that the file already holds).
    /// So a projection of them answers a worklist of today with a range query.
    public func candidates(_ file: CaseFile, on day: LocalDate) -> [DeadlineCandidate] {
        guard let pack = packs[file.jurisdiction] else { return [] }
        let days = LegalDayCalendar(timeZone: pack.timeZone)
        var found: [DeadlineCandidate] = []
        for order in file.protectiveOrders {
            let until = days.date(of: order.validUntil)
            // a revoked order no longer expires: listed until the day before its revocation
            let last = order.revokedAt.map { min(until, days.date(of: $0).adding(days: -1)) } ?? until
            found.append(DeadlineCandidate(kind: .orderExpiring, record: order.id, offence: nil, due: until,
                                           text: "\(order.type.rawValue) \(order.id) expires on \(until)",
                                           listedFrom: days.date(of: order.issuedAt), listedUntil: last, windowDays: orderWindowDays))
        }
        if let assessment = try? packs.assessor(for: pack.code).assess(file, at: day) {
            // Every episode not yet judged, charged or not: its clock runs until a verdict enters
            // into force (then it is judged, from the day the file's refresh day names).
            for offence in assessment.offences {
                for episode in offence.limitation.byEpisode {
                    let (incident, expiry) = (episode.incident, episode.expires)
                    let text = offence.episodes.adjudicated.contains(incident)
                        ? "the verdict on episode \(incident) under \(offence.offence) must enter into force by \(expiry), or it is time-barred"
                        : "episode \(incident) can be charged under \(offence.offence) until \(expiry)"
                    found.append(DeadlineCandidate(kind: .episodeTimeBar, record: incident, offence: offence.offence, due: expiry,
                                                   text: text,
                                                   listedFrom: day, listedUntil: expiry, windowDays: limitationWindowDays))
                }
            }
        }
        if let risk, let status = try? RiskEvaluator(library: risk).status(of: file, at: days.endOfDay(day)),
           let due = status.due, let reason = status.reasons.first {
            let dueDay = days.date(of: due)
            found.append(DeadlineCandidate(kind: .riskReassessment, record: status.assessment ?? "risk", offence: nil, due: dueDay,
                                           text: "risk (\(status.level.rawValue)) to be assessed by \(dueDay): \(reason.text)",
                                           listedFrom: day, listedUntil: nil, windowDays: riskWindowDays))
        }
        for entry in FundLedger(packs: packs).entries(of: file, caseId: "", caseNumber: nil) {
            found.append(DeadlineCandidate(kind: .paymentOverdue, record: entry.verdict, offence: nil, due: entry.dueDate,
                                           text: "mandatory payment of \(entry.units) \(entry.unit) (\(entry.amount) \(entry.currency)) was due on \(entry.dueDate)"
                                               + FundLedger.restsOn(entry.unverified.filter(FundLedger.concernsDueDate)),
                                           listedFrom: entry.dueDate.adding(days: 1), listedUntil: entry.paidAt?.adding(days: -1), windowDays: nil))
        }
        return found
    }

    /// The first day after `day` on which the file's candidates may change with no write: the day
    /// of a record the file holds that is dated after `day` (an incident, a risk assessment, a
    /// verdict, a release after one). Nil when nothing is dated after `day`.
    public func refreshDay(of file: CaseFile, after day: LocalDate) -> LocalDate? {
        guard let pack = packs[file.jurisdiction] else { return nil }
        let days = LegalDayCalendar(timeZone: pack.timeZone)
        var instants = file.incidents.map(\.occurredAt) + (file.riskAssessments ?? []).map(\.assessedAt)
        var dates: [LocalDate] = []
        for verdict in file.verdicts {
            instants.append(verdict.decidedAt)
            if let release = RiskEvaluator.release(after: verdict) { instants.append(release) }
            dates.append(VerdictCover.entryIntoForce(verdict, legalDays: days, rules: pack.verdicts))
        }
        return (instants.map { days.date(of: $0) } + dates).filter { $0 > day }.min()
    }
}

/// A deadline as a case file gives it, with the days on which a worklist lists it.
public struct DeadlineCandidate: Sendable, Equatable {
    public var kind: Deadline.Kind
    public var record: String
    public var offence: String?
    public var due: LocalDate
    public var text: String
    /// Listed from this day on, through `listedUntil` when there is one, once it is due within `windowDays`.
    public var listedFrom: LocalDate
    public var listedUntil: LocalDate?
    public var windowDays: Int?

    public init(kind: Deadline.Kind, record: String, offence: String?, due: LocalDate, text: String,
                listedFrom: LocalDate, listedUntil: LocalDate?, windowDays: Int?) {
        self.kind = kind; self.record = record; self.offence = offence; self.due = due; self.text = text
        self.listedFrom = listedFrom; self.listedUntil = listedUntil; self.windowDays = windowDays
    }

    public func isListed(on day: LocalDate) -> Bool {
        listedFrom <= day && listedUntil.map { day <= $0 } ?? true
            && windowDays.map { due.daysSinceEpoch - day.daysSinceEpoch <= $0 } ?? true
    }

    public func deadline(caseId: String, caseNumber: String?, on day: LocalDate) -> Deadline {
        Deadline(kind: kind, caseId: caseId, caseNumber: caseNumber, record: record, offence: offence,
                 due: due, daysLeft: due.daysSinceEpoch - day.daysSinceEpoch, text: text)
    }
}
