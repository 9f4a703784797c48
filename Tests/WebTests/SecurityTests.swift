import Cases
import Domain
import Foundation
import LeafKit
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The attacker's findings (issue 30), each as a test. A request that aborts the server kills
/// this test process, so every test here that sends hostile bodies fails on a crash.
@Suite struct SecurityTests {
    static let boundary = "qorgau-attack"

    static func multipartHeaders(_ boundary: String = boundary) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
        return headers
    }

    /// A form part whose header *name* holds a byte above 0x7F: MultipartKit 4.7.1 indexes past
    /// its table on it and aborts.
    static var poisoned: ByteBuffer {
        var buffer = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\nX-")
        buffer.writeBytes([0xC3, 0xA9, 0xFF])
        buffer.writeString(": 1\r\n\r\nvalue\r\n--\(boundary)--\r\n")
        return buffer
    }

    @Test func aPoisonedMultipartBodyIsRefusedOnEveryRouteWithoutStoppingTheServer() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            // anonymous: the sign-in form and the token route
            for path in ["/login", "/api/v1/auth/tokens", "/api/v1/auth/password"] {
                let response = try await app.testing().sendRequest(.POST, path, headers: Self.multipartHeaders(), body: Self.poisoned)
                #expect(response.status.code >= 400 && response.status.code < 500, "\(path): \(response.status)")
            }
            // with a token: JSON routes refuse multipart before reading it
            var headers = Self.multipartHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: app.defaultTestUser.token)
            let api = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(caseID)/incidents", headers: headers, body: Self.poisoned)
            #expect(api.status == .unsupportedMediaType)
            // the streamed evidence upload
            let incident = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: Fixtures.incidentJSON())
            let incidentID = try #require(incident.json["id"] as? String)
            let upload = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(caseID)/incidents/\(incidentID)/evidence",
                                                             headers: headers, body: Self.poisoned)
            #expect(upload.status == .badRequest)
            // a web form with a session: the CSRF token is not read from a poisoned body
            let session = try await SessionStore(db: app.db).create(for: app.defaultTestUser.account.id, now: nowMilliseconds())
            var web = Self.multipartHeaders()
            web.cookie = HTTPCookies(dictionaryLiteral: (SessionCookie.name, .init(string: session.secret)))
            for path in ["/cases/\(caseID)/incidents", "/cases", "/logout", "/password"] {
                let response = try await app.testing().sendRequest(.POST, path, headers: web, body: Self.poisoned)
                #expect(response.status.code >= 400 && response.status.code < 500, "\(path): \(response.status)")
            }
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)").status == .ok, "still serving")
        }
    }

    @Test func anEmptyOrOverlongBoundaryIsRefused() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let incident = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: Fixtures.incidentJSON())
            let incidentID = try #require(incident.json["id"] as? String)
            for boundary in ["", String(repeating: "b", count: 71), "a\u{7F}b"] {
                var headers = HTTPHeaders()
                headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\"\(boundary)\"")
                headers.bearerAuthorization = BearerAuthorization(token: app.defaultTestUser.token)
                let upload = try await app.testing().sendRequest(.POST, "/api/v1/cases/\(caseID)/incidents/\(incidentID)/evidence",
                                                                 headers: headers, body: ByteBuffer(string: "--\r\n\r\n"))
                #expect(upload.status == .badRequest || upload.status == .unsupportedMediaType, "boundary \(boundary.debugDescription)")
            }
        }
    }

    /// The guard follows MultipartKit's parser state for state: every body it lets through, the
    /// parser reads without meeting a byte it cannot look up. Random bodies built from the
    /// pieces that steer the parser, with high bytes anywhere.
    @Test func theMultipartGuardStandsBeforeTheParserOnRandomBodies() throws {
        var random = SeededGenerator(seed: 30)
        let pieces: [[UInt8]] = [Array("\r\n".utf8), Array("--\(Self.boundary)".utf8), Array("\r\n--\(Self.boundary)".utf8),
                                 Array("Content-Disposition: form-data; name=\"f\"".utf8), Array(":".utf8), Array("\r".utf8),
                                 Array("--".utf8), [0x80], [0xFF], [0xC3, 0xA9], Array("X".utf8), Array(" ".utf8), Array("\n".utf8)]
        var passed = 0
        for _ in 0..<20_000 {
            var body: [UInt8] = []
            for _ in 0..<Int.random(in: 1...24, using: &random) { body += pieces.randomElement(using: &random)! }
            for split in [body.count / 2, 1] where split <= body.count {
                var guardian = MultipartGuard(boundary: Self.boundary)
                let parser = MultipartParser(boundary: Self.boundary)
                do {
                    // in two chunks, as a stream arrives
                    try guardian.scan(body[..<split]); try parser.execute(Array(body[..<split]))
                    try guardian.scan(body[split...]); try parser.execute(Array(body[split...]))
                    passed += 1
                } catch {}
            }
        }
        #expect(passed > 100, "some well-formed bodies went through")
    }

    /// Every route that reads a body, sent mangled bodies of every content type: never a 5xx.
    @Test func everyBodyReadingRouteSurvivesMangledBodies() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let incident = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: Fixtures.incidentJSON())
            let incidentID = try #require(incident.json["id"] as? String)
            let gateway = try await app.makeUser(.gateway)
            let session = try await SessionStore(db: app.db).create(for: app.defaultTestUser.account.id, now: nowMilliseconds())
            let routes = app.routes.all.filter { $0.method != .GET && $0.method != .HEAD }
            let seeds: [String] = ["{\"a\": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}", "{\"x\": \"\\u0000\"}", "[", "\u{0}\u{1}",
                                   "csrf=%ZZ&a[b][c][d][e]=1&&==", "a[]=1&a[0]=2&a[x]=3", "--\(Self.boundary)\r\nX\u{80}: y\r\n\r\n",
                                   String(repeating: "[", count: 5000), "{\"pings\": [{\"device\": 1}]}"]
            let types = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=\(Self.boundary)",
                         "multipart/form-data; boundary=", "text/plain", "multipart/mixed; boundary=x"]
            var random = SeededGenerator(seed: 7)
            for route in routes {
                let path = "/" + route.path.map { component -> String in
                    switch component.description {
                    case ":caseID": caseID
                    case ":incidentID": incidentID
                    case let other where other.hasPrefix(":"): UUID().uuidString.lowercased()
                    case let other: other
                    }
                }.joined(separator: "/")
                for type in types {
                    var bytes = Array(seeds.randomElement(using: &random)!.utf8)
                    if !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0x80...0xFF, using: &random) }
                    for credential in 0..<3 {
                        var headers = HTTPHeaders()
                        headers.replaceOrAdd(name: .contentType, value: type)
                        switch credential {
                        case 0: headers.bearerAuthorization = BearerAuthorization(token: app.defaultTestUser.token)
                        case 1: headers.bearerAuthorization = BearerAuthorization(token: gateway.token)
                        default: headers.cookie = HTTPCookies(dictionaryLiteral: (SessionCookie.name, .init(string: session.secret)))
                        }
                        let response = try await app.testing().sendRequest(route.method, path, headers: headers, body: ByteBuffer(bytes: bytes))
                        #expect(response.status.code < 500, "\(route.method) \(path) as \(type): \(response.status) \(String(buffer: response.body).prefix(200))")
                    }
                }
            }
        }
    }

    // MARK: escaping

    /// Characters that join the next character into one grapheme cluster (prepend, combining,
    /// joiners, variation selectors, Hangul jamo, emoji modifiers, regional indicators).
    static let joiners: [String] = ["\u{0600}", "\u{0605}", "\u{06DD}", "\u{070F}", "\u{110BD}", "\u{0301}", "\u{200D}", "\u{200C}",
                                    "\u{FE0F}", "\u{1100}", "\u{1161}", "\u{11A8}", "\u{1F3FB}", "\u{1F1F0}", "\u{0D4E}", "\u{E0100}", "\r"]

    @Test func escapingSeesEverySpecialCharacterWhateverJoinsIt() {
        for joiner in Self.joiners {
            for special in ["<", ">", "\"", "'", "&"] {
                let escaped = (joiner + special + "script" + joiner + special + joiner).htmlEscaped() // as Leaf escapes every value
                #expect(!escaped.unicodeScalars.contains { "<>\"'".unicodeScalars.contains($0) }, "\(joiner.unicodeScalars.first!.value) before \(special)")
                let scalars = Array(escaped.unicodeScalars)
                for (index, scalar) in scalars.enumerated() where scalar == "&" {
                    let rest = String(String.UnicodeScalarView(scalars[index...].prefix(6)))
                    #expect(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains { rest.unicodeScalars.starts(with: $0.unicodeScalars) })
                }
            }
        }
    }

    @Test func theDossierCarriesNoScriptFromACaseAndForbidsOneInside() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let hostile = "\u{0600}<script>alert(1)\u{0600}</script>\u{0301}<img src=x onerror=alert(2)>"
            var incident = Fixtures.incidentJSON()
            incident["description"] = hostile
            #expect(try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: incident).status == .created)
            let page = try await app.request(.GET, "/api/v1/cases/\(caseID)/dossier").text
            #expect(!page.contains("<script"))
            #expect(!page.contains("<img"))
            #expect(page.contains("Content-Security-Policy"))
            #expect(page.contains("default-src &#39;none&#39;"), "the policy, as an attribute holds it")
        }
    }

    // MARK: streams

    @Test func theAlertStreamEndsWhenItsTokenIsRevoked() async throws {
        try await withQorgauApp(.sqliteFile) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            let listener = try await app.makeUser(.officer, unit: Fixtures.unit)
            let stream = Task { try await app.request(.GET, "/api/v1/monitoring/alerts/stream", as: listener) }
            try await Task.sleep(for: .milliseconds(300))
            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseID)
            try await Task.sleep(for: .milliseconds(300))
            let tokens = try await app.request(.GET, "/api/v1/auth/tokens", as: listener).json["items"] as? [[String: Any]] ?? []
            let tokenID = try #require(tokens.first?["id"] as? String)
            #expect(try await app.request(.DELETE, "/api/v1/auth/tokens/\(tokenID)", as: listener).status == .ok)
            let gateway = try await app.makeUser(.gateway)
            let again = ["pings": [MonitoringProbe.ping("2025-10-25T10:10:00+05:00", 43.30, 76.95),
                                   MonitoringProbe.ping("2025-10-25T10:11:00+05:00", 43.2201, 76.8501)]]
            _ = try await app.request(.POST, "/api/v1/monitoring/pings", json: again, as: gateway)
            let ended = try #require(try await withinSeconds(8) { try? await stream.value })
            #expect(ended.text.components(separatedBy: "event: alert").count - 1 == 1, "the alert before the revocation only")
            #expect(ended.text.contains("event: end"))
        }
    }

    @Test func theAlertStreamNarrowsWhenAGrantIsWithdrawn() async throws {
        try await withQorgauApp(.sqliteFile) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            let investigator = try await app.makeUser(.investigator, cases: [caseID])
            let stream = Task { try await app.request(.GET, "/api/v1/monitoring/alerts/stream", as: investigator) }
            try await Task.sleep(for: .milliseconds(300))
            let withdrawn = try await app.request(.DELETE, "/api/v1/cases/\(caseID.uuidString.lowercased())/access/\(investigator.account.id.uuidString.lowercased())")
            #expect(withdrawn.status.code < 300)
            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseID)
            try await Task.sleep(for: .milliseconds(300))
            let user = try await UserStore(db: app.db).get(investigator.account.id)
            _ = try await Accounts(db: app.db, cost: 4).setDisabled(user, true, by: "test")
            app.tokenCache.clear()
            let ended = try #require(try await withinSeconds(8) { try? await stream.value })
            #expect(!ended.text.contains("event: alert"), "the case left the investigator's scope before its alert")
        }
    }

    // MARK: passwords and tokens

    @Test func aPasswordChangeRevokesTheUsersTokens() async throws {
        try await withQorgauApp { app in
            let officer = try await app.makeUser(.officer, unit: Fixtures.unit)
            #expect(try await app.request(.GET, "/api/v1/auth/me", as: officer).status == .ok)
            let change = try await app.request(.POST, "/api/v1/auth/password", json: [
                "username": officer.account.username, "currentPassword": officer.password, "newPassword": "a new and long passphrase 42",
            ], anonymous: true)
            #expect(change.status == .noContent)
            #expect(try await app.request(.GET, "/api/v1/auth/me", as: officer).status == .unauthorized)
            let other = try await app.makeUser(.officer, unit: Fixtures.unit)
            let admin = try await app.makeUser(.administrator)
            let reset = try await app.request(.POST, "/api/v1/users/\(other.account.id.uuidString.lowercased())/password-reset", as: admin)
            #expect(reset.json["tokensRevoked"] as? Int == 1)
            #expect(try await app.request(.GET, "/api/v1/auth/me", as: other).status == .unauthorized)
        }
    }

    @Test func theTokensOfAUserAreListedAndRevokedInThePages() async throws {
        try await withQorgauApp { app in
            let officer = try await app.makeUser(.officer, unit: Fixtures.unit)
            let session = try await SessionStore(db: app.db).create(for: officer.account.id, now: nowMilliseconds())
            var headers = HTTPHeaders()
            headers.cookie = HTTPCookies(dictionaryLiteral: (SessionCookie.name, .init(string: session.secret)))
            let page = try await app.testing().sendRequest(.GET, "/password?lang=ru", headers: headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("Ваши API-токены"))
            let tokenID = try #require(try await TokenStore(db: app.db).list(of: officer.account.id).first?.id.uuidString.lowercased())
            #expect(page.text.contains("/tokens/\(tokenID)/revoke"))
            headers.contentType = .urlEncodedForm
            let revoked = try await app.testing().sendRequest(.POST, "/tokens/\(tokenID)/revoke", headers: headers,
                                                              body: ByteBuffer(string: "csrf=\(session.csrfToken)"))
            #expect(revoked.status == .seeOther)
            #expect(try await app.request(.GET, "/api/v1/auth/me", as: officer).status == .unauthorized)
            let stranger = try await app.makeUser(.officer, unit: Fixtures.unit)
            let strangersToken = try #require(try await TokenStore(db: app.db).list(of: stranger.account.id).first?.id.uuidString.lowercased())
            let notMine = try await app.testing().sendRequest(.POST, "/tokens/\(strangersToken)/revoke", headers: headers,
                                                              body: ByteBuffer(string: "csrf=\(session.csrfToken)"))
            #expect(notMine.status == .notFound)
            #expect(try await app.request(.GET, "/api/v1/auth/me", as: stranger).status == .ok)

            // a victim's account page has her quick exit, as every page she sees
            let caseID = try #require(UUID(uuidString: try await app.createCase()))
            let victim = try await app.makeUser(.victim, cases: [caseID])
            let hers = try await SessionStore(db: app.db).create(for: victim.account.id, now: nowMilliseconds())
            var victimHeaders = HTTPHeaders()
            victimHeaders.cookie = HTTPCookies(dictionaryLiteral: (SessionCookie.name, .init(string: hers.secret)))
            let account = try await app.testing().sendRequest(.GET, "/password?lang=kk", headers: victimHeaders)
            #expect(account.text.contains("id=\"quick-exit\""))
            #expect(account.text.contains("tel:102"))
        }
    }

    @Test func aWrongCurrentPasswordOnTheWebFormCountsAndIsAudited() async throws {
        try await withQorgauApp { app in
            let officer = try await app.makeUser(.officer, unit: Fixtures.unit)
            let session = try await SessionStore(db: app.db).create(for: officer.account.id, now: nowMilliseconds())
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            headers.cookie = HTTPCookies(dictionaryLiteral: (SessionCookie.name, .init(string: session.secret)))
            headers.replaceOrAdd(name: .acceptLanguage, value: "ru")
            for guess in 1...5 {
                let body = "csrf=\(session.csrfToken)&current=guess\(guess)&new=another+long+passphrase+9&confirm=another+long+passphrase+9"
                let response = try await app.testing().sendRequest(.POST, "/password", headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == .unprocessableEntity)
                #expect(response.text.contains("Текущий пароль указан неверно."), "the form's message in the page's language")
            }
            let actions = try await AuditStore(db: app.db).list(limit: 100, after: nil).items.map(\.action)
            #expect(actions.filter { $0 == "password.change.failed" }.count == 5)
        }
    }

    /// One attempt a minute: the allowance comes back only after 60 s, far longer than a slow
    /// machine takes for three requests (at three a minute it came back after 20 s).
    @Test func signInAttemptsAreLimitedPerSource() async throws {
        try await withQorgauApp(settings: { $0.signInPerMinute = 1 }) { app in
            var statuses: [HTTPStatus] = []
            for _ in 0..<3 {
                statuses.append(try await app.request(.POST, "/api/v1/auth/tokens", json: ["username": "nobody", "password": "x", "name": "x"],
                                                      anonymous: true).status)
            }
            #expect(statuses == [.unauthorized, .tooManyRequests, .tooManyRequests])
        }
    }

    @Test func aSourcesAllowanceComesBackAtItsRate() async {
        let limiter = SignInLimiter(perMinute: 3)
        defer { Task { await limiter.shutdown() } }
        #expect((0..<4).map { _ in limiter.allow(source: "10.0.0.1", now: 1_000) } == [true, true, true, false])
        #expect(limiter.allow(source: "10.0.1.1", now: 1_000), "another network has its own allowance")
        #expect(!limiter.allow(source: "10.0.0.1", now: 1_000 + 19_000), "a third of a minute brings one attempt back, not before")
        #expect(limiter.allow(source: "10.0.0.1", now: 1_000 + 21_000))
        #expect(!limiter.allow(source: "10.0.0.1", now: 1_000 + 21_000))
    }

    @Test func oneSourceIsShutOutOfAnAccountAndOthersAreNot() {
        let limiter = SignInLimiter(perMinute: 100)
        defer { Task { await limiter.shutdown() } }
        for _ in 1...SignInLimiter.failuresPerSource { limiter.fail(account: "victim", source: "10.0.0.66", now: 1000) }
        #expect(limiter.isLocked(account: "victim", source: "10.0.0.66", now: 2000))
        #expect(limiter.isLocked(account: "victim", source: "10.0.0.7", now: 2000), "an address of the same network is the same source")
        #expect(!limiter.isLocked(account: "victim", source: "10.0.9.7", now: 2000), "the owner elsewhere still signs in")
        #expect(!limiter.isLocked(account: "victim", source: "10.0.0.66", now: 1000 + SignInLimiter.sourceLock + 1))
    }

    // MARK: text and audit

    @Test func controlCharactersInTextAreRefusedWithTheirPointer() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            for bad in ["a\u{0}b", "x\u{1B}[31m", "line\rbreak"] {
                var incident = Fixtures.incidentJSON()
                incident["description"] = bad
                let response = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: incident)
                #expect(response.status == .unprocessableEntity)
                #expect(response.problemPointers.contains("/description"))
            }
            var fine = Fixtures.incidentJSON()
            fine["description"] = "first line\r\nsecond\tline\n"
            #expect(try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: fine).status == .created)
        }
    }

    @Test func anonymousRefusalsRecordTheRouteNotThePathAndAreAggregated() async throws {
        try await withQorgauApp { app in
            let before = try await AuditStore(db: app.db).head().seq
            let iin = "850101300123"
            for n in 0..<50 {
                _ = try await app.testing().sendRequest(.GET, "/api/v1/respondents/\(iin)?n=\(n)" + String(repeating: "x", count: 5000))
                _ = try await app.testing().sendRequest(.GET, "/nowhere/\(iin)/" + String(repeating: "y", count: 5000))
            }
            let records = try await AuditStore(db: app.db).list(limit: 500, after: nil).items.filter { $0.seq > before }
            #expect(records.count <= 2, "one row per source and action a minute, not one per request")
            for record in records {
                #expect(!(record.target ?? "").contains(iin))
                #expect(!(record.detail ?? "").contains(iin))
                #expect((record.target ?? "").count < 100)
            }
            #expect(records.contains { $0.target == "GET /api/v1/respondents/:iin" })
        }
    }

    @Test func refusalsGroupByNetworkAndAFloodBeyondCapacityIsStillCounted() {
        let audit = RefusalAudit(capacity: 3)
        #expect(RefusalAudit.network(of: "10.1.2.3") == RefusalAudit.network(of: "10.1.2.250"))
        #expect(RefusalAudit.network(of: "2001:db8::1") == RefusalAudit.network(of: "2001:db8::ffff:2"))
        #expect(RefusalAudit.network(of: "2001:db8::1") != RefusalAudit.network(of: "2001:db9::1"))
        var written = 0
        for n in 0..<200 {
            let source = "10.\(n).0.1" // 200 networks
            if audit.admit(source: source, action: "anonymous.refused", actor: "anonymous", target: "GET /a", detail: "", now: 1000).write { written += 1 }
        }
        #expect(written == 4, "three groups, then one for everything beyond")
        let later = audit.admit(source: "10.199.0.1", action: "anonymous.refused", actor: "anonymous", target: "GET /a", detail: "", now: 1000 + RefusalAudit.window)
        #expect(later.write, "a new minute writes again")
        let known = RefusalAudit()
        #expect(known.admit(source: "10.0.0.1", action: "case.refused", actor: "u1", target: "GET /a", detail: "case 1", now: 0).write)
        #expect(known.admit(source: "10.0.0.1", action: "case.refused", actor: "u1", target: "GET /b", detail: "case 1", now: 1).write,
                "what a known user tried on another route stays on record")
        #expect(!known.admit(source: "10.0.0.1", action: "case.refused", actor: "u1", target: "GET /b", detail: "case 1", now: 2).write)
        var rows = 0
        for n in 0..<500 where known.admit(source: "10.0.0.1", action: "case.refused", actor: "u2", target: "GET /a", detail: "case \(n)", now: 10).write {
            rows += 1
        }
        #expect(rows == RefusalAudit.perActor + 1, "a token trying random case ids writes a few rows a minute, not one per id")
    }

    @Test func readsOfWhatFindsAVictimAreAudited() async throws {
        try await withQorgauApp { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
            let caseID = try #require(imported.json["id"] as? String)
            let orders = try await app.request(.GET, "/api/v1/cases/\(caseID)/orders").json["items"] as? [[String: Any]] ?? []
            let orderID = try #require(orders.first?["id"] as? String)
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)/orders/\(orderID)").status == .ok)
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)/violations").status == .ok)
            #expect(try await app.request(.GET, "/api/v1/deadlines").status == .ok)
            let session = try await SessionStore(db: app.db).create(for: app.defaultTestUser.account.id, now: nowMilliseconds())
            var headers = HTTPHeaders()
            headers.cookie = HTTPCookies(dictionaryLiteral: (SessionCookie.name, .init(string: session.secret)))
            #expect(try await app.testing().sendRequest(.GET, "/", headers: headers).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/search?q=Aigerim", headers: headers).status == .ok)
            let actions = Set(try await AuditStore(db: app.db).list(limit: 200, after: nil).items.map(\.action))
            for read in ["read.orders", "read.order", "read.caseData", "read.deadlines", "read.dashboard", "read.search"] {
                #expect(actions.contains(read), "\(read) is audited")
            }
        }
    }

    // MARK: scopes

    @Test func aVictimSeesThePersonsOfHerCaseMadeForHer() async throws {
        try await withQorgauApp { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
            let caseID = try #require(imported.json["id"] as? String)
            let victim = try await app.makeUser(.victim, cases: [try #require(UUID(uuidString: caseID))])
            let officerView = try await app.request(.GET, "/api/v1/cases/\(caseID)/persons").json["items"] as? [[String: Any]] ?? []
            let victimView = try await app.request(.GET, "/api/v1/cases/\(caseID)/persons", as: victim).json["items"] as? [[String: Any]] ?? []
            #expect(!officerView.isEmpty)
            #expect(!victimView.isEmpty)
            for person in victimView {
                #expect(person["iin"] == nil && person["birthDate"] == nil)
                #expect((person["places"] as? [Any])?.isEmpty ?? true)
                #expect(["victim", "respondent"].contains(person["role"] as? String))
            }
        }
    }

    @Test func aVictimFindsHerCaseOnlyByWhatHerViewOfItShows() async throws {
        try await withQorgauApp { app in
            var file = Fixtures.caseFileJSON(number: "VIEW-1")
            file["persons"] = [["id": "v", "role": "victim", "name": "Сәрсенбаева Әйгерім", "iin": "910402450127"],
                               ["id": "r", "role": "respondent", "name": "Жақсылықов Нұрлан", "iin": "881117300457"],
                               ["id": "w", "role": "witness", "name": "Абенова Гүлнара"]]
            let imported = try await app.request(.POST, "/api/v1/case-files", json: file)
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            let index = SearchIndex(db: app.db), scope = CaseScope.limited(units: [], cases: [caseID])
            #expect(try await index.search("Nurlan", scope: scope, asVictim: true).count == 1, "the respondent, by name")
            #expect(try await index.search("Abenova", scope: scope, asVictim: true).isEmpty, "not a witness")
            #expect(try await index.search("881117300457", scope: scope, asVictim: true).isEmpty, "no IIN confirmed")
            #expect(try await index.search("Abenova", scope: scope).count == 1, "an officer finds the witness")
        }
    }

    @Test func aJSONBodySentAsAnotherTypeIsRefused() async throws {
        try await withQorgauApp { app in
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/plain")
            headers.replaceOrAdd(name: .origin, value: "http://evil.example")
            let body = ByteBuffer(string: #"{"username": "test.officer", "password": "x", "name": "x"}"#)
            let answer = try await app.testing().sendRequest(.POST, "/api/v1/auth/tokens", headers: headers, body: body)
            #expect(answer.status == .unsupportedMediaType, "no page elsewhere can post a password guess as a simple request")
        }
    }

    @Test func onlyTheCasesOwnUnitMovesItAndOnlyToAKnownUnit() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            _ = try await app.makeUser(.officer, unit: "Medeu district police")
            let investigator = try await app.makeUser(.investigator, cases: [try #require(UUID(uuidString: caseID))])
            let byInvestigator = try await app.request(.PATCH, "/api/v1/cases/\(caseID)", json: ["unit": "Medeu district police", "reason": "move"],
                                                       as: investigator)
            #expect(byInvestigator.status == .forbidden)
            let nowhere = try await app.request(.PATCH, "/api/v1/cases/\(caseID)", json: ["unit": "No such unit", "reason": "move"])
            #expect(nowhere.status == .unprocessableEntity)
            #expect(nowhere.problemPointers == ["/unit"])
            let moved = try await app.request(.PATCH, "/api/v1/cases/\(caseID)", json: ["unit": "Medeu district police", "reason": "move"])
            #expect(moved.status == .ok)
            let opened = try await app.request(.POST, "/api/v1/cases", json: ["jurisdiction": "KZ", "openedAt": "2025-10-02T09:15:00+05:00",
                                                                              "unit": "Medeu district police"], as: investigator)
            #expect(opened.status == .unprocessableEntity, "an investigator does not open cases in a unit of their choosing")
        }
    }

    // MARK: low

    @Test func aGrantRefusalDoesNotTellWhoHasAnAccountOrTheirRole() async throws {
        try await withQorgauApp { app in
            let caseID = try await app.createCase()
            let administrator = try await app.makeUser(.administrator, username: "pat.smith")
            let toAdministrator = try await app.request(.POST, "/api/v1/cases/\(caseID)/access", json: ["username": administrator.account.username])
            let toNobody = try await app.request(.POST, "/api/v1/cases/\(caseID)/access", json: ["username": "nobody.at.all"])
            #expect(toAdministrator.status == .unprocessableEntity && toNobody.status == .unprocessableEntity)
            let said = [toAdministrator, toNobody].map { ($0.json["errors"] as? [[String: Any]])?.first?["message"] as? String ?? "" }
            #expect(said[0].replacingOccurrences(of: administrator.account.username, with: "X") == said[1].replacingOccurrences(of: "nobody.at.all", with: "X"))
            #expect(!said[0].contains("administrator"), "the role is not told")
        }
    }

    @Test func aFileNameIsReadWithItsQuotesAndLosesWhatHidesOrReordersText() {
        let parameters = UploadReceiver.dispositionParameters("form-data; name=\"file\"; filename=\"a;b \\\"c\\\".jpg\"; x=1")
        #expect(parameters["name"] == "file")
        #expect(parameters["filename"] == "a;b \"c\".jpg")
        #expect(parameters["x"] == "1")
        #expect(UploadReceiver.safeName("photo\u{202E}gpj.exe") == "photogpj.exe")
        #expect(UploadReceiver.safeName("../../etc/\u{2067}x\u{0}.png") == "x.png")
    }

    @Test func aPathWithAnotherMethodAnswers405WithAllow() async throws {
        try await withQorgauApp { app in
            let response = try await app.request(.PUT, "/api/v1/cases")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers.first(name: "Allow") == "GET, POST")
            #expect(try await app.request(.GET, "/api/v1/nothing-here").status == .notFound)
        }
    }

    @Test func aWebSocketWithASessionMustComeFromQorgausOwnPages() async throws {
        let app = try await Application.make(.testing)
        func request(_ origin: String?) -> Request {
            var headers: HTTPHeaders = ["Host": "qorgau.example:8080"]
            if let origin { headers.add(name: .origin, value: origin) }
            return Request(application: app, headers: headers, on: app.eventLoopGroup.next())
        }
        #expect(AuthorizationMiddleware.sameOrigin(request("https://qorgau.example:8080")))
        #expect(!AuthorizationMiddleware.sameOrigin(request("https://evil.example")))
        #expect(!AuthorizationMiddleware.sameOrigin(request(nil)))
        try await app.asyncShutdown()
    }
}

extension SecurityTests {
    /// The ping WebSocket, sent mangled messages (random bytes as text, binary frames, deep JSON,
    /// control characters): every message is answered (a binary one with 415), and the server
    /// still serves after.
    @Test func thePingSocketSurvivesMangledMessages() async throws {
        try await withQorgauApp(.sqliteFile) { app in
            let gateway = try await app.makeUser(.gateway)
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let replies = Counter()
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: gateway.token)
            let upgraded = app.eventLoopGroup.any().makePromise(of: WebSocket.self)
            // an answer lists every refused ping: larger than websocket-kit's 16 KiB default frame
            try await WebSocket.connect(to: "ws://127.0.0.1:\(port)/api/v1/monitoring/pings/socket", headers: headers,
                                        configuration: .init(maxFrameSize: 1 << 22), on: app.eventLoopGroup) { ws in
                ws.onText { _, _ in replies.add() }
                upgraded.succeed(ws)
            }.get()
            let ws = try await upgraded.futureResult.get()
            var random = SeededGenerator(seed: 99)
            let seeds = ["{\"pings\": [{\"device\": \"\\u0000\", \"at\": 1}]}", String(repeating: "[", count: 3000), "{\"pings\": {}}",
                         "{\"pings\": [" + String(repeating: "{},", count: 500) + "{}]}", "\u{FEFF}{}", "null", "{\"pings\": [[[[]]]]}"]
            let total = 60
            for round in 0..<total {
                var bytes = Array(seeds[round % seeds.count].utf8)
                for _ in 0..<Int.random(in: 0...3, using: &random) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
                do {
                    if round % 5 == 4 {
                        try await ws.send(raw: bytes, opcode: .binary)
                    } else {
                        try await ws.send(String(decoding: bytes, as: UTF8.self))
                    }
                } catch {
                    Issue.record("the socket closed after message \(round - 1) (\(String(describing: ws.closeCode)))")
                    throw error
                }
                for _ in 0..<300 where replies.value <= round { try await Task.sleep(for: .milliseconds(10)) }
                #expect(replies.value == round + 1, "message \(round) answered: \(String(decoding: bytes, as: UTF8.self).prefix(60).debugDescription)")
                if replies.value <= round { break }
            }
            try? await ws.close()
            #expect(replies.value == total, "every message answered")
            let health = try await app.request(.GET, "/health", anonymous: true)
            #expect(health.status == .ok)
        }
    }
}

/// A count that the socket's handler adds to and the test reads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
