import Crypto
import Cases
import Domain
import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting

/// Every route of the router, called by every role and by no one. The expected answers are
/// written out here, apart from the server's own rules, and a route missing from this table fails
/// the test: a new route cannot ship without someone deciding who may call it.
@Suite struct AuthorizationMatrixTests {
    /// Who may call each route; `nil` marks a public route.
    static let expected: [String: Set<Role>?] = {
        let caseReaders: Set<Role> = [.victim, .officer, .investigator, .judge]
        let caseWorkers: Set<Role> = [.officer, .investigator, .judge]
        let everyone = Set(Role.allCases)
        return [
            "GET /health": nil,
            "GET /health/live": nil,
            "GET /health/ready": nil,
            "GET /metrics": nil,
            "GET /api/v1/openapi.json": nil,
            "GET /api/v1/dossier-key": nil,
            "POST /api/v1/auth/tokens": nil,
            "POST /api/v1/auth/password": nil,
            "GET /login": nil,
            "POST /login": nil,
            "GET /login/code": nil,
            "POST /audit/verify": [.auditor],
            "GET /users/:userID/access": [.administrator],
            "GET /users/:userID/reset": [.administrator],
            "GET /units": [.administrator],
            "GET /fund/ledger.xlsx": [.fundOfficer, .officer],
            "POST /units": [.administrator],
            "POST /units/change": [.administrator],
            "GET /units/roster": [.administrator],
            "POST /units/roster": [.administrator],
            "POST /units/roster/remove": [.administrator],
            "POST /users/:userID/sessions/end": [.administrator],
            "POST /users/:userID/tokens/:tokenID/revoke": [.administrator],
            "GET /audit/export.csv": [.auditor],
            "POST /login/code": nil,
            "GET /account/second-factor": everyone,
            "POST /account/second-factor": everyone,
            "POST /account/second-factor/recovery-codes": everyone,
            "POST /account/second-factor/off": everyone,
            "POST /users/:userID/second-factor/reset": [.administrator],
            "DELETE /api/v1/users/:userID/second-factor": [.administrator],
            "POST /exit": nil,
            "GET /assets/:name": nil,
            "GET /sw.js": nil,
            "POST /push/:subscriptionID/remove": everyone,
            "POST /diary/draft": [.victim],
            "POST /diary/draft/discard": [.victim, .officer, .investigator],
            "POST /panic": [.victim],
            "GET /alerts": [.officer, .investigator],
            "POST /contact": everyone,
            "POST /alerts/:caseID/:alertID/acknowledge": [.officer, .investigator],
            "POST /alerts/:caseID/:alertID/handover": [.officer, .investigator],
            "POST /alerts/:caseID/:alertID/escalate": [.officer, .investigator],
            "POST /cases/:caseID/incidents/:incidentID/additions": [.victim],
            "GET /": everyone,
            "GET /search": caseWorkers,
            "GET /fund": [.fundOfficer, .officer],
            "POST /fund/payments": [.fundOfficer],
            "GET /users": [.administrator],
            "GET /audit": [.auditor],
            "POST /users": [.administrator],
            "POST /users/:userID": [.administrator],
            "POST /users/:userID/disable": [.administrator],
            "POST /users/:userID/enable": [.administrator],
            "POST /users/:userID/reset": [.administrator],
            "GET /cases/:caseID": caseWorkers,
            "GET /cases/:caseID/risk": caseWorkers,
            "GET /cases/:caseID/monitoring": caseWorkers,
            "POST /cases/:caseID/zones": [.officer],
            "POST /cases/:caseID/orders/:ref/zones/:zone/remove": [.officer],
            "PUT /api/v1/cases/:caseID/orders/:orderID/zones": [.officer],
            "GET /api/v1/cases/:caseID/devices": caseWorkers,
            "POST /api/v1/cases/:caseID/devices": [.officer],
            "POST /api/v1/cases/:caseID/devices/:deviceID/replacement": [.officer],
            "POST /api/v1/cases/:caseID/devices/:deviceID/removal": [.officer],
            "POST /cases/:caseID/devices": [.officer],
            "POST /cases/:caseID/devices/:deviceID/replace": [.officer],
            "POST /cases/:caseID/devices/:deviceID/remove": [.officer],
            "GET /monitoring/devices": caseWorkers,
            "GET /cases/:caseID/alerts/:alertID": caseWorkers,
            "GET /cases/:caseID/alerts/:alertID/track.jsonl": caseWorkers,
            "POST /cases/:caseID/incidents": [.victim, .officer, .investigator],
            "POST /cases/:caseID/proceedings": [.officer, .investigator],
            "POST /cases": [.officer, .investigator],
            "POST /cases/:caseID/access": [.officer],
            "POST /cases/:caseID/court": [.officer, .investigator],
            "POST /cases/:caseID/orders": [.officer],
            "POST /cases/:caseID/persons": [.officer, .investigator],
            "POST /cases/:caseID/risk": [.officer, .investigator],
            "GET /cases/:caseID/incidents/:incidentID/correct": [.officer, .investigator],
            "POST /cases/:caseID/incidents/:incidentID/correct": [.officer, .investigator],
            "POST /cases/:caseID/incidents/:incidentID/entered-in-error": [.officer, .investigator],
            "POST /cases/:caseID/incidents/:incidentID/restore": [.officer, .investigator],
            "POST /cases/:caseID/persons/:personID/correct": [.officer, .investigator],
            "POST /cases/:caseID/orders/:ref/extend": [.officer],
            "POST /cases/:caseID/orders/:ref/revoke": [.officer],
            "POST /cases/:caseID/administrative-cases": [.officer],
            "POST /cases/:caseID/verdicts": [.officer, .judge],
            "POST /logout": everyone,
            "GET /password": everyone,
            "POST /password": everyone,
            "POST /tokens/:tokenID/revoke": everyone,
            "GET /api/v1/auth/me": everyone,
            "GET /api/v1/auth/tokens": everyone,
            "DELETE /api/v1/auth/tokens/:tokenID": everyone,
            "GET /api/v1/users": [.administrator],
            "POST /api/v1/users": [.administrator],
            "GET /api/v1/users/:userID": [.administrator],
            "PATCH /api/v1/users/:userID": [.administrator],
            "POST /api/v1/users/:userID/password-reset": [.administrator],
            "GET /api/v1/audit": [.auditor],
            "POST /api/v1/case-files": [.officer],
            "GET /api/v1/deadlines": caseWorkers,
            "GET /api/v1/fund/ledger": [.fundOfficer, .officer],
            "POST /api/v1/fund/payments": [.fundOfficer],
            "GET /api/v1/fund/ledger.csv": [.fundOfficer, .officer],
            "GET /api/v1/respondents/:iin": caseWorkers,
            "GET /api/v1/cases": caseReaders,
            "POST /api/v1/cases": [.officer, .investigator],
            "GET /api/v1/cases/:caseID": caseReaders,
            "PATCH /api/v1/cases/:caseID": [.officer, .investigator],
            "GET /api/v1/cases/:caseID/history": caseWorkers,
            "GET /api/v1/cases/:caseID/case-file": caseWorkers,
            "GET /api/v1/cases/:caseID/assessment": caseWorkers,
            "GET /api/v1/cases/:caseID/dossier": caseWorkers,
            "GET /api/v1/cases/:caseID/access": [.officer],
            "POST /api/v1/cases/:caseID/access": [.officer],
            "DELETE /api/v1/cases/:caseID/access/:userID": [.officer],
            "GET /api/v1/cases/:caseID/persons": caseReaders,
            "POST /api/v1/cases/:caseID/persons": [.officer, .investigator],
            "GET /api/v1/cases/:caseID/persons/:personID": caseReaders,
            "POST /api/v1/cases/:caseID/persons/:personID/corrections": [.officer, .investigator],
            "GET /api/v1/cases/:caseID/persons/:personID/history": caseWorkers,
            "GET /api/v1/cases/:caseID/orders": caseReaders,
            "POST /api/v1/cases/:caseID/orders": [.officer],
            "GET /api/v1/cases/:caseID/orders/:orderID": caseReaders,
            "POST /api/v1/cases/:caseID/orders/:orderID/extensions": [.officer],
            "POST /api/v1/cases/:caseID/orders/:orderID/revocation": [.officer],
            "GET /api/v1/cases/:caseID/orders/:orderID/history": caseWorkers,
            "GET /api/v1/cases/:caseID/violations": caseReaders,
            "GET /api/v1/cases/:caseID/deadlines": caseWorkers,
            "GET /api/v1/cases/:caseID/administrative-cases": caseWorkers,
            "POST /api/v1/cases/:caseID/administrative-cases": [.officer],
            "GET /api/v1/cases/:caseID/proceedings": caseWorkers,
            "POST /api/v1/cases/:caseID/proceedings": [.officer, .investigator],
            "POST /api/v1/cases/:caseID/proceedings/:ref/transitions": [.officer, .investigator],
            "GET /api/v1/cases/:caseID/verdicts": caseWorkers,
            "POST /api/v1/cases/:caseID/verdicts": [.officer, .judge],
            "POST /api/v1/cases/:caseID/verdicts/:ref/payment": [.officer, .judge],
            "POST /api/v1/cases/:caseID/verdicts/:ref/entry-into-force": [.officer, .judge],
            "GET /api/v1/risk/instruments": caseWorkers,
            "GET /api/v1/cases/:caseID/risk": caseWorkers,
            "GET /api/v1/cases/:caseID/risk-assessments": caseWorkers,
            "POST /api/v1/cases/:caseID/risk-assessments": [.officer, .investigator],
            "POST /api/v1/monitoring/pings": [.gateway],
            "GET /api/v1/monitoring/pings/socket": [.gateway],
            "GET /api/v1/monitoring/alerts/stream": [.officer, .investigator],
            "GET /api/v1/cases/:caseID/alerts": caseWorkers,
            "POST /api/v1/cases/:caseID/alerts/:alertID/acknowledgement": [.officer, .investigator],
            "POST /api/v1/cases/:caseID/alerts/:alertID/handover": [.officer, .investigator],
            "POST /api/v1/cases/:caseID/alerts/:alertID/escalation": [.officer, .investigator],
            "GET /api/v1/cases/:caseID/alerts/:alertID/deliveries": [.officer, .investigator],
            "GET /api/v1/monitoring/alerts": [.officer, .investigator],
            "GET /api/v1/me/contact": everyone,
            "PUT /api/v1/me/contact": everyone,
            "GET /api/v1/push/key": everyone,
            "POST /api/v1/deliveries/:deliveryID/receipt": [.gateway],
            "GET /api/v1/me/push-subscriptions": everyone,
            "POST /api/v1/me/push-subscriptions": everyone,
            "DELETE /api/v1/me/push-subscriptions/:subscriptionID": everyone,
            "GET /api/v1/units/:unit/roster": [.administrator],
            "PUT /api/v1/units/:unit/roster": [.administrator],
            "GET /api/v1/cases/:caseID/incidents": caseReaders,
            "POST /api/v1/cases/:caseID/incidents": [.victim, .officer, .investigator],
            "GET /api/v1/cases/:caseID/incidents/:incidentID": caseReaders,
            "POST /api/v1/cases/:caseID/incidents/:incidentID/corrections": [.officer, .investigator],
            "POST /api/v1/cases/:caseID/incidents/:incidentID/entered-in-error": [.officer, .investigator],
            "DELETE /api/v1/cases/:caseID/incidents/:incidentID/entered-in-error": [.officer, .investigator],
            "GET /api/v1/cases/:caseID/incidents/:incidentID/history": caseWorkers,
            "POST /api/v1/cases/:caseID/incidents/:incidentID/evidence": [.victim, .officer, .investigator],
            "GET /api/v1/cases/:caseID/evidence": caseReaders,
            "GET /api/v1/cases/:caseID/evidence/:evidenceID": caseReaders,
            "GET /api/v1/cases/:caseID/evidence/:evidenceID/content": caseReaders,
            "GET /api/v1/cases/:caseID/evidence/:evidenceID/custody": caseWorkers,
        ]
    }()

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    @Test func everyRouteHasARule() async throws {
        try await withQorgauApp { app in
            let keys = Set(app.routes.all.map(Self.key))
            for key in keys.sorted() { #expect(Self.expected[key] != nil, "no access rule in the matrix for \(key)") }
            for key in Self.expected.keys.sorted() { #expect(keys.contains(key), "the matrix names \(key), which is not a route") }
        }
    }

    @Test(arguments: TestDatabase.available)
    func everyRoleGetsTheExpectedAnswerOnEveryRoute(_ database: TestDatabase) async throws {
        try await withQorgauApp(database, settings: { config in // every channel's routes on
            config.alertChannels.push = WebPushSender.Settings(subject: "mailto:duty@police.example")
            config.pushKey = P256.Signing.PrivateKey()
        }) { app in
            // Case A is in every case role's scope; case B, of another unit, in no one's.
            var file = Fixtures.caseFileJSON()
            var persons = file["persons"] as! [[String: Any]]
            persons[1]["iin"] = "881117300457"
            file["persons"] = persons
            let mine = try await app.request(.POST, "/api/v1/case-files", json: file)
            let caseAText = try #require(mine.json["id"] as? String)
            let caseA = try #require(UUID(uuidString: caseAText))
            var otherFile = Fixtures.caseFileJSON(device: "bracelet-2")
            otherFile["case"] = ["openedAt": "2025-10-02T09:15:00+05:00", "unit": "Another unit"]
            let other = try await app.request(.POST, "/api/v1/case-files", json: otherFile,
                                              as: try await app.makeUser(.officer, unit: "Another unit"))
            let caseB = try #require(other.json["id"] as? String)

            var users: [Role: TestUser] = [:]
            for role in Role.allCases {
                users[role] = role == .officer ? app.defaultTestUser
                    : try await app.makeUser(role, cases: role.seesGrantedCases ? [caseA] : [])
            }
            let spare = try await app.makeUser(.judge, cases: [caseA])
            let a = caseA.uuidString.lowercased()
            func firstID(_ path: String) async throws -> String {
                let list = try await app.request(.GET, path)
                return try #require((list.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            }
            let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseA)
            let incidentID = try await firstID("/api/v1/cases/\(a)/incidents")
            let uploaded = try await app.upload(Multipart.jpeg(), caseID: a, incidentID: incidentID)
            let ids = [
                "caseID": a, "personID": try await firstID("/api/v1/cases/\(a)/persons"),
                "orderID": try await firstID("/api/v1/cases/\(a)/orders"),
                "incidentID": incidentID, "evidenceID": try #require(uploaded.json["id"] as? String),
                "userID": spare.account.id.uuidString.lowercased(), "iin": "881117300457", "zone": "0", "deviceID": "bracelet-1",
            ]
            // an administrator revokes another user's token: the spare user's
            let spareToken = try #require(try await TokenStoreProbe.lastTokenID(app, of: spare.account.id))

            for route in app.routes.all {
                let key = Self.key(route)
                guard let rule = Self.expected[key] else { continue } // everyRouteHasARule reports it
                let isWeb = !key.contains(" /api/") && !key.hasSuffix(" /health")
                func path(caseID: String, tokenID: String) -> String {
                    "/" + route.path.map { component -> String in
                        guard case .parameter(let name) = component else { return component.description }
                        switch name {
                        case "caseID": return caseID
                        case "tokenID": return key.hasPrefix("POST /users/") ? spareToken : tokenID
                        case "ref": return key.contains("proceedings") ? "c1" : key.contains("/zones/") ? "o1" : "d1"
                        case "alertID": return alertID
                        default: return ids[name] ?? "unknown"
                        }
                    }.joined(separator: "/")
                }
                let body: [String: Any]? = [.POST, .PATCH].contains(route.method) ? [:] : nil

                let anonymous = try await app.request(route.method, path(caseID: a, tokenID: UUID().uuidString), json: body, anonymous: true)
                switch rule {
                case .none:
                    // (POST /login without its form token is 403, the CSRF refusal: public, yet guarded;
                    // /login/code with no sign-in awaiting its code sends back to /login)
                    #expect(anonymous.status != .unauthorized && (anonymous.headers.first(name: .location) != "/login" || key.hasSuffix("/login/code")),
                            "\(key) is public, yet anonymous got \(anonymous.status.code)")
                    continue
                case .some where isWeb:
                    #expect(anonymous.status == .seeOther && anonymous.headers.first(name: .location) == "/login",
                            "\(key): anonymous should be sent to /login, got \(anonymous.status.code)")
                case .some:
                    #expect(anonymous.status == .unauthorized, "\(key): anonymous got \(anonymous.status.code), not 401")
                }
                guard let allowed = rule else { continue }

                for role in Role.allCases {
                    let user = users[role]!
                    if allowed.contains(role), key.hasSuffix("/stream") {
                        continue // an event stream never ends: MonitoringAPITests follows it through the hub
                    }
                    // a fresh token each time: DELETE /api/v1/auth/tokens/{id} revokes the one it is given
                    let own = try await app.makeUser(role, username: user.account.username)
                    let lastToken = try await TokenStoreProbe.lastTokenID(app, of: user.account.id)
                    let tokenID = try #require(lastToken)
                    let response = try await app.request(route.method, path(caseID: a, tokenID: tokenID), json: body, as: own)
                    let code = response.status.code
                    if allowed.contains(role) {
                        #expect(![401, 403, 404].contains(code), "\(key) as \(role): allowed, yet got \(code) \(response.text.prefix(200))")
                        if route.path.contains(where: { $0.description == ":caseID" }) {
                            let outside = try await app.request(route.method, path(caseID: caseB, tokenID: tokenID), json: body, as: own)
                            #expect(outside.status == .notFound, "\(key) as \(role) on a case outside the scope: got \(outside.status.code), not 404")
                        }
                    } else {
                        #expect(code == 403, "\(key) as \(role): not allowed, yet got \(code)")
                    }
                }
            }
        }
    }
}
