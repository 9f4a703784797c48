import Domain
import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
import Web

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
}
