import Cases
import Domain
import Fluent
import Foundation
import Law
import Store
import Vapor
import Web

/// `qorgau bench views`: an officer's views over N seed-shaped cases in 20 units (each with two
/// persons with Kazakh names and IINs, ten incidents, an order, an administrative case, a risk
/// assessment, and for some a criminal case, a verdict and its payment): search, the dashboard,
/// deadlines, the Fund ledger's first page and whole as CSV, and a case page, through the
/// projections, against the same views computed from the case files as they were before, in one
/// run on one database.
public struct ViewsBenchmark: Sendable {
    public var database: DatabaseLocation
    public var cases: Int
    public var runs: Int
    public var peerRuns: Int

    public init(database: DatabaseLocation, cases: Int = 100_000, runs: Int = 200, peerRuns: Int = 10) {
        self.database = database; self.cases = cases; self.runs = runs; self.peerRuns = peerRuns
    }

    public struct Timing: Sendable, Codable {
        public var view: String
        public var hits: Int
        public var p50ms: Double
        public var p95ms: Double
    }

    public struct Result: Sendable, Codable {
        public var database: String
        public var cases: Int
        public var importSeconds: Double
        public var indexSeconds: Double
        public var projection: [Timing]
        /// The same searches as they were made before the projection (none with `peerRuns` 0).
        public var caseFiles: [Timing]
    }

    static let firstNames = ["Әйгерім", "Нұрлан", "Жанар", "Ерлан", "Гүлнар", "Дәурен", "Мадина", "Асель", "Бауыржан", "Сәуле", "Динара", "Қайрат"]
    static let surnames = ["Сәрсенбаева", "Жақсылықов", "Ахметова", "Омаров", "Нұрланова", "Қасымов", "Сейітова", "Байжанов", "Исаева", "Тоқтаров"]

    /// A case opened up to 400 days before `today`, its order ending around today, half of them
    /// before a criminal court, a third decided with a payment (half of those paid).
    static func caseFile(_ n: Int, today: LocalDate, _ g: inout SeededGenerator) -> CaseFile {
        func name() -> String { surnames.randomElement(using: &g)! + " " + firstNames.randomElement(using: &g)! }
        func at(_ offset: Int) -> ZonedDateTime {
            ZonedDateTime(epochMilliseconds: Int64(today.daysSinceEpoch + offset) * 86_400_000 + 5 * 3_600_000, offsetSeconds: 18_000)
        }
        let opened = -30 - Int.random(in: 0..<400, using: &g)
        var file = CaseFile(jurisdiction: "KZ", case: CaseHeader(number: String(format: "B-%06d", n), openedAt: at(opened), unit: "Unit \(n % 20)"),
                            persons: [Person(id: "v", role: .victim, name: name(), iin: String(format: "9%011d", n * 2)),
                                      Person(id: "r", role: .respondent, name: name(), iin: String(format: "8%011d", n * 2 + 1))])
        file.incidents = (0..<10).map { k in
            Incident(id: "i\(k)", occurredAt: at(opened + 2 * k), kind: k % 2 == 0 ? .contact : .tracking, channel: .inPerson,
                     description: "episode \(k)", againstWill: true, violence: false, reportedBy: k % 3 == 0 ? .officer : .victim)
        }
        file.protectiveOrders = [ProtectiveOrder(id: "o1", type: .protectiveOrder, issuedAt: at(opened + 5),
                                                 validUntil: at(opened + 5 + Int.random(in: 30...420, using: &g)), issuer: "District police",
                                                 conditions: OrderConditions(noContact: true))]
        file.administrativeCases = [AdministrativeCase(id: "a1", article: "KZ.CAO.461", incidents: ["i1"], decidedAt: at(opened + 8),
                                                       sanction: AdministrativeSanction(type: .fine, mrp: 10))]
        file.riskAssessments = [RiskAssessment(id: "r1", instrument: "S-DASH", assessedAt: at(opened + 3), assessor: "officer",
                                               answers: [:], computedLevel: .medium, level: .medium)]
        if n % 2 == 0 {
            file.criminalProceedings = [CriminalProceeding(id: "c1", article: "KZ.CC.115-1", registeredAt: at(opened + 20),
                                                           incidents: file.incidents.map(\.id), stage: n % 3 == 0 ? .decided : .preTrial)]
            if n % 3 == 0 {
                let decided = min(-1, opened + 25 + Int.random(in: 0..<60, using: &g))
                file.verdicts = [Verdict(id: "d1", proceeding: "c1", decidedAt: at(decided), court: "Court \(n % 7)", outcome: .guilty,
                                         punishment: Punishment(type: .communityService, hours: 100),
                                         mandatoryPayment: MandatoryPayment(mrp: 5 + n % 16, paidAt: n % 4 == 0 ? at(decided + 10) : nil))]
            }
        }
        return file
    }

    public func run() async throws -> Result {
        try await IngestBenchmark.withApplication { app in
            var config = AppConfig(database: database, logLevel: .warning)
            config.bcryptCost = 4
            try await configure(app, config)
            return try await measure(app)
        }
    }

