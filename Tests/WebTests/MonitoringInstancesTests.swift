import Domain
import Monitoring
import SQLKit
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// Pings over a WebSocket, and several instances sharing the monitoring on one PostgreSQL.
@Suite struct MonitoringInstancesTests {
    func importCase(_ app: Application, device: String = "bracelet-1") async throws -> UUID {
        let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(device: device))
        let id = try #require(imported.json["id"] as? String)
        return try #require(UUID(uuidString: id))
    }

    /// Two instances on one PostgreSQL schema, serving on free ports and joined as a cluster on a
    /// channel of their own: `body` gets both, their addresses and the channel.
    func withTwoInstances(_ body: (Application, Application, [String], String) async throws -> Void) async throws {
        try await withQorgauApp(.postgres) { first in
            try await withQorgauApp(.postgres, sharedSchema: first.testSchema) { second in
                let apps = [first, second]
                var peers: [String] = []
                for app in apps { peers.append("http://" + (try await serve(app))) }
                defer { for app in apps { Task { await app.server.shutdown() } } }
                let channel = "qorgau_" + first.testSchema
                for (index, app) in apps.enumerated() {
                    try await app.joinInstances(MonitoringCluster(peers: peers, index: index), channel: channel)
                }
                try await body(first, second, peers, channel)
            }
        }
    }

    /// An order issued in December with a 200 m work zone the fixture case does not have.
    static var workZoneOrder: [String: Any] { [
        "type": "protectiveOrder", "issuedAt": "2025-12-01T10:00:00+05:00", "validUntil": "2025-12-31T10:00:00+05:00",
        "issuer": "District police",
        "conditions": ["noContact": true, "zones": [["kind": "work", "lat": 43.25, "lon": 76.91, "radiusMeters": 200]]],
    ] }

    /// Sends the respondent into the work zone a minute at a time, through `app`, until an alert of
    /// that order is stored (at most 50 pings): how many such alerts there are then.
    func walkIntoTheWorkZone(via app: Application, as gateway: TestUser, caseID: UUID) async throws -> Int {
        func newZoneAlerts() async throws -> Int {
            try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all)
                .filter { $0.kind == "zone" && $0.order != "o1" }.count
        }
        for attempt in 0..<50 where try await newZoneAlerts() == 0 {
            let ping = MonitoringProbe.ping(String(format: "2025-12-02T10:%02d:00+05:00", attempt), 43.2501, 76.9101)
            _ = try await app.request(.POST, "/api/v1/monitoring/pings", json: ["pings": [ping]], as: gateway)
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await newZoneAlerts()
    }

    /// Starts the application's HTTP server on a free port and returns its address.
    func serve(_ app: Application) async throws -> String {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        return "127.0.0.1:\(port)"
    }

    @Test(arguments: TestDatabase.withSQLiteFile)
    func aGatewayKeepsAWebSocketOpenAndEachBatchIsAnsweredInOrder(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await importCase(app)
            let gateway = try await app.makeUser(.gateway)
            let address = try await serve(app)
            defer { Task { await app.server.shutdown() } }
            let (replies, received) = AsyncStream<String>.makeStream()
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: gateway.token)
            let upgraded = app.eventLoopGroup.any().makePromise(of: WebSocket.self)
            try await WebSocket.connect(to: "ws://\(address)/api/v1/monitoring/pings/socket", headers: headers, on: app.eventLoopGroup) { ws in
                ws.onText { _, text in received.yield(text) }
                upgraded.succeed(ws)
            }.get()
            let ws = try await upgraded.futureResult.get()
            func send(_ object: Any) async throws {
                try await ws.send(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
            }
            try await send(["pings": [MonitoringProbe.ping("2025-10-25T10:00:00+05:00", 43.30, 76.95),
                                      MonitoringProbe.ping("2025-10-25T10:01:00+05:00", 43.2201, 76.8501)]])
            try await ws.send("not a batch")
            try await send(["pings": [MonitoringProbe.ping("2025-10-25T10:00:30+05:00", 43.30, 76.95),
                                      MonitoringProbe.ping("2025-10-25T10:02:00+05:00", 43.30, 76.95, device: "nobody's")]])
            var answers: [[String: Any]] = []
            for await reply in replies {
                answers.append(try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any]))
                if answers.count == 3 { break }
            }
            try await ws.close()
            #expect(answers[0]["accepted"] as? Int == 2)
            #expect(answers[0]["alerts"] == nil, "a gateway learns what was taken, not what it meant")
            #expect(answers[1]["status"] as? String == "422")
            #expect((answers[1]["detail"] as? String)?.contains("not valid JSON") == true)
            #expect(answers[2]["accepted"] as? Int == 0)
            let reasons = (answers[2]["refused"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } ?? []
            #expect(reasons.count == 2)
            #expect(reasons.first == IngestResponse.notTaken, "out of order, told as a gateway is told")
            #expect(reasons.last == IngestResponse.notTaken, "an unknown device, told alike")
            let alerts = try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all)
            #expect(alerts.map(\.kind) == ["zone"])

            // the gateway's account disabled while the socket is open: the next message closes it
            let reopened = app.eventLoopGroup.any().makePromise(of: WebSocket.self)
            let (more, moreReceived) = AsyncStream<String>.makeStream()
            try await WebSocket.connect(to: "ws://\(address)/api/v1/monitoring/pings/socket", headers: headers, on: app.eventLoopGroup) { ws in
                ws.onText { _, text in moreReceived.yield(text) }
                ws.onClose.whenComplete { _ in moreReceived.finish() }
                reopened.succeed(ws)
            }.get()
            let second = try await reopened.futureResult.get()
            let admin = try await app.makeUser(.administrator)
            #expect(try await app.request(.PATCH, "/api/v1/users/\(gateway.account.id.uuidString.lowercased())",
                                          json: ["disabled": true], as: admin).status == .ok)
            try await second.send(String(decoding: try JSONSerialization.data(withJSONObject: [
                "pings": [MonitoringProbe.ping("2025-10-25T10:09:00+05:00", 43.30, 76.95)]]), as: UTF8.self))
            var closing: [String] = []
            for await text in more { closing.append(text) }
            #expect(closing.count == 1)
            #expect(closing.first?.contains("\"401\"") == true)
            #expect(second.isClosed)
            let track = try await MonitoringStore(db: app.db).track(caseID: caseID, device: "bracelet-1", from: 0, to: .max)
            #expect(track.count == 2, "nothing sent after the account was disabled was stored")

            // no token, or an officer's: the upgrade is refused
            await #expect(throws: (any Error).self) {
                try await WebSocket.connect(to: "ws://\(address)/api/v1/monitoring/pings/socket", on: app.eventLoopGroup) { _ in }.get()
            }
            var officer = HTTPHeaders()
            officer.bearerAuthorization = BearerAuthorization(token: app.defaultTestUser.token)
            await #expect(throws: (any Error).self) {
                try await WebSocket.connect(to: "ws://\(address)/api/v1/monitoring/pings/socket", headers: officer, on: app.eventLoopGroup) { _ in }.get()
            }
        }
    }

    @Test func theOwnerOfACaseIsTheSameEverywhereAndTheSettingsAreChecked() throws {
        #expect(MonitoringCluster.stableHash("") == 0xcbf2_9ce4_8422_2325)
        #expect(MonitoringCluster.stableHash("a") == 0xaf63_dc4c_8601_ec8c)
        let cluster = MonitoringCluster(peers: ["http://a:8080", "http://b:8080", "http://c:8080"], index: 1)
        let ids = (0..<300).map { _ in UUID() }
        let owners = ids.map(cluster.owner(of:))
        #expect(Set(owners) == [0, 1, 2], "cases spread over every instance")
        #expect(ids.map(MonitoringCluster(peers: cluster.peers, index: 2).owner(of:)) == owners, "every instance agrees")
        #expect(MonitoringCluster.single.owns(UUID()))

        let env = ["QORGAU_INSTANCES": "http://a:8080, http://b:8080/", "QORGAU_INSTANCE_INDEX": "1"]
        let read = try AppConfig.fromEnvironment(env, database: .postgres("postgres://u:p@h/db"))
        #expect(read.cluster == MonitoringCluster(peers: ["http://a:8080", "http://b:8080"], index: 1))
        for bad in [["QORGAU_INSTANCES": "http://a:8080,http://b:8080", "QORGAU_INSTANCE_INDEX": "2"],
                    ["QORGAU_INSTANCES": "http://a:8080,b:8080", "QORGAU_INSTANCE_INDEX": "0"],
                    ["QORGAU_INSTANCE_INDEX": "0"],
                    ["QORGAU_NOTIFY_CHANNEL": "bad channel;"]] {
            #expect(throws: ConfigurationError.self) { try AppConfig.fromEnvironment(bad, database: .postgres("postgres://u:p@h/db")) }
        }
        #expect(throws: ConfigurationError.self, "an SQLite file cannot be shared") {
            try AppConfig.fromEnvironment(env, database: .sqliteFile("/tmp/q.sqlite"))
        }
    }

    @Test func pingsForAnInstanceThatCannotBeReachedAreRefusedSoTheGatewaySendsThemAgain() async throws {
        try await withQorgauApp { app in
            let cluster = MonitoringCluster(peers: ["http://127.0.0.1:1", "http://127.0.0.1:1"], index: 0)
            try await app.joinInstances(cluster, channel: "unused")
            var elsewhere: (UUID, String)?
            for n in 0..<40 where elsewhere == nil {
                let device = "bracelet-\(n)"
                let caseID = try await importCase(app, device: device)
                if !cluster.owns(caseID) { elsewhere = (caseID, device) }
            }
            let (caseID, device) = try #require(elsewhere)
            let gateway = try await app.makeUser(.gateway)
            let ping = MonitoringProbe.ping("2025-10-25T10:01:00+05:00", 43.2201, 76.8501, device: device)
            let unknown = MonitoringProbe.ping("2025-10-25T10:01:00+05:00", 43.2201, 76.8501, device: "nobody's")
            let answer = try await app.request(.POST, "/api/v1/monitoring/pings", json: ["pings": [unknown, ping]], as: gateway)
            #expect(answer.status == .ok)
            #expect(answer.json["accepted"] as? Int == 0)
            let refused = try #require(answer.json["refused"] as? [[String: Any]])
            #expect(refused.map { $0["index"] as? Int } == [0, 1])
            #expect(refused.first?["reason"] as? String == IngestResponse.notTaken)
            #expect((refused.last?["reason"] as? String)?.contains("unavailable; send the ping again") == true)
            #expect(try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all).isEmpty, "nothing stored here")

            // a batch forwarded here for a case this instance does not watch is refused, not taken
            var headers = HTTPHeaders()
            headers.add(name: PingRouter.forwardedHeader, value: "1")
            let forwarded = try await app.request(.POST, "/api/v1/monitoring/pings", json: ["pings": [ping]], as: gateway, headers: headers)
            #expect(((forwarded.json["refused"] as? [[String: Any]])?.first?["reason"] as? String) == IngestResponse.notTaken,
                    "which instance watches a device is not the gateway's to learn")
        }
    }

    /// Two instances on one PostgreSQL: a ping sent to the instance that does not watch its case
    /// is forwarded to the one that does; the alert reaches the officers subscribed on both; an
    /// order issued through one is enforced by the other.
    @Test(.enabled(if: TestDatabase.postgresURL != nil, TestDatabase.postgresSkipReason))
    func twoInstancesShareTheMonitoring() async throws {
        try await withTwoInstances { first, second, peers, _ in
            let apps = [first, second]
            let caseID = try await importCase(first)
            let owner = MonitoringCluster(peers: peers, index: 0).owner(of: caseID)
            let other = apps[1 - owner]
            let gateway = try await first.makeUser(.gateway)
            var heard: [AsyncStream<MonitoringHub.Event>] = []
            for app in apps { heard.append(await app.monitoring.subscribe(scope: .all).1) }

            let far = MonitoringProbe.ping("2025-10-25T10:00:00+05:00", 43.30, 76.95)
            let inside = MonitoringProbe.ping("2025-10-25T10:01:00+05:00", 43.2201, 76.8501)
            let sent = try await other.request(.POST, "/api/v1/monitoring/pings", json: ["pings": [far, inside]], as: gateway)
            #expect(sent.status == .ok)
            #expect(sent.json["accepted"] as? Int == 2, "forwarded to instance \(owner) and taken there")
            #expect(sent.json["alerts"] == nil)
            for index in heard.indices {
                let event = try await withinSeconds(5) { [stream = heard[index]] in
                    var events = stream.makeAsyncIterator()
                    return await events.next()
                }
                #expect(event?.alert.kind == "zone", "instance \(index) tells its officers")
                #expect(event?.alert.caseId == caseID.uuidString.lowercased())
            }
            #expect(await other.monitoring.deviceCount == 1, "the other instance knows where the device is watched")

            // the state is the owner's alone: an earlier ping sent anywhere is out of order
            let late = try await other.request(.POST, "/api/v1/monitoring/pings",
                                               json: ["pings": [MonitoringProbe.ping("2025-10-25T10:00:30+05:00", 43.30, 76.95)]], as: gateway)
            #expect(((late.json["refused"] as? [[String: Any]])?.first?["reason"] as? String) == IngestResponse.notTaken)

            // an order issued through the other instance is enforced by the owner at once
            #expect(try await other.request(.POST, "/api/v1/cases/\(caseID)/orders", json: Self.workZoneOrder).status == .created)
            #expect(try await walkIntoTheWorkZone(via: other, as: gateway, caseID: caseID) == 1,
                    "the owner rebuilt the case's engine when told of the new order")
        }
    }
}

