import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
import XMLCoder
import ZIPFoundation
@testable import Web

/// The Fund officer's ledger by court and region, its totals those of what the filters select,
/// and its Excel workbook read back by the library that wrote it (and by openpyxl when Python
/// has it, as `.ci/run` installs it).
@Suite struct FundLedgerFilterTests {
    /// Three verdicts: two courts, two regions.
    static func ledger(_ app: Application) async throws {
        let store = UnitStore(db: app.db)
        try await store.add(.init(code: "KRG-POLICE", names: ["ru": "УП г. Караганды", "kk": "Қарағанды қ. ПБ", "en": "Karaganda police"],
                                  region: "karaganda"), now: 0)
        try await store.ensure("Test unit", now: 0)
        try await store.change(.init(code: "Test unit", names: ["ru": "Тест", "kk": "Тест", "en": "Test"], region: "almaty-city"))
        for (number, unit, court) in [("ALM-1", "Test unit", "Almaty court"), ("ALM-2", "Test unit", "Medeu court"), ("KRG-1", "KRG-POLICE", "Karaganda court")] {
            var file = Fixtures.caseFileJSON(number: number, device: "bracelet-\(number)")
            var header = file["case"] as! [String: Any]
            header["unit"] = unit
            file["case"] = header
            var verdicts = file["verdicts"] as! [[String: Any]]
            verdicts[0]["court"] = court
            file["verdicts"] = verdicts
            // as the command line imports, into any unit (an officer imports into her own only)
            let read = try CaseFileReader(now: Date()).read(data: Fixtures.data(file))
            _ = try await CaseFileStore(db: app.db).importCaseFile(read, by: Principal(subject: "cli:test", scope: .all))
        }
    }

    @Test(arguments: TestDatabase.available)
    func theLedgerByCourtAndRegionWithItsTotals(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            try await Self.ledger(app)
            let fund = try await app.makeUser(.fundOfficer)
            let all = try await PageTests.page(app, "/fund?lang=ru&at=2026-03-01", as: fund)
            #expect(all.text.contains("ALM-1") && all.text.contains("ALM-2") && all.text.contains("KRG-1"))
            #expect(all.text.contains(#"<option value="Karaganda court">Karaganda court</option>"#), "the courts to choose from")
            func spaced(_ text: String) -> String { text.replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ") }
            #expect(spaced(all.text).contains("64 875 ₸"), "the totals of three payments of 5 МРП")

            let karaganda = try await PageTests.page(app, "/fund?lang=ru&at=2026-03-01&region=karaganda", as: fund)
            #expect(karaganda.text.contains("KRG-1") && !karaganda.text.contains("ALM-1"))
            #expect(spaced(karaganda.text).contains("21 625 ₸") && !spaced(karaganda.text).contains("64 875 ₸"), "the totals of what is shown")
            #expect(karaganda.text.contains("/fund/ledger.xlsx?region=karaganda"), "the export keeps the filters")

            let medeu = try await PageTests.page(app, "/fund?lang=kk&at=2026-03-01&court=Medeu%20court", as: fund)
            #expect(medeu.text.contains("ALM-2") && !medeu.text.contains("ALM-1") && !medeu.text.contains("KRG-1"))

            // the API takes the same filters; a region not on the list is refused
            let api = try await app.request(.GET, "/api/v1/fund/ledger?at=2026-03-01&region=almaty-city&court=Almaty%20court", as: fund)
            let entries = try #require(api.json["entries"] as? [[String: Any]])
            #expect(entries.map { $0["caseNumber"] as? String } == ["ALM-1"])
            #expect(entries.first?["court"] as? String == "Almaty court")
            #expect(try await app.request(.GET, "/api/v1/fund/ledger?region=atlantis", as: fund).status == .unprocessableEntity)
            let csv = try await app.request(.GET, "/api/v1/fund/ledger.csv?at=2026-03-01&region=karaganda", as: fund)
            #expect(csv.text.contains("KRG-1") && !csv.text.contains("ALM-1"))
        }
    }

    struct Sheet: Decodable {
        struct Data: Decodable { var row: [Row] }
        struct Row: Decodable { var r: Int; var c: [Cell] }
        struct Cell: Decodable {
            struct Inline: Decodable { var t: String }
            var r: String; var t: String?; var s: Int?; var v: String?; var inline: Inline?
            enum CodingKeys: String, CodingKey { case r, t, s, v, inline = "is" }
            var text: String? { inline?.t ?? v }
        }
        var sheetData: Data
    }

    @Test func theWorkbookIsReadBack() async throws {
        try await withQorgauApp { app in
            try await Self.ledger(app)
            let fund = try await app.makeUser(.fundOfficer)
            let response = try await PageTests.page(app, "/fund/ledger.xlsx?lang=ru&at=2026-03-01&region=almaty-city", as: fund)
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let bytes = Data(buffer: response.body)
            let archive = try Archive(data: bytes, accessMode: .read)
            for part in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"] {
                #expect(archive[part] != nil, "\(part) is in the workbook")
            }
            var xml = Data()
            _ = try archive.extract(archive["xl/worksheets/sheet1.xml"]!) { xml.append($0) }
            let sheet = try XMLDecoder().decode(Sheet.self, from: xml)
            #expect(sheet.sheetData.row.count == 3, "a header and two entries")
            #expect(sheet.sheetData.row[0].c.map(\.text) == ["Номер дела", "Суд", "Дата приговора", "Осуждённый", "ИИН", "Сумма в МРП", "Единица",
                                                              "Сумма", "Валюта", "Срок уплаты", "Статус", "Дата уплаты", "Платёжный документ"])
            let first = try #require(sheet.sheetData.row.dropFirst().first { $0.c[0].text == "ALM-1" }?.c)
            #expect(first[1].text == "Almaty court")
            #expect(Set(sheet.sheetData.row.dropFirst().map { $0.c[0].text }) == ["ALM-1", "ALM-2"])
            #expect(first[2].v == String(LocalDate("2026-02-10")!.daysSinceEpoch + Workbook.excelEpochOffset) && first[2].s == Workbook.Style.date)
            #expect(first[7].v == "21625" && first[7].t == nil, "the amount is a number")

            // openpyxl, Python's reader of Excel files, opens it as Excel would
            let python = "/usr/bin/python3"
            let check = Process()
            check.executableURL = URL(fileURLWithPath: python)
            check.arguments = ["-c", "import openpyxl"]
            try? check.run(); check.waitUntilExit()
            guard check.terminationStatus == 0 else { return } // not installed here: .ci/run installs it
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID()).xlsx")
            try bytes.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let read = Process(), out = Pipe()
            read.executableURL = URL(fileURLWithPath: python)
            read.arguments = ["-c", """
                import sys, openpyxl
                ws = openpyxl.load_workbook(sys.argv[1]).active
                rows = list(ws.iter_rows(values_only=True))
                print(len(rows), sorted(r[0] for r in rows[1:]), rows[1][2].date().isoformat(), rows[1][7], ws.title)
                """, file.path]
            read.standardOutput = out
            try read.run(); read.waitUntilExit()
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(printed.hasPrefix("3 ['ALM-1', 'ALM-2'] 2026-02-10 21625 Фонд компенсации"), "openpyxl read: \(printed)")
        }
    }
}