    private func measure(_ app: Application) async throws -> Result {
        var g = SeededGenerator(seed: 22)
        let packs = app.packs, today = packs.reportingDay()
        let started = DispatchTime.now().uptimeNanoseconds
        var iins: [String] = []
        for start in stride(from: 0, to: cases, by: 10_000) { // a transaction each, its rows made and written a batch at a time
            let files = (start..<min(start + 10_000, cases)).map { Self.caseFile($0, today: today, &g) }
            iins += files.compactMap { $0.persons.first?.iin }
            _ = try await CaseFileStore(db: app.db).importCaseFiles(files, by: .commandLine)
        }
        let indexing = DispatchTime.now().uptimeNanoseconds
        _ = try await Projections(db: app.db, packs: packs).rebuild(on: today)
        let done = DispatchTime.now().uptimeNanoseconds
        let scope = CaseScope.limited(units: ["Unit 7"], cases: [])
        let iin = iins[7] // a case of unit 7
        let oneCase = try await CaseStore(db: app.db).find(idOrNumber: String(format: "B-%06d", 7), scope: .all).id
        let queries = [("name, Latin", "Aigerim"), ("name, Cyrillic", "Әйгерім"), ("surname and name", "Sarsenbaeva Aigerim"), ("IIN", iin)]
        let db = app.db
        var projection: [Timing] = [], peer: [Timing] = []
        func timeBoth(_ view: String, peerRuns: Int? = nil, _ mine: () async throws -> Int, _ theirs: () async throws -> Int) async throws {
            var hits = 0
            let fast = try await Self.time(runs) { hits = try await mine() }
            projection.append(Timing(view: view, hits: hits, p50ms: fast.p50, p95ms: fast.p95))
            guard self.peerRuns > 0 else { return } // the peers not run at all
            let slow = try await Self.time(peerRuns ?? self.peerRuns) { hits = try await theirs() }
            peer.append(Timing(view: view, hits: hits, p50ms: slow.p50, p95ms: slow.p95))
        }
        for (view, q) in queries {
            try await timeBoth("search: " + view, { try await SearchIndex(db: db).search(q, scope: scope).count },
                               { try await Self.searchCaseFiles(q, scope: scope, db: db) })
        }
        let since = Int64(Date().timeIntervalSince1970 * 1000) - 14 * 86_400_000
        try await timeBoth("dashboard (unit 7)", {
            let reads = DashboardReads(db: db)
            let newest = try await reads.newestCases(scope: scope, limit: 50)
            _ = try await reads.incidentCounts(newest.map(\.id))
            let deadlines = try await WorklistReader(db: db).deadlines(scope: scope, on: today, within: 30, limit: 100).items
            let written = try await WorklistTables(db: db).casesWithVictimEntries(scope: scope, since: since, limit: 50)
            _ = try await reads.summaries(written)
            return deadlines.count + (try await reads.victimEntries(written, since: since)).count
        }, {
            let refs = try await Self.refs(scope, db)
            let deadlines = DeadlineFinder(packs: packs).deadlines(refs, at: today).filter { $0.daysLeft <= 30 }.prefix(100)
            let entries = refs.flatMap(\.file.incidents).filter { $0.reportedBy == .victim && $0.occurredAt.epochMilliseconds >= since }
            return deadlines.count + entries.count
        })
        try await timeBoth("deadlines (unit 7), 1st page", {
            try await WorklistReader(db: db).deadlines(scope: scope, on: today, limit: 50).items.count
        }, {
            DeadlineFinder(packs: packs).deadlines(try await Self.refs(scope, db), at: today).prefix(50).count
        })
        let ledgerPeerRuns = cases >= 50_000 ? 1 : max(1, min(peerRuns, 3)) // the whole ledger from case files: seconds each, minutes at 100,000
        try await timeBoth("Fund ledger, 1st page", peerRuns: ledgerPeerRuns, {
            try await WorklistReader(db: db).ledger(on: today, limit: 50).report.entries.count
        }, {
            FundLedger(packs: packs).report(try await Self.refs(.all, db), at: today).entries.prefix(50).count
        })
        try await timeBoth("Fund ledger, whole as CSV", peerRuns: ledgerPeerRuns, {
            var bytes = 0
            try await WorklistReader(db: db).forEachEntry(on: today) { entries in bytes += entries.map(LedgerCSV.line).joined().utf8.count }
            return bytes
        }, {
            FundLedger(packs: packs).report(try await Self.refs(.all, db), at: today).entries.map(LedgerCSV.line).joined().utf8.count
        })
        let caseRuns = max(1, runs / 4)
        try await timeBoth("case page (read and assess)", peerRuns: caseRuns, {
            let file = try await CaseFileStore(db: db).exportCaseFile(caseID: oneCase, scope: scope)
            return try packs.assessor(for: "KZ").assess(file, at: today).offences.count
        }, {
            let file = try await CaseFileStore(db: db).exportCaseFile(caseID: oneCase, scope: scope)
            return try packs.assessor(for: "KZ").assess(file, at: today).offences.count
        })
        return Result(database: database.redacted, cases: cases, importSeconds: Double(indexing - started) / 1e9,
                      indexSeconds: Double(done - indexing) / 1e9, projection: projection, caseFiles: peer)
    }

    static func refs(_ scope: CaseScope, _ db: any Database) async throws -> [CaseRef] {
        try await CaseFileStore(db: db).allCaseFiles(scope: scope).map { CaseRef(id: $0.0.id.apiString, number: $0.0.number, file: $0.1) }
    }

    /// The search as it was: every case file in scope read, its number and names matched by substring.
    static func searchCaseFiles(_ q: String, scope: CaseScope, db: any Database) async throws -> Int {
        let needle = q.lowercased()
        var hits = 0
        for (summary, file) in try await CaseFileStore(db: db).allCaseFiles(scope: scope) {
            var matched = summary.number.map { $0.lowercased().contains(needle) } ?? false
            for person in file.persons where person.name.lowercased().contains(needle) || person.iin == q { matched = true }
            if matched { hits += 1 }
        }
        return hits
    }

    static func time(_ runs: Int, _ body: () async throws -> Void) async throws -> (p50: Double, p95: Double) {
        var samples: [Double] = []
        for _ in 0..<max(runs, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            try await body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, Int(Double(samples.count) * 0.95))])
    }
}