extension MonitoringInstancesTests {
    /// A case moved to another unit through the instance that does not watch it: its next alert,
    /// raised on the instance that does, reaches the new unit's officers on both instances and
    /// the old unit's on neither (issue 22).
    @Test(.enabled(if: TestDatabase.postgresURL != nil, TestDatabase.postgresSkipReason))
    func aCaseMovedThroughOneInstanceIsHeardInItsNewUnitOnBoth() async throws {
        try await withTwoInstances { first, second, peers, _ in
            let apps = [first, second]
            for app in apps { await app.followChanges(every: 0.1) }
            let caseID = try await importCase(first)
            let owner = MonitoringCluster(peers: peers, index: 0).owner(of: caseID)
            let other = apps[1 - owner]
            let gateway = try await first.makeUser(.gateway)
            let warmUp = ["pings": [MonitoringProbe.ping("2025-10-25T09:00:00+05:00", 43.30, 76.95)]]
            #expect(try await other.request(.POST, "/api/v1/monitoring/pings", json: warmUp, as: gateway).json["accepted"] as? Int == 1)
            let newUnit = "Medeu district police"
            _ = try await first.makeUser(.officer, unit: newUnit)
            var there: [AsyncStream<MonitoringHub.Event>] = [], before: [AsyncStream<MonitoringHub.Event>] = []
            for app in apps {
                there.append(await app.monitoring.subscribe(scope: .limited(units: [newUnit], cases: [])).1)
                before.append(await app.monitoring.subscribe(scope: .limited(units: [Fixtures.unit], cases: [])).1)
            }
            let moved = try await other.request(.PATCH, "/api/v1/cases/\(caseID.uuidString.lowercased())",
                                                json: ["unit": newUnit, "reason": "she moved"])
            #expect(moved.status == .ok)
            try await Task.sleep(for: .milliseconds(500)) // the owner reads the change (told, or from the log)

            let far = MonitoringProbe.ping("2025-10-25T10:00:00+05:00", 43.30, 76.95)
            let inside = MonitoringProbe.ping("2025-10-25T10:01:00+05:00", 43.2201, 76.8501)
            #expect(try await other.request(.POST, "/api/v1/monitoring/pings", json: ["pings": [far, inside]], as: gateway)
                .json["accepted"] as? Int == 2)
            for index in apps.indices {
                let heard = try await withinSeconds(5) { [stream = there[index]] in
                    var events = stream.makeAsyncIterator()
                    return await events.next()
                }
                #expect(heard?.alert.caseId == caseID.uuidString.lowercased(), "the new unit hears it on instance \(index)")
                let leaked = try? await withinSeconds(1) { [stream = before[index]] in
                    var events = stream.makeAsyncIterator()
                    return await events.next()
                }
                #expect(leaked == nil, "the old unit hears nothing on instance \(index)")
            }
        }
    }
}

