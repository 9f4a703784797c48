import Domain
import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web
import Logging

/// What an operator's tools rely on (issue 29): liveness and readiness, and a request id that
/// ties a proxy's log line to the server's.
@Suite struct OperationsTests {
    @Test func livenessAndReadinessSayWhatTheyChecked() async throws {
        try await withQorgauApp { app in
            let live = try await app.request(.GET, "/health/live", as: nil)
            #expect(live.status == .ok)
            #expect(live.json["version"] as? String == QorgauVersion.current)
            let ready = try await app.request(.GET, "/health/ready", as: nil)
            #expect(ready.status == .ok, "\(ready.text)")
            #expect(ready.json["status"] as? String == "ready")
            #expect(ready.json["database"] as? String == "ok")
            #expect(["built", "not started"].contains(ready.json["monitoring"] as? String ?? ""))
            #expect(ready.json["evidence"] as? String == "writable")
        }
    }

    @Test func everyAnswerCarriesTheRequestIDItWasGivenOrOneOfItsOwn() async throws {
        try await withQorgauApp { app in
            let given = try await app.request(.GET, "/health/live", as: nil, headers: ["X-Request-ID": "proxy-7f3a.1"])
            #expect(given.headers.first(name: "X-Request-ID") == "proxy-7f3a.1")
            let own = try await app.request(.GET, "/health/live", as: nil)
            #expect(!(own.headers.first(name: "X-Request-ID") ?? "").isEmpty)
            // an id that is not a plain token (a header injection, a long value) is not taken
            let odd = try await app.request(.GET, "/health/live", as: nil, headers: ["X-Request-ID": "a b<script>"])
            #expect(odd.headers.first(name: "X-Request-ID") != "a b<script>")
            let long = try await app.request(.GET, "/health/live", as: nil, headers: ["X-Request-ID": String(repeating: "a", count: 200)])
            #expect(long.headers.first(name: "X-Request-ID")?.count != 200)
            // errors carry it too
            let missing = try await app.request(.GET, "/api/v1/cases/not-a-case", headers: ["X-Request-ID": "r-404"])
            #expect(missing.headers.first(name: "X-Request-ID") == "r-404")
        }
    }

    /// A JSON log line is one object with the time, level, logger and message, and the metadata
    /// as fields, whatever the message holds (quotes, a line break, Cyrillic).
    @Test func aJSONLogLineIsOneObjectWithItsMetadata() throws {
        let lines = LockedLines()
        var logger = Logger(label: "qorgau.test") { label in
            JSONLogHandler(label: label, level: .info, write: { lines.append($0) })
        }
        logger[metadataKey: "request-id"] = "r-42"
        logger.debug("not written below the level")
        logger.warning("a \"quoted\"\nmessage, Қорғау", metadata: ["attempt": .stringConvertible(2)])
        let written = lines.all
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.last == 0x0A && line.dropLast().firstIndex(of: 0x0A) == nil, "one line")
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object["message"] as? String == "a \"quoted\"\nmessage, Қорғау")
        #expect(object["level"] as? String == "warning")
        #expect(object["logger"] as? String == "qorgau.test")
        #expect(object["request-id"] as? String == "r-42")
        #expect(object["attempt"] as? String == "2")
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
        #expect(throws: (any Error).self) { try AppConfig.fromEnvironment(["QORGAU_LOG_FORMAT": "xml"], database: .sqliteMemory) }
        #expect(try AppConfig.fromEnvironment(["QORGAU_LOG_FORMAT": "json"], database: .sqliteMemory).logFormat == .json)
    }

    /// Issue 29: Prometheus metrics, behind a token; pings taken and refused by reason, alerts by
    /// kind, the time to store a batch, open alerts; no label names a device, case or place.
    @Test func metricsCountPingsAndAlertsAndAskForTheToken() async throws {
        try await withQorgauApp(settings: { $0.metricsToken = "scrape-secret" }) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
            #expect(imported.status == .created)
            let gateway = try await app.makeUser(.gateway)
            let batch: [[String: Any]] = [
                MonitoringProbe.ping("2025-10-25T10:00:00+05:00", 43.30, 76.95),
                MonitoringProbe.ping("2025-10-25T10:01:00+05:00", 43.2201, 76.8501), // in the home zone
                MonitoringProbe.ping("2025-10-25T10:02:00+05:00", 43.2201, 76.8501, device: "nobody's"),
            ]
            #expect(try await app.request(.POST, "/api/v1/monitoring/pings", json: ["pings": batch], as: gateway).status == .ok)
            #expect(try await app.request(.GET, "/metrics", anonymous: true).status == .unauthorized)
            #expect(try await app.request(.GET, "/metrics", anonymous: true, headers: ["Authorization": "Bearer wrong"]).status == .unauthorized)
            let scraped = try await app.request(.GET, "/metrics", anonymous: true, headers: ["Authorization": "Bearer scrape-secret"])
            #expect(scraped.status == .ok)
            let text = scraped.text
            for line in ["qorgau_pings_total{result=\"accepted\"}", "qorgau_pings_total{result=\"refused\",reason=\"not taken\"}",
                         "qorgau_alerts_raised_total{kind=\"zone\"}", "qorgau_ping_batch_seconds_count", "qorgau_alerts_open ",
                         "qorgau_track_group_pings_count", "qorgau_track_commit_seconds_count", "qorgau_devices_silent ",
                         "http_requests_total"] {
                #expect(text.contains(line), "\(line)")
            }
            for secret in ["bracelet-1", "nobody's", "Victim"] { #expect(!text.contains(secret), "\(secret)") }
            // the victim's latitude, not a figure that happens to hold its digits (a latency sum of 643.22… s)
            #expect(text.range(of: "(^|[^0-9.])43\\.22", options: .regularExpression) == nil, "no position")
        }
    }
}

/// Lines a test's log handler wrote.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Data] = []
    func append(_ line: Data) { lock.withLock { lines.append(line) } }
    var all: [Data] { lock.withLock { lines } }
}
