import Cases
import Domain
import Foundation
import Law
import SQLKit
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The worklist projection (issue 22): today's deadlines and the Fund ledger read from it are
/// what the case files give, after every kind of write, on SQLite and PostgreSQL; a page walk is
/// the whole list; an altered row is reported by `audit verify` and mended by `reindex`.
@Suite struct WorklistProjectionTests {
    static let units = ["Test unit", "Medeu district police"]

    /// A day `offset` days from `today`, at 10:00 in Almaty.
    static func instant(_ today: LocalDate, _ offset: Int) -> String { "\(today.adding(days: offset))T10:00:00+05:00" }

    /// A random case file around today: incidents over the last year and a half, orders ending
    /// around today (some revoked), sometimes a criminal case with a verdict and its payment (some paid).
    static func randomFile(_ n: Int, today: LocalDate, _ g: inout SeededGenerator) -> [String: Any] {
        var file: [String: Any] = ["format": "qorgau.case-file", "version": 1, "jurisdiction": "KZ"]
        file["case"] = ["number": "W-\(n)-\(UUID().uuidString.prefix(6))", "openedAt": instant(today, -600), "unit": units[0]]
        var respondent: [String: Any] = ["id": "r", "role": "respondent", "name": ["Омаров Ерлан", "Ahmetov, Dauren", "=Qasymov"][Int.random(in: 0..<3, using: &g)]]
        if Bool.random(using: &g) { respondent["iin"] = ["850101300124", "881117300457", "900303300510"][Int.random(in: 0..<3, using: &g)] }
        file["persons"] = [["id": "v", "role": "victim", "name": "Ахметова Жанар"], respondent]
        let count = Int.random(in: 0...8, using: &g)
        file["incidents"] = (0..<count).map { k in
            var incident = Fixtures.incidentJSON(id: "i\(k)", at: instant(today, -Int.random(in: 1...540, using: &g)),
                                                 kind: ["tracking", "contact"][Int.random(in: 0..<2, using: &g)])
            incident["reportedBy"] = ["victim", "officer"][Int.random(in: 0..<2, using: &g)]
            return incident
        }
        file["protectiveOrders"] = (0..<Int.random(in: 0...2, using: &g)).map { k -> [String: Any] in
            let issued = -Int.random(in: 1...40, using: &g)
            var order: [String: Any] = ["id": "o\(k)", "type": "protectiveOrder", "issuedAt": instant(today, issued),
                                        "validUntil": instant(today, issued + Int.random(in: 5...60, using: &g)), "issuer": "District police",
                                        "conditions": ["noContact": true]]
            if Int.random(in: 0..<4, using: &g) == 0 { order["revokedAt"] = instant(today, issued + 2) }
            return order
        }
        if count >= 2, Bool.random(using: &g) {
            file["criminalProceedings"] = [["id": "c1", "article": "KZ.CC.115-1", "registeredAt": instant(today, -200),
                                            "incidents": ["i0", "i1"], "stage": "decided"]]
            var payment: [String: Any] = ["mrp": Int.random(in: 1...20, using: &g)]
            let decided = -Int.random(in: 1...90, using: &g)
            if Bool.random(using: &g) { payment["paidAt"] = instant(today, decided + Int.random(in: 0...(-decided), using: &g)) }
            file["verdicts"] = [["id": "d1", "proceeding": "c1", "decidedAt": instant(today, decided), "court": "Almaty court",
                                 "outcome": "guilty", "punishment": ["type": "communityService", "hours": 100], "mandatoryPayment": payment]]
        }
        return file
    }

