import Domain
import Fluent
import Foundation
import Store
import Vapor

/// `qorgau bench views`: an officer's search over N seed-shaped cases in 20 units (each with two
/// persons with Kazakh names and IINs, ten incidents and an order), through the search
/// projection, against the same search as it was made before (every case file of the unit read
/// and matched), in one run on one database.
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
        /// The same searches as they were made before the projection.
        public var caseFiles: [Timing]
    }

    static let firstNames = ["Әйгерім", "Нұрлан", "Жанар", "Ерлан", "Гүлнар", "Дәурен", "Мадина", "Асель", "Бауыржан", "Сәуле", "Динара", "Қайрат"]
    static let surnames = ["Сәрсенбаева", "Жақсылықов", "Ахметова", "Омаров", "Нұрланова", "Қасымов", "Сейітова", "Байжанов", "Исаева", "Тоқтаров"]

    static func caseFile(_ n: Int, _ g: inout SeededGenerator) -> CaseFile {
        func name() -> String { surnames.randomElement(using: &g)! + " " + firstNames.randomElement(using: &g)! }
        let opened = ZonedDateTime("2025-10-01T09:00:00+05:00")!
        var file = CaseFile(jurisdiction: "KZ", case: CaseHeader(number: String(format: "B-%06d", n), openedAt: opened, unit: "Unit \(n % 20)"),
                            persons: [Person(id: "v", role: .victim, name: name(), iin: String(format: "9%011d", n * 2)),
                                      Person(id: "r", role: .respondent, name: name(), iin: String(format: "8%011d", n * 2 + 1))])
        file.incidents = (0..<10).map { k in
            Incident(id: "i\(k)", occurredAt: ZonedDateTime(epochMilliseconds: opened.epochMilliseconds + Int64(k) * 86_400_000, offsetSeconds: 18_000),
                     kind: k % 2 == 0 ? .contact : .tracking, channel: .inPerson, description: "episode \(k)", againstWill: true,
                     violence: false, reportedBy: .victim)
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
        let started = DispatchTime.now().uptimeNanoseconds
        var iins: [String] = []
        for start in stride(from: 0, to: cases, by: 1_000) {
            let files = (start..<min(start + 1_000, cases)).map { Self.caseFile($0, &g) }
            iins += files.compactMap { $0.persons.first?.iin }
            _ = try await CaseFileStore(db: app.db).importCaseFiles(files, by: .commandLine)
        }
        let indexing = DispatchTime.now().uptimeNanoseconds
        _ = try await SearchIndex(db: app.db).rebuild()
        let done = DispatchTime.now().uptimeNanoseconds
        let scope = CaseScope.limited(units: ["Unit 7"], cases: [])
        let iin = iins[7] // a case of unit 7
        let queries = [("name, Latin", "Aigerim"), ("name, Cyrillic", "Әйгерім"), ("surname and name", "Sarsenbaeva Aigerim"), ("IIN", iin)]
        var projection: [Timing] = []
        for (view, q) in queries {
            var hits = 0
            let times = try await Self.time(runs) { hits = try await SearchIndex(db: app.db).search(q, scope: scope).count }
            projection.append(Timing(view: "search: " + view, hits: hits, p50ms: times.p50, p95ms: times.p95))
        }
        var peer: [Timing] = []
        for (view, q) in queries {
            var hits = 0
            let times = try await Self.time(peerRuns) { hits = try await Self.searchCaseFiles(q, scope: scope, db: app.db) }
            peer.append(Timing(view: "search: " + view, hits: hits, p50ms: times.p50, p95ms: times.p95))
        }
        return Result(database: database.redacted, cases: cases, importSeconds: Double(indexing - started) / 1e9,
                      indexSeconds: Double(done - indexing) / 1e9, projection: projection, caseFiles: peer)
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
