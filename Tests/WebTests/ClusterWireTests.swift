import Cases
import Domain
import Foundation
import Store
import Testing
@testable import Web

/// What instances tell each other over NOTIFY keeps the JSON of the version before the alert bus
/// carried domain values, so instances of both versions hear each other's alerts while a
/// deployment is upgraded one instance at a time.
@Suite struct ClusterWireTests {
    static let caseID = UUID(uuidString: "0f9d6a4e-6a57-4a53-9c37-2c3c5b1f2a10")!

    static func alert() -> StoredAlert {
        var alert = StoredAlert(id: UUID(uuidString: "6c1b3f0e-2b7d-4f7e-9a51-1d2e3f405162")!, caseID: caseID, alert: Alert(kind: .panic, device: "phone-victim-1", at: ZonedDateTime("2026-12-06T10:15:00+05:00")!, accuracyMeters: 12), createdAt: ZonedDateTime("2026-12-06T05:15:00.250Z")!.epochMilliseconds)
        alert.acknowledgedAt = ZonedDateTime("2026-12-06T05:16:00Z")!.epochMilliseconds
        alert.acknowledgedBy = "officer-1"
        return alert
    }

    @Test func newsGoesOverTheWireAndBackAsItWas() throws {
        let position = StoredPing(caseID: Self.caseID, ping: Ping(device: "phone-victim-1", at: Self.alert().at, lat: 43.2389, lon: 76.8897))
        for news in [AlertNews.raised(Self.alert(), position: position),
                     AlertNews(kind: .acknowledged, alert: Self.alert(), eventID: UUID(uuidString: "01938a5c-0000-7000-8000-000000000001"))] {
            let message = ClusterMessage(origin: UUID(), kind: news.kind == .raised ? .alert : .escalation, caseID: Self.caseID,
                                         unit: "almaty-bostandyk", news: news)
            let json = try JSONEncoder().encode(ClusterWire(message))
            let back = try #require(try JSONDecoder().decode(ClusterWire.self, from: json).message)
            #expect(back.origin == message.origin && back.kind == message.kind && back.unit == message.unit)
            let heard = try #require(back.news)
            #expect(heard.kind == news.kind)
            #expect(heard.alert == news.alert)
            #expect(heard.eventID == news.eventID)
            #expect(heard.position?.lat == news.position?.lat && heard.position?.lon == news.position?.lon)
        }
    }

    /// A message as the version before wrote it.
    @Test func aMessageOfTheVersionBeforeIsHeard() throws {
        let json = """
            {"origin":"5E0E1A86-1C4B-4B0C-8F3E-3D7B9B3E6A11","kind":"alert","caseID":"0F9D6A4E-6A57-4A53-9C37-2C3C5B1F2A10",
             "unit":"almaty-bostandyk","event":{"event":"alert","id":"01938a5c-0000-7000-8000-000000000002",
             "alert":{"id":"6c1b3f0e-2b7d-4f7e-9a51-1d2e3f405162","caseId":"0f9d6a4e-6a57-4a53-9c37-2c3c5b1f2a10","kind":"zone",
                      "order":"o1","zone":0,"device":"bracelet-1","at":"2026-12-06T10:15:00+05:00","distanceMeters":40,
                      "accuracyMeters":8,"incident":"m-6c1b3f0e","raisedAt":"2026-12-06T05:15:00.250Z"}}}
            """
        let message = try #require(try JSONDecoder().decode(ClusterWire.self, from: Data(json.utf8)).message)
        let news = try #require(message.news)
        #expect(message.kind == .alert && message.unit == "almaty-bostandyk")
        #expect(news.kind == .raised)
        #expect(news.alert.caseID == Self.caseID && news.alert.kind == .zone && news.alert.zone == 0 && news.alert.incident == "m-6c1b3f0e")
        #expect(news.alert.createdAt == ZonedDateTime("2026-12-06T05:15:00.250Z")!.epochMilliseconds)
        #expect(news.position == nil)
        // and one this version writes is read the same way by the version before: the same keys
        let written = try JSONSerialization.jsonObject(with: JSONEncoder().encode(ClusterWire(message))) as? [String: Any]
        #expect(Set(written?.keys ?? [:].keys) == ["origin", "kind", "caseID", "unit", "event"])
        #expect(Set((written?["event"] as? [String: Any])?.keys ?? [:].keys) == ["event", "alert", "id"])
    }
}
