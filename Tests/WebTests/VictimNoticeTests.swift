import Cases
import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// A victim told of her case (issue 24, 28): her order issued, extended, about to end, revoked;
/// the case registered, in court, decided — in her language, on the channels she chose, read from
/// the audit log whichever path made the change; nobody else, and nothing of an import's history.
@Suite struct VictimNoticeTests {
    let delivering = AlertDeliveryTests()

    func sms(_ peer: FakePeer, to phone: String) -> [String] {
        peer.received.filter { $0.path == "/sms" && $0.json["to"] as? String == phone }.compactMap { $0.json["text"] as? String }
    }

    @Test(arguments: TestDatabase.available)
    func theVictimIsToldEachStepOfHerCaseInHerLanguageAndNobodyElse(_ database: TestDatabase) async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await delivering.withDeliveringApp(database, peer: peer) { app in
            let worker = app.makeDeliveryWorker()
            let imported = try await delivering.importCase(app) // an order and a decided proceeding: history
            let caseText = try await app.createCase(number: "NEWS-1")
            let caseID = try #require(UUID(uuidString: caseText))
            let victim = try await app.makeUser(.victim, cases: [caseID, imported.id])
            try await delivering.contact(app, victim, ["language": "kk", "phone": "+77010000031", "channels": ["sms", "voice"]])
            let quiet = try await app.makeUser(.victim, cases: [caseID])
            try await delivering.contact(app, quiet, ["language": "ru", "phone": "+77010000032", "channels": []])
            try await delivering.contact(app, app.defaultTestUser, ["language": "ru", "phone": "+77010000033", "channels": ["sms"]])
            _ = try await worker.runOnce()
            #expect(peer.received.isEmpty, "an imported case's orders and proceedings are history, not news")

            let base = "/api/v1/cases/\(caseText)"
            let order: [String: Any] = ["type": "protectiveOrder", "issuedAt": "2026-11-20T10:00:00+05:00",
                                        "validUntil": "2027-01-19T10:00:00+05:00", "issuer": "police", "conditions": ["noContact": true]]
            let issued = try await app.request(.POST, "\(base)/orders", json: order)
            let orderID = try #require(issued.json["id"] as? String)
            _ = try await worker.runOnce()
            var told = sms(peer, to: "+77010000031")
            #expect(told.count == 1 && told[0].contains("нұсқама шығарылды") && told[0].contains("2027") && told[0].contains("102"), "\(told)")
            #expect(!told[0].contains("NEWS-1") && !told[0].contains("Qorgau"))
            #expect(peer.received.filter { $0.path == "/voice" }.isEmpty, "news is not a phone call")

            _ = try await app.request(.POST, "\(base)/orders/\(orderID)/extensions", json: ["validUntil": "2027-03-19T10:00:00+05:00", "reason": "more"])
            let incident = try await app.request(.POST, "\(base)/incidents", json: Fixtures.incidentJSON(at: "2026-11-25T12:00:00+05:00", kind: "contact"))
            let ref = try #require(incident.json["ref"] as? String)
            _ = try await app.request(.POST, "\(base)/proceedings", json: ["id": "c1", "article": "KZ.CC.115-1", "registeredAt": "2026-11-28T10:00:00+05:00",
                                                                          "registrationNumber": "257500031000999", "incidents": [ref]])
            _ = try await app.request(.POST, "\(base)/proceedings/c1/transitions", json: ["to": "inCourt", "reason": "indictment"])
            _ = try await app.request(.POST, "\(base)/verdicts", json: ["id": "d1", "proceeding": "c1", "decidedAt": "2026-12-02T16:00:00+05:00",
                                                                       "court": "Almaty court", "outcome": "guilty",
                                                                       "punishment": ["type": "communityService", "hours": 100]])
            _ = try await app.request(.POST, "\(base)/orders/\(orderID)/revocation", json: ["at": "2026-12-03T10:00:00+05:00", "reason": "court"])
            while try await worker.runOnce() > 0 {}
            told = sms(peer, to: "+77010000031")
            for words in ["ұзартылды", "қылмыстық іс қозғалды", "сотқа жіберілді", "шешім шығарды", "жойылды"] {
                #expect(told.contains { $0.contains(words) }, "\(words) in \(told)")
            }
            #expect(told.count == 6, "each step once: \(told)")
            #expect(sms(peer, to: "+77010000032").isEmpty, "a victim who chose no channel hears nothing")
            #expect(sms(peer, to: "+77010000033").isEmpty, "news of her case is hers, not the officers'")
        }
    }

    @Test func anOrderAboutToEndIsToldOnceAndAgainNearItsNewEnd() async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await delivering.withDeliveringApp(peer: peer) { app in
            let clock = AlertDeliveryTests.TestClock()
            var settings = DeliveryWorker.Settings()
            settings.expiringCheckInterval = .zero
            let worker = app.makeDeliveryWorker(settings: settings, clock: clock.read)
            let caseText = try await app.createCase(number: "NEWS-2")
            let victim = try await app.makeUser(.victim, cases: [try #require(UUID(uuidString: caseText))])
            try await delivering.contact(app, victim, ["language": "ru", "phone": "+77010000041", "channels": ["sms"]])
            let format = ISO8601DateFormatter()
            format.timeZone = TimeZone(secondsFromGMT: 18_000)
            let issued = try await app.request(.POST, "/api/v1/cases/\(caseText)/orders", json: [
                "type": "protectiveOrder", "issuedAt": format.string(from: clock.date.addingTimeInterval(-20 * 86_400)),
                "validUntil": format.string(from: clock.date.addingTimeInterval(2 * 86_400)), "issuer": "police", "conditions": ["noContact": true]])
            let orderID = try #require(issued.json["id"] as? String)
            while try await worker.runOnce() > 0 {}
            _ = try await worker.runOnce()
            var told = sms(peer, to: "+77010000041")
            #expect(told.filter { $0.contains("заканчивается") }.count == 1, "ending in two days, told once however often it looks: \(told)")

            _ = try await app.request(.POST, "/api/v1/cases/\(caseText)/orders/\(orderID)/extensions",
                                      json: ["validUntil": format.string(from: clock.date.addingTimeInterval(30 * 86_400)), "reason": "more"])
            while try await worker.runOnce() > 0 {}
            told = sms(peer, to: "+77010000041")
            #expect(told.filter { $0.contains("заканчивается") }.count == 1 && told.contains { $0.contains("продлено") })
            clock.advance(28 * 86_400)
            while try await worker.runOnce() > 0 {}
            #expect(sms(peer, to: "+77010000041").filter { $0.contains("заканчивается") }.count == 2, "near its new end, told again")
        }
    }

    @Test func anArrestIsToldWithItsExpectedEndAndRemindedTheDayBefore() async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await delivering.withDeliveringApp(peer: peer) { app in
            let clock = AlertDeliveryTests.TestClock()
            let worker = app.makeDeliveryWorker(clock: clock.read)
            let caseText = try await app.createCase(number: "NEWS-3")
            let victim = try await app.makeUser(.victim, cases: [try #require(UUID(uuidString: caseText))])
            try await delivering.contact(app, victim, ["language": "ru", "phone": "+77010000061", "channels": ["sms"]])
            let incident = try await app.request(.POST, "/api/v1/cases/\(caseText)/incidents", json: Fixtures.incidentJSON(at: "2026-11-25T12:00:00+05:00", kind: "contact"))
            let ref = try #require(incident.json["ref"] as? String)
            let format = ISO8601DateFormatter()
            format.timeZone = TimeZone(secondsFromGMT: 18_000)
            let arrest = try await app.request(.POST, "/api/v1/cases/\(caseText)/administrative-cases", json: [
                "article": "KZ.CAO.461", "incidents": [ref], "decidedAt": format.string(from: clock.date.addingTimeInterval(-3600)),
                "sanction": ["type": "arrest", "days": 5]])
            #expect(arrest.status == .created, "\(arrest.text)")
            while try await worker.runOnce() > 0 {}
            var told = sms(peer, to: "+77010000061")
            #expect(told.count == 1 && told[0].contains("административный арест") && told[0].contains("около"), "\(told)")
            clock.advance(3 * 86_400)
            while try await worker.runOnce() > 0 {}
            #expect(sms(peer, to: "+77010000061").count == 1, "not yet: the reminder is for the day before")
            clock.advance(86_400 + 60)
            while try await worker.runOnce() > 0 {}
            told = sms(peer, to: "+77010000061")
            #expect(told.count == 2 && told[1].contains("выйти из-под ареста") && told[1].contains("102"), "\(told)")
        }
    }
}
