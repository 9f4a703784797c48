import Domain
import Foundation
import Law
import Testing

/// Every assessment of a set of generated cases (each pack, language and a few dates) compared
/// with the fingerprint kept in `Snapshots/assessments.txt`, so a change to how assessments are
/// computed or written that alters a single character is seen. To accept a deliberate change, run
/// the tests with QORGAU_RECORD_SNAPSHOTS=1 and review the diff; QORGAU_DUMP_ASSESSMENTS=DIR
/// writes each assessment's JSON to DIR to compare before and after.
@Suite struct AssessmentGoldenTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots/assessments.txt")
    static let dates = ["2025-10-01", "2026-03-15", "2026-09-20", "2027-06-01"]

    @Test func assessmentsAreExactlyAsKept() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let dump = ProcessInfo.processInfo.environment["QORGAU_DUMP_ASSESSMENTS"].map { URL(fileURLWithPath: $0) }
        var lines: [String] = []
        var texts: [String: String] = [:]
        for code in ["KZ", "DE", "GB-EAW"] {
            let assessor = Assessor(pack: packs[code]!)
            for seed in 0..<30 {
                let file = GeneratedCase.make(code, seed: UInt64(seed))
                for date in Self.dates {
                    for language in Language.allCases {
                        let json = String(decoding: try encoder.encode(assessor.assess(file, at: LocalDate(date)!, language: language)),
                                          as: UTF8.self)
                        let name = "\(code) \(seed) \(date) \(language.rawValue)"
                        lines.append("\(name) \(Self.fingerprint(json))")
                        texts[name] = json
                        if let dump {
                            try Data(json.utf8).write(to: dump.appendingPathComponent(name.replacingOccurrences(of: " ", with: "_") + ".json"))
                        }
                    }
                }
            }
        }
        let current = lines.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["QORGAU_RECORD_SNAPSHOTS"] == "1" || !FileManager.default.fileExists(atPath: Self.file.path) {
            try FileManager.default.createDirectory(at: Self.file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(current.utf8).write(to: Self.file)
            if ProcessInfo.processInfo.environment["QORGAU_RECORD_SNAPSHOTS"] != "1" {
                Issue.record("no assessment fingerprints were kept; they have been written to \(Self.file.path): run again")
            }
            return
        }
        let kept = try String(contentsOf: Self.file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(kept.count == lines.count, "as many assessments as kept")
        let changed = zip(kept, lines).filter { $0 != $1 }
        for (was, now) in changed.prefix(3) {
            let name = String(now.split(separator: " ").dropLast().joined(separator: " "))
            Issue.record("\(name) changed (kept \(was.split(separator: " ").last!)); it is now:\n\(texts[name] ?? "")")
        }
        #expect(changed.isEmpty, "\(changed.count) of \(lines.count) assessments changed")
    }

    /// The order incidents are given in never matters, for any shape of case (the referral of
    /// order violations once followed the given order when no incident was after the date).
    @Test(arguments: 0..<30)
    func shufflingIncidentsNeverChangesAnAssessment(_ seed: Int) {
        for code in ["KZ", "DE", "GB-EAW"] {
            let assessor = Assessor(pack: packs[code]!)
            var file = GeneratedCase.make(code, seed: UInt64(seed))
            let expected = Self.dates.map { assessor.assess(file, at: LocalDate($0)!) }
            var generator = SeededGenerator(seed: UInt64(seed) + 1000)
            file.incidents.shuffle(using: &generator)
            #expect(Self.dates.map { assessor.assess(file, at: LocalDate($0)!) } == expected, "\(code) case \(seed)")
        }
    }

    /// Incidents centuries apart are put in time order too (the timeline packs times into one
    /// integer only when they span less than 278 years, and compares pairs otherwise).
    @Test func incidentsCenturiesApartAreInTimeOrder() {
        let file = caseFile([incident("late", "2150-01-01"), incident("b", "1800-01-01"), incident("now", "2025-10-01"),
                             incident("a", "1800-01-01")])
        let o = offence(assess(file, at: "2200-01-01"), "KZ.CC.115-1")
        #expect(o.episodes.beforeInForce == ["a", "b"])
        #expect(o.episodes.timeBarred == ["now", "late"])
    }

    /// FNV-1a over the JSON's bytes: enough to tell two texts apart, with nothing to import.
    static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(hash, radix: 16)
    }
}

