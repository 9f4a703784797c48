import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The case page's history: each change with who made it and the reason given, in the page's
/// language, newest first; a kept version is shown as the reason of its change, not as a row.
@Suite struct CaseHistoryTests {
    @Test func theHistorySaysEachChangeWithItsReason() async throws {
        try await withQorgauApp { app in
            let caseID = try await MonitoringMapTests.caseInForce(app)
            let base = "/api/v1/cases/\(caseID)"
            let incidents = try await app.request(.GET, "\(base)/incidents")
            let incident = try #require((incidents.json["items"] as? [[String: Any]])?.first)
            var corrected = Fixtures.incidentJSON(at: "2025-10-20T19:45:00+05:00")
            corrected["description"] = "Followed her from work to the bus stop"
            let correction = try await app.request(.POST, "\(base)/incidents/\(incident["id"] as! String)/corrections",
                                                   json: ["incident": corrected, "reason": "уточнено время со слов потерпевшей"])
            #expect(correction.status == .ok, "\(correction.text)")
            let orders = try await app.request(.GET, "\(base)/orders")
            let order = try #require((orders.json["items"] as? [[String: Any]])?.first)
            let extended = try await app.request(.PUT, "\(base)/orders/\(order["id"] as! String)/zones",
                                                 json: ["reason": "решение суда о зоне", "zones": [["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300]]])
            #expect(extended.status == .ok)

            let page = try await PageTests.page(app, "/cases/\(caseID)?lang=ru")
            let table = PageTests.visibleText(try #require(page.text.components(separatedBy: "id=\"history-table\"").last?.components(separatedBy: "</table>").first))
            #expect(table.contains("уточнено время со слов потерпевшей"), "the correction's reason")
            #expect(table.contains("решение суда о зоне") && table.contains("изменены зоны"), "the order's change, what and why")
            #expect(!table.contains("version.kept") && !table.contains("order.changed"), "actions in words")
            #expect(table.range(of: "[0-9a-f]{8}-[0-9a-f]{4}-", options: .regularExpression) == nil, "names, not ids")
            let zonesAt = try #require(table.range(of: "решение суда о зоне")), correctionAt = try #require(table.range(of: "уточнено время"))
            #expect(zonesAt.lowerBound < correctionAt.lowerBound, "newest first")
        }
    }
}