    /// The projection's answers equal the case files' for today, whole and for one unit's officer.
    static func expectAgreement(_ app: Application, _ step: String) async throws {
        let packs = app.packs, today = packs.reportingDay()
        await app.caseChanges.catchUp(db: app.db, local: false)
        let files = try await CaseFileStore(db: app.db).allCaseFiles(scope: .all)
        let refs = files.map { CaseRef(id: $0.0.id.uuidString.lowercased(), number: $0.0.number, file: $0.1) }
        let reader = WorklistReader(db: app.db)
        let expected = DeadlineFinder(packs: packs).deadlines(refs, at: today)
        #expect(try await reader.deadlines(scope: .all, on: today, limit: 100_000).items == expected, "deadlines after \(step)")
        let unitScope = CaseScope.limited(units: [units[0]], cases: [])
        let inUnit = Set(files.filter { $0.0.unit == units[0] }.map { $0.0.id.uuidString.lowercased() })
        #expect(try await reader.deadlines(scope: unitScope, on: today, limit: 100_000).items == expected.filter { inUnit.contains($0.caseId) },
                "one unit's deadlines after \(step)")
        for day in [today, today.adding(days: -30)] {
            var ledger = try await reader.ledger(on: day, limit: 100_000).report
            var fromFiles = FundLedger(packs: packs).report(refs, at: day)
            ledger.persons.sort { ($0.person, $0.iin ?? "") < ($1.person, $1.iin ?? "") }
            fromFiles.persons = fromFiles.persons.filter { person in ledger.persons.contains { $0.person == person.person && $0.iin == person.iin } }
            #expect(ledger == fromFiles, "the ledger on \(day) after \(step)")
        }
    }

    @Test(arguments: TestDatabase.available)
    func theWorklistsAreWhatTheCaseFilesGiveAfterEveryKindOfWrite(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            var g = SeededGenerator(seed: 2026)
            let today = app.packs.reportingDay()
            _ = try await app.makeUser(.officer, unit: Self.units[1]) // the unit cases move to exists
            var cases: [String] = []
            for n in 0..<10 {
                let imported = try await app.request(.POST, "/api/v1/case-files", json: Self.randomFile(n, today: today, &g))
                #expect(imported.status == .created, "\(imported.body.string)")
                if let id = imported.json["id"] as? String { cases.append(id) }
            }
            try await Self.expectAgreement(app, "the imports")
            var moved = Set<String>()
            for step in 0..<14 {
                let id = cases.filter { !moved.contains($0) }.randomElement(using: &g)!
                switch step % 4 {
                case 0:
                    let at = Self.instant(today, -Int.random(in: 1...400, using: &g))
                    let added = try await app.request(.POST, "/api/v1/cases/\(id)/incidents", json: Fixtures.incidentJSON(at: at))
                    #expect(added.status == .created, "\(added.body.string)")
                case 1:
                    let order: [String: Any] = ["type": "protectiveOrder", "issuedAt": Self.instant(today, -3),
                                                "validUntil": Self.instant(today, Int.random(in: 1...10, using: &g)),
                                                "issuer": "District police", "conditions": ["noContact": true]]
                    let issued = try await app.request(.POST, "/api/v1/cases/\(id)/orders", json: order)
                    // a case with a protective order over these days already refuses a second one (issue 26)
                    #expect(issued.status == .created || issued.status == .unprocessableEntity && issued.body.string.contains("duplicateOrder"),
                            "\(issued.body.string)")
                case 2:
                    let imported = try await app.request(.POST, "/api/v1/case-files", json: Self.randomFile(100 + step, today: today, &g))
                    if let new = imported.json["id"] as? String { cases.append(new) }
                default:
                    let patched = try await app.request(.PATCH, "/api/v1/cases/\(id)", json: ["unit": Self.units[1], "reason": "she moved"])
                    #expect(patched.status == .ok, "\(patched.body.string)")
                    moved.insert(id)
                }
                try await Self.expectAgreement(app, "step \(step)")
            }
            // made whole again from the case files: the same answers
            _ = try await Projections(db: app.db, packs: app.packs).rebuild(on: today)
            try await Self.expectAgreement(app, "reindex")
            #expect(try await Projections(db: app.db, packs: app.packs).worklistDisagreements(on: today).isEmpty)
        }
    }

    @Test func aPageWalkIsTheWholeListAndTheLedgerExportsWholeAsCSV() async throws {
        try await withQorgauApp { app in
            var g = SeededGenerator(seed: 7)
            let today = app.packs.reportingDay()
            for n in 0..<12 { _ = try await app.request(.POST, "/api/v1/case-files", json: Self.randomFile(n, today: today, &g)) }
            let whole = try await app.request(.GET, "/api/v1/deadlines?limit=500").json["items"] as? [[String: Any]] ?? []
            #expect(whole.count > 4)
            var walked: [[String: Any]] = [], cursor: String?
            repeat {
                let page = try await app.request(.GET, "/api/v1/deadlines?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                walked += page.json["items"] as? [[String: Any]] ?? []
                cursor = (page.json["nextCursor"] as? String)?.addingPercentEncoding(withAllowedCharacters: .alphanumerics)
            } while cursor != nil
            #expect(walked.map { "\($0["caseId"]!)\($0["kind"]!)\($0["record"]!)" } == whole.map { "\($0["caseId"]!)\($0["kind"]!)\($0["record"]!)" })
            let bad = try await app.request(.GET, "/api/v1/deadlines?cursor=nonsense")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.problemPointers == ["/cursor"])

            let fund = try await app.makeUser(.fundOfficer)
            let ledger = try await app.request(.GET, "/api/v1/fund/ledger?limit=500", as: fund)
            let entries = ledger.json["entries"] as? [[String: Any]] ?? []
            #expect(!entries.isEmpty)
            let csv = try await app.request(.GET, "/api/v1/fund/ledger.csv", as: fund)
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            let lines = csv.body.string.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == entries.count + 1)
            #expect(lines.first == "case_number,verdict,person,iin,decided,units,unit,amount,currency,due,paid,status,document")
            #expect(!lines.contains { $0.contains(",=") }, "a name a spreadsheet would run is led by an apostrophe")
            if entries.contains(where: { $0["person"] as? String == "Ahmetov, Dauren" }) {
                #expect(lines.contains { $0.contains("\"Ahmetov, Dauren\"") }, "a comma in a field is quoted")
            }
            let overdue = try await app.request(.GET, "/api/v1/fund/ledger?status=overdue&limit=500", as: fund)
            #expect((overdue.json["entries"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "overdue" } == true)
            #expect(overdue.json["outstanding"] as? Int == ledger.json["outstanding"] as? Int, "the totals are the whole ledger's")
            let officer = try await app.request(.GET, "/api/v1/fund/ledger.csv", as: try await app.makeUser(.victim))
            #expect(officer.status == .forbidden || officer.status == .notFound)
        }
    }

    @Test func aRowAlteredBehindQorgausBackIsReportedAndReindexMendsIt() async throws {
        try await withQorgauApp(.sqliteFile) { app in
            var g = SeededGenerator(seed: 99)
            var file = Self.randomFile(1, today: app.packs.reportingDay(), &g)
            file["protectiveOrders"] = [["id": "o1", "type": "protectiveOrder", "issuedAt": Self.instant(app.packs.reportingDay(), -20),
                                         "validUntil": Self.instant(app.packs.reportingDay(), 3), "issuer": "District police",
                                         "conditions": ["noContact": true]]]
            let imported = try await app.request(.POST, "/api/v1/case-files", json: file)
            let id = try #require(imported.json["id"] as? String)
            let projections = Projections(db: app.db, packs: app.packs)
            let today = app.packs.reportingDay()
            #expect(try await projections.worklistDisagreements(on: today).isEmpty)
            try await (app.db as! any SQLDatabase).raw("UPDATE projected_deadlines SET due_day = due_day + 30").run()
            #expect(try await projections.worklistDisagreements(on: today).map { $0.uuidString.lowercased() } == [id])
            let report = try await AuditVerifier(db: app.db, blobs: nil, projections: [
                ("worklists", { try await projections.worklistDisagreements(on: today) }),
            ]).verify()
            #expect(!report.intact)
            #expect(report.problems.contains { $0.kind == .projection && $0.id == id })
            _ = try await projections.rebuild(on: today)
            #expect(try await projections.worklistDisagreements(on: today).isEmpty)
        }
    }
}
