import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// What an attacker would send to the alert and contact inputs: each refused or taken, never a 500.
@Suite struct AlertInputTests {
    static let hostile = ["\u{0}", "a\u{0}b", "\u{1F469}\u{200D}\u{1F467}", "\u{202E}evil", String(repeating: "я", count: 5000), "", " ",
                          "\u{FF}\u{FE}", "<script>alert(1)</script>"]

    @Test func hostileNotesPhonesRostersAndStreamCursorsNeverAnswer500() async throws {
        try await withQorgauApp { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
            let caseText = try #require(imported.json["id"] as? String)
            let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: try #require(UUID(uuidString: caseText)))
            let path = "/api/v1/cases/\(caseText)/alerts/\(alertID)"
            let admin = try await app.makeUser(.administrator)
            for value in Self.hostile {
                for (method, route, body) in [
                    (HTTPMethod.POST, path + "/handover", ["to": value, "note": value] as [String: Any]),
                    (.POST, path + "/escalation", ["note": value]),
                    (.PUT, "/api/v1/me/contact", ["language": value, "phone": value, "email": value, "channels": [value]]),
                ] {
                    let answer = try await app.request(method, route, json: body)
                    #expect(answer.status.code < 500, "\(route) \(value.prefix(20).debugDescription): \(answer.status)")
                }
                let roster = try await app.request(.PUT, "/api/v1/units/Test%20unit/roster",
                                                   json: ["duties": [["duty": value, "user": value, "from": value, "to": value]]], as: admin)
                #expect(roster.status == .unprocessableEntity)
                var headers = HTTPHeaders()
                headers.contentType = .urlEncodedForm
                headers.bearerAuthorization = BearerAuthorization(token: app.defaultTestUser.token)
                let form = "note=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                let page = try await app.testing().sendRequest(.POST, "/alerts/\(caseText)/\(alertID)/handover", headers: headers,
                                                               body: ByteBuffer(string: form + "&to=" + form))
                #expect(page.status.code < 500)
            }
            let badCursor = try await app.request(.GET, "/api/v1/monitoring/alerts?cursor=not-a-cursor&open=true")
            #expect(badCursor.status == .unprocessableEntity)
            #expect(try await app.request(.PUT, "/api/v1/units/%00/roster", json: ["duties": []], as: admin).status.code < 500)
            let acked = try await AlertConsoleTests.post(app, "/alerts/\(caseText)/\(alertID)/acknowledge", "note=a%00b")
            #expect(acked.status == .unprocessableEntity, "a NUL in a note is refused, as the API refuses it")
            let events = try await app.request(.GET, path + "/deliveries").json["events"] as? [[String: Any]] ?? []
            #expect(!events.isEmpty && events.allSatisfy { ($0["note"] as? String)?.contains("\u{0}") != true },
                    "no note with a NUL was stored")
        }
    }
}
