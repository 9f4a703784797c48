import Cases
import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
import Web

@Suite struct CaseFileAPITests {
    @Test(arguments: TestDatabase.available)
    func importThenExportThenImportThenExportIsStable(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "CF-1"))
            #expect(imported.status == .created)
            let id = try #require(imported.json["id"] as? String)
            let first = try await app.request(.GET, "/api/v1/cases/\(id)/case-file")
            #expect(first.status == .ok)
            #expect(first.headers.contentType?.description.hasPrefix("application/vnd.qorgau.case-file+json") == true)

            let renumbered = first.text.replacingOccurrences(of: "\"CF-1\"", with: "\"CF-2\"")
                .replacingOccurrences(of: "\"bracelet-1\"", with: "\"bracelet-2\"") // a device is worn in one open case
            let twice = try await app.request(.POST, "/api/v1/case-files", raw: first.text.replacingOccurrences(of: "\"CF-1\"", with: "\"CF-3\""))
            #expect(twice.problemPointers == ["/devices/0/id"], "the same bracelet in two open cases is refused")
            let again = try await app.request(.POST, "/api/v1/case-files", raw: renumbered)
            #expect(again.status == .created)
            let secondID = try #require(again.json["id"] as? String)
            let second = try await app.request(.GET, "/api/v1/cases/\(secondID)/case-file")
            #expect(second.text.replacingOccurrences(of: "\"CF-2\"", with: "\"CF-1\"")
                .replacingOccurrences(of: "\"bracelet-2\"", with: "\"bracelet-1\"") == first.text)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBadCaseFileIsRefusedWholeWithPointersAndNothingIsStored(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            var file = Fixtures.caseFileJSON()
            var incidents = file["incidents"] as! [[String: Any]]
            incidents[1]["kind"] = "stalk"
            file["incidents"] = incidents
            var orders = file["protectiveOrders"] as! [[String: Any]]
            orders[0]["validUntil"] = "2025-01-01T00:00:00+05:00"
            file["protectiveOrders"] = orders
            let response = try await app.request(.POST, "/api/v1/case-files", json: file)
            #expect(response.status == .unprocessableEntity)
            #expect(Set(response.problemPointers) == ["/incidents/1/kind", "/protectiveOrders/0/validUntil"])
            let cases = try await app.request(.GET, "/api/v1/cases")
            #expect((cases.json["items"] as? [Any])?.count == 0)
        }
    }

    /// КоАП 461's sanction bounds are unverified: an administrative case outside them is imported,
    /// with a warning naming the figure in the answer, on the case page, and in the assessment's
    /// unverified figures (issue 23).
    @Test func anImportOutsideAnUnverifiedBoundLandsWithItsWarning() async throws {
        try await withQorgauApp { app in
            var file = Fixtures.caseFileJSON(number: "WARN-1")
            var administrative = try #require(file["administrativeCases"] as? [[String: Any]])
            administrative[0]["sanction"] = ["type": "fine", "mrp": 60]
            file["administrativeCases"] = administrative
            let imported = try await app.request(.POST, "/api/v1/case-files", json: file)
            #expect(imported.status == .created)
            let warning = try #require((imported.json["warnings"] as? [[String: Any]])?.first)
            #expect(warning["pointer"] as? String == "/administrativeCases/0/sanction/mrp")
            #expect((warning["values"] as? [String: String])?["figure"] == "KZ.CAO.461.sanction.fine.max")
            let id = try #require(imported.json["id"] as? String)
            let page = try await app.request(.GET, "/cases/\(id)?lang=ru&at=2025-12-01")
            #expect(page.text.contains("Записи, сохранённые с предупреждением"))
            #expect(page.text.contains("Записано 60 МРП, вне границы (верхний предел наказания «штраф» (ст. 461 КоАП РК)) в 50 МРП"))
            let assessment = try await app.request(.GET, "/api/v1/cases/\(id)/assessment?at=2025-12-01")
            let unverified = ((assessment.json["offences"] as? [[String: Any]])?.first?["unverified"] as? [String]) ?? []
            #expect(unverified.contains("KZ.CAO.461.sanction.fine.max"))
        }
    }

    @Test func theDemoCasesCanBeListedAndRead() async throws {
        try await withQorgauApp { app in
            let loaded = try await Cases.Demo.load(into: app.db)
            #expect(loaded.count >= 4)
            let bostandyk = try await app.makeUser(.officer, unit: "Almaty, Bostandyk district police")
            let list = try await app.request(.GET, "/api/v1/cases?limit=100", as: bostandyk)
            let numbers = (list.json["items"] as? [[String: Any]])?.compactMap { $0["number"] as? String } ?? []
            #expect(numbers == ["ALM-2025-0141"], "an officer lists the cases of their unit only")
            let seed = try #require(loaded.first { $0.number == "ALM-2025-0141" })
            let incidents = try await app.request(.GET, "/api/v1/cases/\(seed.id.uuidString.lowercased())/incidents", as: bostandyk)
            #expect((incidents.json["items"] as? [Any])?.count == 10)
            let again = try await Cases.Demo.load(into: app.db)
            #expect(again.allSatisfy { $0.skipped })
        }
    }
}