/// The value of `body`, or a failure if it takes longer than `seconds` (a message that never
/// comes fails the test instead of hanging it).
func withinSeconds<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { await body() }
        group.addTask { try await Task.sleep(for: .seconds(seconds)); return nil }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TestSetupError("nothing came within \(seconds) s") }
        return value
    }
}

extension MonitoringInstancesTests {
    /// The line between the instances goes down (its PostgreSQL connections are ended) just as an
    /// order is issued through the instance that does not watch the case: the message is lost, so
    /// the watching instance, once its line is back, rebuilds its engines from the database.
    @Test(.enabled(if: TestDatabase.postgresURL != nil, TestDatabase.postgresSkipReason))
    func aCaseChangedWhileTheLineWasDownIsPickedUpWhenItIsBack() async throws {
        try await withTwoInstances { first, second, peers, channel in
            let apps = [first, second]
            let caseID = try await importCase(first)
            let other = apps[1 - MonitoringCluster(peers: peers, index: 0).owner(of: caseID)]
            let gateway = try await first.makeUser(.gateway)
            _ = try await other.request(.POST, "/api/v1/monitoring/pings",
                                        json: ["pings": [MonitoringProbe.ping("2025-10-25T10:00:00+05:00", 43.30, 76.95)]], as: gateway)

            let ended = try await (first.db as! any SQLDatabase).raw("""
                SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
                WHERE query LIKE \(bind: "LISTEN%" + channel + "%") AND pid <> pg_backend_pid()
                """).all()
            #expect(ended.count == 2, "both instances' lines are cut")
            #expect(try await other.request(.POST, "/api/v1/cases/\(caseID)/orders", json: Self.workZoneOrder).status == .created)

            #expect(try await walkIntoTheWorkZone(via: other, as: gateway, caseID: caseID) == 1,
                    "the watching instance rebuilt its engines when its line came back")
        }
    }
}

