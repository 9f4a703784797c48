import Cases
import Crypto
import Domain
import Foundation
import NIOConcurrencyHelpers
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// Alerts reaching people: routed by the roster and each user's choices, sent to fake peers on
/// loopback, escalated step by step on a test clock, tried again, never lost or seen twice.
@Suite struct AlertDeliveryTests {
    static let secret = "a-shared-secret-of-the-duty-centre"

    /// A server whose SMS, voice and webhook go to `peer`.
    func withDeliveringApp(_ database: TestDatabase = .sqlite, sharedSchema: String? = nil, peer: FakePeer,
                           _ body: (Application) async throws -> Void) async throws {
        try await withQorgauApp(database, sharedSchema: sharedSchema, settings: { config in
            config.alertChannels = try! AlertChannelSettings.fromEnvironment([
                "QORGAU_WEBHOOK_URL": peer.url + "/duty", "QORGAU_WEBHOOK_SECRET": Self.secret,
                "QORGAU_SMS_URL": peer.url + "/sms", "QORGAU_SMS_AUTHORIZATION": "Bearer gateway-key",
                "QORGAU_VOICE_URL": peer.url + "/voice", "QORGAU_PUBLIC_URL": "https://qorgau.example/",
            ])
        }, body)
    }

    struct Case { var id: UUID; var text: String; var number: String }