/// Case files of every shape an assessment meets, from a seed: incidents before and after the
/// norm came into force and past the limitation period, equal times, several time zones, ids
/// short and long and not in Latin letters, lists longer than a sentence shows, orders with and
/// without zones, revoked orders, administrative cases, proceedings and verdicts paid and unpaid.
enum GeneratedCase {
    static func make(_ jurisdiction: String, seed: UInt64) -> CaseFile {
        var g = SeededGenerator(seed: seed &* 7919 &+ 17)
        func pick<T>(_ values: [T]) -> T { values[Int(g.next() % UInt64(values.count))] }
        func chance(_ percent: UInt64) -> Bool { g.next() % 100 < percent }
        let start: Int64 = 1_748_736_000_000 // 2025-06-01
        let span: Int64 = 640 * 86_400_000
        func time() -> ZonedDateTime {
            ZonedDateTime(epochMilliseconds: start + Int64(g.next() % UInt64(span)) / 60_000 * 60_000,
                          offsetSeconds: pick([18_000, 21_600, 0, 3_600, -18_000]))
        }
        let count = pick([0, 1, 2, 3, 5, 8, 14, 20, 40])
        var incidents: [Incident] = []
        for i in 0..<count {
            let id = pick(["i\(i)", "эпизод-\(i)", String(format: "%08x-%04x-4000-8000-%012x", Int(g.next() % 0xFFFF_FFFF), i, Int(g.next() % 0xFFFF_FFFF))])
            var at = time()
            if let previous = incidents.last, chance(10) { at = previous.occurredAt } // a shared millisecond
            let impacts = Impact.allCases.filter { _ in chance(15) }
            incidents.append(Incident(
                id: id, occurredAt: at, kind: pick(IncidentKind.allCases + [.contact, .contact, .tracking]),
                channel: pick(IncidentChannel.allCases),
                place: chance(30) ? IncidentPlace(text: "home", lat: 43.2 + Double(g.next() % 100) / 10_000, lon: 76.9) : nil,
                description: "episode \(i)", againstWill: chance(85), violence: chance(6),
                reportedBy: pick(ReportedBy.allCases), impact: impacts))
        }
        var orders: [ProtectiveOrder] = []
        for o in 0..<pick([0, 0, 1, 2]) {
            let issued = time()
            let zones = chance(50) ? [Zone(kind: "home", lat: 43.2, lon: 76.9, radiusMeters: 500)] : nil
            orders.append(ProtectiveOrder(
                id: "o\(o)", type: pick(OrderType.allCases), issuedAt: issued,
                validUntil: ZonedDateTime(epochMilliseconds: issued.epochMilliseconds + Int64(pick([30, 90, 365])) * 86_400_000,
                                          offsetSeconds: issued.offsetSeconds),
                issuer: "police", conditions: OrderConditions(noContact: chance(70), zones: zones),
                revokedAt: chance(20) ? ZonedDateTime(epochMilliseconds: issued.epochMilliseconds + 10 * 86_400_000,
                                                      offsetSeconds: issued.offsetSeconds) : nil))
        }
        let ids = incidents.map(\.id)
        let administrative = ids.isEmpty || chance(50) ? [] : [AdministrativeCase(
            id: "a1", article: "CAO", incidents: Array(ids.prefix(2)), decidedAt: time(), sanction: AdministrativeSanction(type: .fine, mrp: 5))]
        var proceedings: [CriminalProceeding] = []
        var verdicts: [Verdict] = []
        if !ids.isEmpty, chance(35) {
            let article = pick(packs[jurisdiction]!.offences.map(\.id) + ["other"])
            proceedings.append(CriminalProceeding(id: "p1", article: article, registeredAt: time(), incidents: ids, stage: .inCourt))
            if chance(60) {
                verdicts.append(Verdict(id: "v1", proceeding: "p1", decidedAt: time(), court: "court", outcome: pick(VerdictOutcome.allCases),
                                        mandatoryPayment: chance(70) ? MandatoryPayment(mrp: 5, paidAt: chance(50) ? time() : nil) : nil))
            }
        }
        return CaseFile(jurisdiction: jurisdiction, case: CaseHeader(openedAt: time()),
                        persons: [Person(id: "v", role: .victim, name: "V"), Person(id: "r", role: .respondent, name: "R")],
                        incidents: incidents, protectiveOrders: orders, administrativeCases: administrative,
                        criminalProceedings: proceedings, verdicts: verdicts)
    }
}