/// Group commit: batches queued together are stored together, but one the database refuses
/// does not take the others down with it.
@Suite struct GroupCommitTests {
    @Test(arguments: TestDatabase.withSQLiteFile)
    func aBatchTheDatabaseRefusesFailsAloneAndTheOthersAreStored(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let first = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(device: "bracelet-1"))
            let second = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(device: "bracelet-2"))
            let ids = [first, second].compactMap { ($0.json["id"] as? String).flatMap(UUID.init(uuidString:)) }
            try #require(ids.count == 2)
            let (firstCase, secondCase) = (ids[0], ids[1])
            try await app.monitoring.load(db: app.db)
            // a ping written behind the engine's back: storing the same device and time again breaks the unique index
            let poisoned = ZonedDateTime("2025-10-25T10:05:00+05:00")!
            try await (app.db as! any SQLDatabase).insert(into: "pings")
                .columns("id", "case_id", "device", "at_ms", "at_offset", "lat", "lon", "accuracy", "event", "received_at_ms")
                .values(SQLBind(UUID()), SQLBind(secondCase), SQLBind("bracelet-2"), SQLBind(poisoned.epochMilliseconds),
                        SQLBind(poisoned.offsetSeconds), SQLBind(43.3), SQLBind(76.9), SQLBind(5.0), SQLBind(String?.none), SQLBind(Int64(0)))
                .run()
            if database == .sqliteFile { // the track's writer appends to the journal first, which has no unique index
                try await (app.db as! any SQLDatabase).raw("""
                    CREATE TRIGGER refuse_a_stored_ping BEFORE INSERT ON ping_journal
                    WHEN EXISTS (SELECT 1 FROM pings WHERE device = NEW.device AND at_ms = NEW.at_ms)
                    BEGIN SELECT RAISE(ABORT, 'the track holds this ping already'); END
                    """).run()
            }
            func ping(_ device: String, _ at: String) -> Result<Ping, PingRefusal> {
                .success(Ping(device: device, at: ZonedDateTime(at)!, lat: 43.30, lon: 76.95, accuracy: 5))
            }
            let batches = [[ping("bracelet-1", "2025-10-25T10:01:00+05:00")], [ping("bracelet-2", "2025-10-25T10:05:00+05:00")],
                           [ping("bracelet-1", "2025-10-25T10:02:00+05:00")]]
            let (results, reply) = AsyncStream<(Int, Bool)>.makeStream()
            for (n, batch) in batches.enumerated() {
                await app.monitoring.enqueue(batch, db: app.db, by: "test") { result in
                    if case .success(let outcome) = result { reply.yield((n, outcome.accepted == 1)) } else { reply.yield((n, false)) }
                }
            }
            var outcome: [Int: Bool] = [:]
            for await (n, taken) in results {
                outcome[n] = taken
                if outcome.count == 3 { break }
            }
            #expect(outcome == [0: true, 1: false, 2: true])
            let stored = try await MonitoringStore(db: app.db, trackWriter: app.monitoring.trackWriter)
                .track(caseID: firstCase, device: "bracelet-1", from: 0, to: .max)
            #expect(stored.map(\.at) == [ZonedDateTime("2025-10-25T10:01:00+05:00")!, ZonedDateTime("2025-10-25T10:02:00+05:00")!])
            // the refused batch left nothing in the audit log either
            let report = try await AuditVerifier(db: app.db, blobs: app.blobs).verify()
            #expect(report.problems.map(\.message) == [])
        }
    }
}