    func importCase(_ app: Application) async throws -> Case {
        let number = "T-\(UUID().uuidString.prefix(6))"
        let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: number))
        let text = try #require(imported.json["id"] as? String)
        return Case(id: try #require(UUID(uuidString: text)), text: text, number: number)
    }

    func contact(_ app: Application, _ user: TestUser, _ body: [String: Any]) async throws {
        let response = try await app.request(.PUT, "/api/v1/me/contact", json: body, as: user)
        #expect(response.status == .ok, "\(response.text)")
    }

    /// A clock the test moves.
    final class TestClock: Sendable {
        private let now = NIOLockedValueBox(Date())
        var date: Date { now.withLockedValue { $0 } }
        func advance(_ seconds: TimeInterval) { now.withLockedValue { $0 += seconds } }
        var read: @Sendable () -> Date { { self.date } }
    }

    @Test(arguments: TestDatabase.available)
    func aBreachReachesTheCasesOfficersTheOnCallOfficerAndTheVictimInTheirLanguages(_ database: TestDatabase) async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withDeliveringApp(database, peer: peer) { app in
            let kase = try await importCase(app)
            let offDuty = app.defaultTestUser
            try await contact(app, offDuty, ["language": "ru", "phone": "+77010000009", "channels": ["sms"]])
            let officer = try await app.makeUser(.investigator, cases: [kase.id])
            try await contact(app, officer, ["language": "ru", "phone": "+77010000001", "channels": ["sms"]])
            let onCall = try await app.makeUser(.officer, unit: Fixtures.unit)
            try await contact(app, onCall, ["language": "kk", "phone": "+77010000002", "channels": ["voice"]])
            let victim = try await app.makeUser(.victim, cases: [kase.id])
            try await contact(app, victim, ["language": "kk", "phone": "+77010000003", "channels": ["sms"]])
            let silentVictim = try await app.makeUser(.victim, cases: [kase.id])
            try await contact(app, silentVictim, ["language": "ru", "phone": "+77010000004", "channels": []])
            let elsewhere = try await app.makeUser(.officer, unit: "Another unit")
            try await contact(app, elsewhere, ["language": "ru", "phone": "+77010000005", "channels": ["sms"]])
            let admin = try await app.makeUser(.administrator)
            let roster = try await app.request(.PUT, "/api/v1/units/\(Fixtures.unit.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)/roster",
                                               json: ["duties": [["duty": "onCall", "user": onCall.account.id.uuidString]]], as: admin)
            #expect(roster.status == .ok, "\(roster.text)")

            let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: kase.id)
            let worker = app.makeDeliveryWorker()
            #expect(try await worker.runOnce() > 0)

            let sms = peer.received.filter { $0.path == "/sms" }
            let voice = peer.received.filter { $0.path == "/voice" }
            #expect(sms.count == 2, "the case's investigator and the victim who opted in; not the unit's officer off duty, the other unit's officer nor the victim who did not")
            #expect(voice.count == 1, "the officer on call, by voice as he chose")
            #expect(peer.received.filter { $0.path == "/duty" }.isEmpty, "the duty centre hears of a breach only at the last step")
            let toOfficer = try #require(sms.first { $0.json["to"] as? String == "+77010000001" })
            let officerText = try #require(toOfficer.json["text"] as? String)
            #expect(officerText.contains("Тревога") && officerText.contains(kase.number) && officerText.contains("https://qorgau.example/alerts"))
            #expect(toOfficer.headers.first(name: .authorization) == "Bearer gateway-key")
            let toVictim = try #require(sms.first { $0.json["to"] as? String == "+77010000003" })
            let victimText = try #require(toVictim.json["text"] as? String)
            #expect(victimText.contains("жақын") && victimText.contains("102"), "in Kazakh, with the pack's emergency number: \(victimText)")
            #expect(!victimText.contains(kase.number) && !victimText.contains("Qorgau"), "nothing a glance at her phone would give away")
            #expect(try #require(voice.first?.json["text"] as? String).contains("Дабыл"), "the on-call officer chose Kazakh")

            let listed = try await app.request(.GET, "/api/v1/cases/\(kase.text)/alerts/\(alertID)/deliveries")
            let deliveries = try #require(listed.json["deliveries"] as? [[String: Any]])
            #expect(deliveries.count == 3 && deliveries.allSatisfy { $0["state"] as? String == "sent" })
            #expect(!listed.text.contains("+7701"), "the addresses are not shown")
            let audit = try await AuditStore(db: app.db).list(action: "delivery.sent", limit: 10, after: nil).items
            #expect(audit.count == 3)
            #expect(try await app.request(.GET, "/api/v1/cases/\(kase.text)/alerts/\(alertID)/deliveries", as: elsewhere).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anUnacknowledgedAlertClimbsTheChainAndTheDutyCentreGetsItSigned(_ database: TestDatabase) async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withDeliveringApp(database, peer: peer) { app in
            let kase = try await importCase(app)
            let supervisor = try await app.makeUser(.officer, unit: Fixtures.unit)
            let head = try await app.makeUser(.officer, unit: Fixtures.unit)
            for (user, phone) in [(supervisor, "+77010000011"), (head, "+77010000012")] {
                try await contact(app, user, ["language": "en", "phone": phone, "channels": ["sms"]])
            }
            let admin = try await app.makeUser(.administrator)
            let unitPath = Fixtures.unit.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
            _ = try await app.request(.PUT, "/api/v1/units/\(unitPath)/roster", json: ["duties": [
                ["duty": "onCall", "user": app.defaultTestUser.account.id.uuidString],
                ["duty": "supervisor", "user": supervisor.account.id.uuidString], ["duty": "head", "user": head.account.id.uuidString],
            ]], as: admin)
            let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: kase.id)
            let clock = TestClock()
            let worker = app.makeDeliveryWorker(clock: clock.read)
            try await worker.runOnce()
            #expect(peer.received.isEmpty, "the officer on call chose no channel; the supervisor and head are not told yet")

            clock.advance(301)
            var swept = try await app.monitoring.sweep(db: app.db, now: clock.date, escalateAfter: 300)
            #expect(swept.escalated.count == 1)
            try await worker.runOnce()
            #expect(peer.received.map(\.path) == ["/sms"])
            #expect((peer.received.first?.json["to"] as? String) == "+77010000011", "the supervisor first")
            #expect((peer.received.first?.json["text"] as? String)?.contains("Escalated to you (step 1)") == true)

            clock.advance(100)
            swept = try await app.monitoring.sweep(db: app.db, now: clock.date, escalateAfter: 300)
            #expect(swept.escalated.isEmpty, "each step waits its own time")
            clock.advance(201)
            swept = try await app.monitoring.sweep(db: app.db, now: clock.date, escalateAfter: 300)
            // the zone alert to its last step (and the silence the first sweep reported, to its first)
            #expect(swept.escalated.map(\.id.apiString).filter { $0 == alertID }.count == 1)
            try await worker.runOnce()
            let zoneSMS = peer.received.filter { $0.path == "/sms" && ($0.json["text"] as? String)?.contains("Entered a") == true }
            #expect(zoneSMS.compactMap { $0.json["to"] as? String } == ["+77010000011", "+77010000012"], "the supervisor, then the head")
            let duty = try #require(peer.received.first { $0.path == "/duty" })
            #expect(WebhookSignature.verify(duty.body, timestamp: duty.headers.first(name: WebhookSignature.timestampHeader),
                                            signature: duty.headers.first(name: WebhookSignature.signatureHeader),
                                            key: SymmetricKey(data: Data(Self.secret.utf8)), now: clock.date))
            #expect(!WebhookSignature.verify(duty.body, timestamp: duty.headers.first(name: WebhookSignature.timestampHeader),
                                             signature: duty.headers.first(name: WebhookSignature.signatureHeader),
                                             key: SymmetricKey(data: Data(Self.secret.utf8)), now: clock.date.addingTimeInterval(301)),
                    "outside the replay window")
            var forged = duty.body
            forged[forged.startIndex] = UInt8(ascii: " ")
            #expect(!WebhookSignature.verify(forged, timestamp: duty.headers.first(name: WebhookSignature.timestampHeader),
                                             signature: duty.headers.first(name: WebhookSignature.signatureHeader),
                                             key: SymmetricKey(data: Data(Self.secret.utf8)), now: clock.date))
            #expect((duty.json["alert"] as? [String: Any])?["id"] as? String == alertID)
            #expect((duty.json["event"] as? [String: Any])?["step"] as? Int == 2)
            #expect((duty.json["case"] as? [String: Any])?["number"] as? String == kase.number)

            clock.advance(1000)
            #expect(!(try await app.monitoring.sweep(db: app.db, now: clock.date, escalateAfter: 300).escalated.contains { $0.id.apiString == alertID }),
                    "the last step")
            let events = try #require(try await app.request(.GET, "/api/v1/cases/\(kase.text)/alerts/\(alertID)/deliveries").json["events"]
                as? [[String: Any]])
            #expect(events.compactMap { $0["kind"] as? String } == ["raised", "escalated", "escalated"])
            #expect(events.compactMap { $0["step"] as? Int } == [0, 1, 2])
        }
    }

    @Test func anAcknowledgedAlertClimbsNoFurtherAndAHandOverReachesTheOfficer() async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withDeliveringApp(peer: peer) { app in
            let kase = try await importCase(app)
            let colleague = try await app.makeUser(.officer, unit: Fixtures.unit)
            try await contact(app, colleague, ["language": "ru", "phone": "+77010000021", "channels": ["sms"]])
            let stranger = try await app.makeUser(.officer, unit: "Another unit")
            let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: kase.id)
            let worker = app.makeDeliveryWorker()
            try await worker.runOnce()
            let before = peer.received.count

            let path = "/api/v1/cases/\(kase.text)/alerts/\(alertID)"
            let refused = try await app.request(.POST, path + "/handover", json: ["to": stranger.account.id.uuidString])
            #expect(refused.status == .unprocessableEntity && refused.text.contains("/to"), "not someone who may not see the case")
            let handed = try await app.request(.POST, path + "/handover", json: ["to": colleague.account.id.uuidString, "note": "you are nearer"])
            #expect(handed.status == .ok)
            try await worker.runOnce()
            let message = try #require(peer.received.dropFirst(before).first)
            #expect((message.json["text"] as? String)?.contains("Вам передана тревога") == true)

            let acked = try await app.request(.POST, path + "/acknowledgement", json: ["note": "patrol sent to the address"])
            #expect(acked.status == .ok)
            #expect(try await app.monitoring.sweep(db: app.db, now: Date().addingTimeInterval(10_000), escalateAfter: 300).escalated.isEmpty)
            #expect(try await app.request(.POST, path + "/escalation").status == .conflict)
            let events = try #require(try await app.request(.GET, path + "/deliveries").json["events"] as? [[String: Any]])
            #expect(events.compactMap { $0["kind"] as? String } == ["raised", "handedOver", "acknowledged"])
            #expect(events.last?["note"] as? String == "patrol sent to the address")
            let open = try await app.request(.GET, "/api/v1/monitoring/alerts?open=true")
            #expect((open.json["items"] as? [[String: Any]])?.contains { $0["id"] as? String == alertID } == false)
            let all = try await app.request(.GET, "/api/v1/monitoring/alerts?open=false&limit=1")
            #expect((all.json["items"] as? [[String: Any]])?.count == 1)
            let next = try #require(all.json["nextCursor"] as? String)
            let rest = try await app.request(.GET, "/api/v1/monitoring/alerts?open=false&cursor=\(next)")
            #expect((rest.json["items"] as? [[String: Any]])?.contains { $0["id"] as? String == alertID } == true,
                    "the silence the sweep reported first, the zone alert on the next page")
            let theirs = try await app.request(.GET, "/api/v1/monitoring/alerts?open=false", as: stranger)
            #expect((theirs.json["items"] as? [Any])?.isEmpty == true, "another unit's officer sees none of it")
        }
    }

    @Test func aFailingPeerIsTriedAgainWithTheSameKeyAndARefusalIsFinal() async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withDeliveringApp(peer: peer) { app in
            let kase = try await importCase(app)
            try await contact(app, app.defaultTestUser, ["language": "ru", "phone": "+77010000031", "channels": ["sms", "voice"]])
            peer.answer(.serviceUnavailable, .badRequest) // the first two requests, whichever channel
            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: kase.id)
            let clock = TestClock()
            let worker = app.makeDeliveryWorker(clock: clock.read)
            try await worker.runOnce()
            var deliveries = try await DeliveryStore(db: app.db).deliveries(of: try await alertIDs(app, kase)).values.flatMap { $0 }
            #expect(Set(deliveries.map(\.state)) == [.queued, .failed])
            let retried = try #require(deliveries.first { $0.state == .queued })
            #expect(retried.error == "HTTP 503" && retried.attempts == 1)
            #expect(deliveries.first { $0.state == .failed }?.error == "HTTP 400", "a refusal is not sent again")

            try await worker.runOnce()
            #expect(peer.received.count == 2, "not yet: the back-off holds it")
            clock.advance(2)
            try await worker.runOnce()
            deliveries = try await DeliveryStore(db: app.db).deliveries(of: try await alertIDs(app, kase)).values.flatMap { $0 }
            #expect(deliveries.first { $0.id == retried.id }?.state == .sent)
            let keys = peer.received.compactMap { $0.headers.first(name: "Idempotency-Key") }
            #expect(keys.count == 3 && Set(keys).count == 2, "the retry carries the same key")
            #expect(try await AuditStore(db: app.db).list(action: "delivery.retry", limit: 10, after: nil).items.count == 1)
        }
    }

    @Test(arguments: TestDatabase.withSQLiteFile)
    func aDeliveryTakenByAWorkerThatDiedIsSentByAnotherOnceItsLeaseRunsOut(_ database: TestDatabase) async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withDeliveringApp(database, peer: peer) { app in
            let kase = try await importCase(app)
            try await contact(app, app.defaultTestUser, ["language": "ru", "phone": "+77010000041", "channels": ["sms"]])
            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: kase.id)
            let store = DeliveryStore(db: app.db)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            _ = try await store.route(now: now) { _, _, _ in
                [PlannedDelivery(channel: .sms, recipient: app.defaultTestUser.account.id.uuidString.lowercased(), audience: .officer,
                                 address: "+77010000041", language: "ru")]
            }
            let taken = try await store.claim(owner: "dead", limit: 10, now: now, lease: 60_000)
            #expect(taken.count == 1)
            #expect(try await store.claim(owner: "other", limit: 10, now: now + 1000, lease: 60_000).isEmpty, "held while its lease runs")

            let clock = TestClock()
            clock.advance(61)
            let worker = app.makeDeliveryWorker(clock: clock.read)
            try await worker.runOnce()
            #expect(peer.received.count == 1)
            #expect(peer.received.first?.headers.first(name: "Idempotency-Key") == taken[0].idempotencyKey)
            #expect(try await store.finish(taken[0], owner: "dead", outcome: .sent, now: now + 70_000) == false,
                    "the dead worker's late answer changes nothing")
        }
    }

    @Test func theAlertStreamResumesFromLastEventID() async throws {
        try await withQorgauApp(.sqliteFile) { app in
            let kase = try await importCase(app)
            let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: kase.id)
            let alert = try await MonitoringStore(db: app.db).alert(UUID(uuidString: alertID)!, caseID: kase.id, scope: .all)
            let raisedID = AlertEvent.raisedID(of: alert).uuidString.lowercased()
            _ = try await app.request(.POST, "/api/v1/cases/\(kase.text)/alerts/\(alertID)/acknowledgement", json: ["note": "seen"])

            func stream(after id: String) async throws -> String {
                let listener = try await app.makeUser(.officer, unit: Fixtures.unit)
                var headers = HTTPHeaders()
                headers.add(name: "Last-Event-ID", value: id)
                let listening = await app.monitoring.subscriberCount
                let task = Task { try await app.request(.GET, "/api/v1/monitoring/alerts/stream", as: listener, headers: headers) }
                // the stream is open (it read what it missed before subscribing): its right can now end
                _ = try await withinSeconds(8) {
                    while await app.monitoring.subscriberCount <= listening { try? await Task.sleep(for: .milliseconds(20)) }
                    return true
                }
                try await Task.sleep(for: .milliseconds(200))
                let user = try await UserStore(db: app.db).get(listener.account.id)
                _ = try await Accounts(db: app.db, cost: 4).setDisabled(user, true, by: "test")
                app.tokenCache.clear()
                return try #require(try await withinSeconds(8) { try? await task.value }).text
            }
            let all = try await stream(after: "00000000-0000-7000-8000-000000000000")
            #expect(all.contains("id: \(raisedID)\nevent: alert\n"), "\(all)")
            #expect(all.contains("event: acknowledged"))
            let rest = try await stream(after: raisedID)
            #expect(!rest.contains("event: alert\n") && rest.contains("event: acknowledged"), "only what came after")
        }
    }

    @Test func routingFollowsTheRosterByTimeOfDay() {
        let caseID = UUID(), day = UUID(), night = UUID(), victim = UUID()
        let routing = AlertRouting(channels: [.sms]) { _, _ in 5 * 3600 }
        let facts = RoutingFacts(
            caseID: caseID, unit: "u", jurisdiction: "KZ", granted: [.init(userID: victim, role: "victim")], unitOfficers: [],
            roster: [RosterEntry(duty: .onCall, userID: day, fromMinute: 8 * 60, toMinute: 20 * 60),
                     RosterEntry(duty: .onCall, userID: night, fromMinute: 20 * 60, toMinute: 8 * 60)],
            contacts: [day: Contact(userID: day, language: "ru", phone: "+1", channels: [.sms, .email]),
                       night: Contact(userID: night, language: "ru", phone: "+2", channels: [.sms]),
                       victim: Contact(userID: victim, language: "kk", phone: "+3", channels: [.sms])])
        func alert(_ kind: Alert.Kind, at local: String) -> (AlertEvent, StoredAlert) {
            let at = ZonedDateTime(local)!
            let alert = StoredAlert(caseID: caseID, alert: Alert(kind: kind, device: "d", at: at), createdAt: at.epochMilliseconds)
            return (AlertEvent.raised(alert, by: "monitoring"), alert)
        }
        let (noonEvent, noon) = alert(.silent, at: "2025-10-25T12:00:00+05:00")
        #expect(routing.plan(noonEvent, noon, facts).map(\.address) == ["+1"], "the day's officer, by SMS only: email is not configured")
        let (nightEvent, nightAlert) = alert(.proximity, at: "2025-10-25T23:30:00+05:00")
        #expect(Set(routing.plan(nightEvent, nightAlert, facts).map(\.address)) == ["+2", "+3"], "the night's officer and the victim")
    }

    private func alertIDs(_ app: Application, _ kase: Case) async throws -> [UUID] {
        try await MonitoringStore(db: app.db).alerts(caseID: kase.id, scope: .all).map(\.id)
    }

    @Test(.enabled(if: TestDatabase.postgresURL != nil, TestDatabase.postgresSkipReason))
    func twoInstancesShareTheOutboxAndNoMessageGoesTwice() async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withDeliveringApp(.postgres, peer: peer) { first in
            try await withDeliveringApp(.postgres, sharedSchema: first.testSchema, peer: peer) { second in
                let kase = try await importCase(first)
                for n in 0..<30 {
                    let officer = try await first.makeUser(.investigator, cases: [kase.id])
                    try await contact(first, officer, ["language": "ru", "phone": String(format: "+7701100%04d", n), "channels": ["sms"]])
                }
                let alerts = (0..<5).map { n in
                    StoredAlert(caseID: kase.id, alert: Alert(kind: .zone, order: "o1", zone: 0, device: "bracelet-1", at: ZonedDateTime(epochMilliseconds: nowMilliseconds() + Int64(n), offsetSeconds: 18_000), distanceMeters: 10, accuracyMeters: 5), createdAt: nowMilliseconds() + Int64(n))
                }
                try await MonitoringStore(db: first.db).save(pings: [], alerts: alerts, breaches: [], by: "test")
                var settings = DeliveryWorker.Settings()
                settings.batch = 8
                let one = first.makeDeliveryWorker(settings: settings), other = second.makeDeliveryWorker(settings: settings)
                @Sendable func drain(_ worker: DeliveryWorker) async throws -> Int {
                    var done = 0
                    while case let n = try await worker.runOnce(), n > 0 { done += n }
                    return done
                }
                async let a = drain(one)
                async let b = drain(other)
                let (byFirst, bySecond) = try await (a, b)
                let sms = peer.received.filter { $0.path == "/sms" }
                #expect(sms.count == 5 * 30 && peer.distinct(at: "/sms").count == 150, "every message once: \(sms.count) sent")
                #expect(byFirst > 0 && bySecond > 0, "both instances took part: \(byFirst), \(bySecond)")
            }
        }
    }

    @Test func aGatewaysReceiptMarksTheSMSDeliveredOrNot() async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withDeliveringApp(peer: peer) { app in
            let kase = try await importCase(app)
            let reached = try await app.makeUser(.investigator, cases: [kase.id])
            try await contact(app, reached, ["language": "ru", "phone": "+77010000051", "channels": ["sms"]])
            let unreached = try await app.makeUser(.investigator, cases: [kase.id])
            try await contact(app, unreached, ["language": "ru", "phone": "+77010000052", "channels": ["sms"]])
            let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: kase.id)
            _ = try await app.makeDeliveryWorker().runOnce()
            func id(to phone: String) throws -> String {
                try #require(peer.received.first { $0.json["to"] as? String == phone }?.json["id"] as? String)
            }
            let gateway = try await app.makeUser(.gateway)
            let delivered = try await app.request(.POST, "/api/v1/deliveries/\(try id(to: "+77010000051"))/receipt", json: ["status": "delivered"], as: gateway)
            #expect(delivered.status == .ok && delivered.json["state"] as? String == "delivered" && !delivered.text.contains(kase.number))
            let undelivered = try await app.request(.POST, "/api/v1/deliveries/\(try id(to: "+77010000052"))/receipt",
                                                    json: ["status": "undelivered", "reason": "absent subscriber"], as: gateway)
            #expect(undelivered.json["state"] as? String == "failed")
            let again = try await app.request(.POST, "/api/v1/deliveries/\(try id(to: "+77010000052"))/receipt", json: ["status": "delivered"], as: gateway)
            #expect(again.json["state"] as? String == "failed", "a receipt is taken once")
            let bad = try await app.request(.POST, "/api/v1/deliveries/\(try id(to: "+77010000051"))/receipt", json: ["status": "read"], as: gateway)
            #expect(bad.status == .unprocessableEntity && bad.problemPointers == ["/status"])
            #expect(try await app.request(.POST, "/api/v1/deliveries/\(UUID().uuidString)/receipt", json: ["status": "delivered"], as: gateway).status == .notFound)
            #expect(try await app.request(.POST, "/api/v1/deliveries/\(try id(to: "+77010000051"))/receipt", json: ["status": "delivered"]).status == .forbidden,
                    "an officer cannot forge a receipt")

            let listed = try await app.request(.GET, "/api/v1/cases/\(kase.text)/alerts/\(alertID)/deliveries")
            let states = (listed.json["deliveries"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }.sorted()
            #expect(states == ["delivered", "failed"])
            // a message the gateway never took (it answered 503: tried again later) is not its to report
            let waiting = try await app.makeUser(.investigator, cases: [kase.id])
            try await contact(app, waiting, ["language": "ru", "phone": "+77010000053", "channels": ["sms"]])
            peer.answer(.serviceUnavailable, .serviceUnavailable, .serviceUnavailable)
            let now = nowMilliseconds()
            try await MonitoringStore(db: app.db).save(pings: [], alerts: [StoredAlert(caseID: kase.id, alert: Alert(kind: .zone, order: "o1", zone: 0, device: "bracelet-1", at: ZonedDateTime(epochMilliseconds: now, offsetSeconds: 18_000), distanceMeters: 10, accuracyMeters: 5), createdAt: now)], breaches: [], by: "test")
            _ = try await app.makeDeliveryWorker().runOnce()
            let notTaken = try await app.request(.POST, "/api/v1/deliveries/\(try id(to: "+77010000053"))/receipt", json: ["status": "delivered"], as: gateway)
            #expect(notTaken.json["state"] as? String == "queued")
            let page = try await app.request(.GET, "/alerts?lang=ru")
            #expect(page.text.contains("доставлено на телефон") && page.text.contains("absent subscriber"))
        }
    }

    @Test func aLowBatteryDoesNotClimbTheChainByItself() async throws {
        try await withQorgauApp { app in
            let caseID = try await importCase(app).id
            let long = nowMilliseconds() - 3_600_000
            let alerts = [Alert.Kind.lowBattery, .silent].map { kind in
                StoredAlert(caseID: caseID, alert: Alert(kind: kind, device: "bracelet-1", at: ZonedDateTime(epochMilliseconds: long, offsetSeconds: 18_000)), createdAt: long)
            }
            try await MonitoringStore(db: app.db).save(pings: [], alerts: alerts, breaches: [], by: "test", receivedAt: long)
            let escalated = try await MonitoringStore(db: app.db).escalate(before: nowMilliseconds(), now: nowMilliseconds())
            #expect(escalated.map(\.alert.kind) == [.silent])
        }
    }
}
