import Domain
import Foundation

/// `qorgau bench assess`: assessments per second for typical cases (20 incidents) and the time
/// for one case of 10,000 incidents, on the KZ pack. The typical figure is taken over rounds and
/// reported as the median round and the best, in English and in Russian (whose prose is twice the
/// bytes): on a shared machine one number from one stretch of time says little. Each median is
/// also given per second of the thread's own CPU time, which leaves out the time the machine ran
/// something else.
public struct AssessBenchmark: Sendable {
    public var pack: JurisdictionPack
    public var typicalIncidents = 20
    public var typicalRuns = 200_000
    public var rounds = 10
    public var largeIncidents = 10_000
    public var largeRuns = 50

    public init(pack: JurisdictionPack) { self.pack = pack }

    public struct Result: Codable, Sendable {
        public var typicalIncidents: Int
        /// The median round, English prose.
        public var typicalPerSecond: Double
        public var typicalBestPerSecond: Double
        /// The median round, Russian prose.
        public var typicalRussianPerSecond: Double
        public var typicalRussianBestPerSecond: Double
        /// The median round per second of the benchmark thread's CPU time, English prose.
        public var typicalPerCPUSecond: Double
        /// The median round per second of the benchmark thread's CPU time, Russian prose.
        public var typicalRussianPerCPUSecond: Double
        public var largeIncidents: Int
        public var largeMillisecondsMedian: Double
        public var largeMillisecondsBest: Double
    }

    public func run() -> Result {
        let assessor = Assessor(pack: pack)
        let at = LocalDate("2026-06-01")!
        // Several different cases, as a server meets them, cycled through.
        let typical = (1...64).map { Self.makeCase(pack.code, incidents: typicalIncidents, seed: UInt64($0)) }
        var sink = 0
        func rates(_ language: Language) -> (median: Double, best: Double, perCPUSecond: Double) {
            let perRound = max(1, typicalRuns / rounds)
            var rates: [Double] = []
            var cpuRates: [Double] = []
            for _ in 0..<rounds {
                let start = ContinuousClock.now
                let cpuStart = ThreadCPUClock.now()
                for run in 0..<perRound { sink &+= assessor.assess(typical[run % typical.count], at: at, language: language).offences.count }
                rates.append(Double(perRound) / Self.seconds(ContinuousClock.now - start))
                cpuRates.append(Double(perRound) / max(Self.seconds(ThreadCPUClock.now() - cpuStart), 1e-9))
            }
            rates.sort()
            cpuRates.sort()
            return (rates[rates.count / 2], rates[rates.count - 1], cpuRates[cpuRates.count / 2])
        }
        let english = rates(.en)
        let russian = rates(.ru)

        let large = Self.makeCase(pack.code, incidents: largeIncidents, seed: 2)
        var times: [Double] = []
        for _ in 0..<largeRuns {
            let t0 = ContinuousClock.now
            sink &+= assessor.assess(large, at: at).offences.count
            times.append(Self.seconds(ContinuousClock.now - t0) * 1000)
        }
        times.sort()
        precondition(sink > 0)
        return Result(typicalIncidents: typicalIncidents, typicalPerSecond: english.median, typicalBestPerSecond: english.best,
                      typicalRussianPerSecond: russian.median, typicalRussianBestPerSecond: russian.best,
                      typicalPerCPUSecond: english.perCPUSecond, typicalRussianPerCPUSecond: russian.perCPUSecond,
                      largeIncidents: largeIncidents, largeMillisecondsMedian: times[times.count / 2],
                      largeMillisecondsBest: times[0])
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// A case of `incidents` episodes spread over the year after the norm came into force, with a
    /// mix of kinds, flags and impacts like real diaries, and one protective order.
    public static func makeCase(_ jurisdiction: String, incidents count: Int, seed: UInt64) -> CaseFile {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            return z ^ (z >> 27)
        }
        let kinds: [IncidentKind] = [.contact, .contact, .tracking, .privacyIntrusion, .publicConflict, .threat, .other]
        let impacts: [[Impact]] = [[.fear], [.fear, .soughtProtection], [], [.changedJob], [.fear]]
        let start: Int64 = 1_758_000_000_000 // 2025-09-16
        let incidents = (0..<count).map { i in
            Incident(id: "i\(i)", occurredAt: ZonedDateTime(epochMilliseconds: start + Int64(next() % 31_000_000) * 1000, offsetSeconds: 18_000),
                     kind: kinds[Int(next() % UInt64(kinds.count))], channel: .messenger, description: "episode \(i)",
                     againstWill: next() % 10 != 0, violence: next() % 50 == 0, reportedBy: .victim,
                     impact: impacts[Int(next() % UInt64(impacts.count))])
        }
        let order = ProtectiveOrder(id: "o1", type: .protectiveOrder, issuedAt: ZonedDateTime("2025-11-01T10:00:00+05:00")!,
                                    validUntil: ZonedDateTime("2025-12-01T10:00:00+05:00")!, issuer: "police",
                                    conditions: OrderConditions(noContact: true))
        return CaseFile(jurisdiction: jurisdiction, case: CaseHeader(openedAt: ZonedDateTime("2025-09-20T09:00:00+05:00")!),
                        persons: [Person(id: "v", role: .victim, name: "V")], incidents: incidents, protectiveOrders: [order])
    }
}
