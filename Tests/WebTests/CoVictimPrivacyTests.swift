import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting
import Store

/// Two victims may share one case (a mother and her daughter followed by the same man). What one
/// writes in her diary is hers: through the API the other sees neither the entry nor its
/// evidence, as her diary page already does not show it; the officers of the case see both.
@Suite struct CoVictimPrivacyTests {
    @Test(arguments: TestDatabase.available)
    func aVictimSeesNeitherTheEntriesNorTheEvidenceOfAnotherVictimOfHerCase(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, officersIncident) = try await EvidenceAPITests.caseWithIncident(app)
            let caseUUID = try #require(UUID(uuidString: caseID))
            let mother = try await app.makeUser(.victim, cases: [caseUUID])
            let daughter = try await app.makeUser(.victim, cases: [caseUUID])
            var entry = Fixtures.incidentJSON(at: "2025-10-23T21:00:00+05:00")
            entry["description"] = "He stood under my new flat's window"
            let logged = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: entry, as: mother)
            #expect(logged.status == .created)
            let entryID = try #require(logged.json["id"] as? String)
            let uploaded = try await app.upload(Multipart.jpeg(), name: "window.jpg", caseID: caseID, incidentID: entryID, as: mother)
            #expect(uploaded.status == .created)
            let evidenceID = try #require(uploaded.json["id"] as? String)
            let officersUpload = try await app.upload(Multipart.jpeg(seed: 2), caseID: caseID, incidentID: officersIncident)
            #expect(officersUpload.status == .created)
            // the fixture's entries were taken down by an officer from the victim: both may add to
            // them, and a photo one of them adds is hers alone
            let sharedPhoto = try await app.upload(Multipart.jpeg(seed: 3), name: "car.jpg", caseID: caseID, incidentID: officersIncident, as: mother)
            #expect(sharedPhoto.status == .created)
            let sharedPhotoID = try #require(sharedPhoto.json["id"] as? String)

            func listed(as user: TestUser?) async throws -> (incidents: [String], evidence: [String]) {
                let incidents = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents", as: user)
                #expect(incidents.status == .ok)
                let evidence = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence", as: user)
                #expect(evidence.status == .ok)
                let items = (try? JSONSerialization.jsonObject(with: Data(buffer: evidence.body))) as? [[String: Any]] ?? []
                return ((incidents.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String },
                        items.compactMap { $0["id"] as? String })
            }

            // the daughter: the case's other entries, not her mother's, nor her mother's photos
            let daughters = try await listed(as: daughter)
            #expect(daughters.incidents.contains(officersIncident))
            #expect(!daughters.incidents.contains(entryID))
            #expect(daughters.evidence.count == 1 && !daughters.evidence.contains(evidenceID) && !daughters.evidence.contains(sharedPhotoID))
            let nobody = UUID().uuidString.lowercased()
            for (path, missing) in [("/incidents/\(entryID)", "/incidents/\(nobody)"), ("/evidence/\(evidenceID)", "/evidence/\(nobody)"),
                                    ("/evidence/\(evidenceID)/content", "/evidence/\(nobody)/content"),
                                    ("/evidence/\(sharedPhotoID)/content", "/evidence/\(nobody)/content")] {
                let answer = try await app.request(.GET, "/api/v1/cases/\(caseID)" + path, as: daughter)
                let none = try await app.request(.GET, "/api/v1/cases/\(caseID)" + missing, as: daughter)
                #expect(answer.status == .notFound, "\(path) as another victim")
                #expect(answer.text == none.text, "the same answer as for an id of nothing")
            }
            // filtered by kind, paged one at a time, the entry is still left out
            let tracking = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents?kind=tracking", as: daughter)
            #expect(tracking.status == .ok)
            #expect(tracking.text.contains(officersIncident) && !tracking.text.contains(entryID))
            var paged: [String] = [], cursor: String?
            repeat {
                let page = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents?limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""), as: daughter)
                paged += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page.json["nextCursor"] as? String
            } while cursor != nil && paged.count < 20
            #expect(paged == daughters.incidents)
            // the order's violations do not name it (it breaks the no-contact condition)
            let violations = try await app.request(.GET, "/api/v1/cases/\(caseID)/violations", as: daughter)
            #expect(violations.status == .ok && !violations.text.contains(entryID))
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)/violations", as: mother).text.contains(entryID))
            // nor may she add to it: the same 404, and her file is not kept
            let filesBefore = EvidenceAPITests.storedFiles(app).count
            let added = try await app.upload(Multipart.jpeg(seed: 4), caseID: caseID, incidentID: entryID, as: daughter)
            let toNothing = try await app.upload(Multipart.jpeg(seed: 4), caseID: caseID, incidentID: nobody, as: daughter)
            #expect(added.status == .notFound && added.text == toNothing.text)
            #expect(EvidenceAPITests.storedFiles(app).count == filesBefore)

            // the mother and the officer see it
            for user: TestUser? in [mother, nil] {
                let seen = try await listed(as: user)
                #expect(seen.incidents.contains(entryID) && seen.incidents.contains(officersIncident))
                #expect(seen.evidence.contains(evidenceID) && seen.evidence.contains(sharedPhotoID) && seen.evidence.count == 3)
                #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents/\(entryID)", as: user).status == .ok)
                #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence/\(evidenceID)/content", as: user).status == .ok)
            }
        }
    }

    /// An order's zones are drawn around the victims' places (her home, the other victim's
    /// shelter): a victim reads them by kind, as her diary names them, never where they are.
    @Test(arguments: TestDatabase.available)
    func aVictimReadsTheOrdersZonesByKindWithoutWhereTheyAre(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, _) = try await EvidenceAPITests.caseWithIncident(app)
            let caseUUID = try #require(UUID(uuidString: caseID))
            var order = CaseChangeTests.order // after the fixture's order o1
            order["issuedAt"] = "2025-11-23T11:00:00+05:00"; order["validUntil"] = "2025-12-23T11:00:00+05:00"
            order["conditions"] = ["noContact": true, "minDistanceMeters": 200,
                                   "zones": [["kind": "home", "lat": 43.2217, "lon": 76.8512, "radiusMeters": 300],
                                             ["kind": "sister's flat, Abay 12", "lat": 43.2301, "lon": 76.8702, "radiusMeters": 100],
                                             ["kind": "shelter", "polygon": [["lat": 43.2401, "lon": 76.9102], ["lat": 43.2402, "lon": 76.9155],
                                                                             ["lat": 43.2437, "lon": 76.9131]]]]]
            let issued = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders", json: order)
            #expect(issued.status == .created, "\(issued.text)")
            let orderID = try #require(issued.json["id"] as? String)
            let victim = try await app.makeUser(.victim, cases: [caseUUID])
            for path in ["/orders", "/orders/\(orderID)"] {
                let hers = try await app.request(.GET, "/api/v1/cases/\(caseID)" + path, as: victim)
                #expect(hers.status == .ok)
                #expect(hers.text.contains("\"home\"") && hers.text.contains("\"noContact\":true"))
                #expect(hers.text.contains("\"other\""), "a kind written freely is said as other")
                for secret in ["43.2217", "76.8512", "43.2401", "76.9155", "radiusMeters", "polygon", "Abay", "shelter"] {
                    #expect(!hers.text.contains(secret), "\(path) gives a victim \(secret)")
                }
                let officers = try await app.request(.GET, "/api/v1/cases/\(caseID)" + path)
                #expect(officers.text.contains("43.2217") && officers.text.contains("76.9155"))
            }
        }
    }

    /// An entry an officer took down from "the victim", or one a case file brought in, is read by
    /// every victim of the case, now or once she is granted it: words one adds would be read by
    /// the other, so words go only to entries she logged herself; a photo is still taken, hers alone.
    @Test(arguments: TestDatabase.available)
    func wordsAreAddedOnlyToAnEntrySheLoggedHerself(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, officersIncident) = try await EvidenceAPITests.caseWithIncident(app)
            let caseUUID = try #require(UUID(uuidString: caseID))
            let mother = try await app.makeUser(.victim, cases: [caseUUID])
            let logged = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents",
                                               json: Fixtures.incidentJSON(at: "2025-10-23T21:00:00+05:00"), as: mother)
            let hers = try #require(logged.json["id"] as? String)
            func add(_ words: String, photo: [UInt8] = [], to entry: String) async throws -> TestingHTTPResponse {
                var headers = Multipart.headers
                headers.bearerAuthorization = BearerAuthorization(token: mother.token)
                headers.add(name: .accept, value: "text/html") // as her browser sends it
                return try await app.testing().sendRequest(.POST, "/cases/\(caseID)/incidents/\(entry)/additions", headers: headers,
                                                           body: Multipart.body(photo, name: photo.isEmpty ? "" : "car.jpg",
                                                                                fields: ["addition": words], fileField: "photo"))
            }
            func description(_ entry: String) async throws -> String {
                let incident = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents/\(entry)")
                return (incident.json["incident"] as? [String: Any] ?? incident.json)["description"] as? String ?? ""
            }
            let added = try await add("The car was grey", to: hers)
            #expect(added.status == .seeOther && added.headers.first(name: .location) == "/?added=\(hers)#entry-\(hers)")
            let told = try await PageTests.page(app, "/?added=\(hers)&lang=ru", as: mother)
            #expect(told.text.contains("id=\"entry-\(hers)\"") && told.text.contains("<p class=\"notice\" role=\"status\">Сохранено.</p>"),
                    "told beside the entry, where the page opens")
            let filesAtFirst = EvidenceAPITests.storedFiles(app).count
            let tooLong = try await add(String(repeating: "a", count: 20_001), photo: Multipart.jpeg(seed: 9), to: hers)
            #expect(tooLong.status == .unprocessableEntity && EvidenceAPITests.storedFiles(app).count == filesAtFirst,
                    "refused before her photo is kept")
            let nothing = try await add("  ", to: hers)
            #expect(nothing.headers.first(name: .location) == "/?nothing=\(hers)#entry-\(hers)")
            #expect(try await PageTests.page(app, "/?nothing=\(hers)&lang=kk", as: mother).text.contains("Ештеңе қосылмады"))
            #expect(try await description(hers).hasSuffix("The car was grey"))
            let casePage = try await PageTests.page(app, "/cases/\(caseID)?lang=ru")
            #expect(casePage.text.contains("дополнено потерпевшим лицом") && !casePage.text.contains("added by the victim"),
                    "the reason Qorgau wrote is said in the officer's language")

            let before = try await description(officersIncident)
            let filesBefore = EvidenceAPITests.storedFiles(app).count
            let refused = try await add("I was at my new address that night", photo: Multipart.jpeg(seed: 8), to: officersIncident)
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("Nothing was changed"), "said on a page, not as a server error")
            #expect(try await description(officersIncident) == before)
            #expect(EvidenceAPITests.storedFiles(app).count == filesBefore, "the photo sent with the refused words is not kept")
            let diary = try await PageTests.page(app, "/?lang=ru", as: mother)
            #expect(diary.text.contains("Эту запись внесла полиция"))
            #expect(!diary.text.contains("id=\"addition-\(officersIncident)\"") && diary.text.contains("id=\"addition-\(hers)\""),
                    "a field for words on her own entry only")
            // a photo alone is taken, and the daughter granted later does not see it
            let photo = try await add("", photo: Multipart.jpeg(seed: 7), to: officersIncident)
            #expect(photo.status == .seeOther)
            let daughter = try await app.makeUser(.victim, cases: [caseUUID])
            let evidence = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence", as: daughter)
            #expect(evidence.status == .ok && !evidence.text.contains("car.jpg"))
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence", as: mother).text.contains("car.jpg"))
        }
    }

    /// Where an entry she did not log took place is given to a victim in words only, and the
    /// violations do not say whether a point lies in a zone: a monitoring breach is the
    /// respondent's position at a zone's edge, and an entry she places anywhere would test it.
    @Test(arguments: TestDatabase.available)
    func aVictimLearnsNoZonesWhereaboutsFromEntriesOrViolations(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let (caseID, _) = try await EvidenceAPITests.caseWithIncident(app)
            let caseUUID = try #require(UUID(uuidString: caseID))
            var order = CaseChangeTests.order
            order["issuedAt"] = "2025-11-23T11:00:00+05:00"; order["validUntil"] = "2025-12-23T11:00:00+05:00"
            order["conditions"] = ["noContact": true, "zones": [["kind": "shelter", "lat": 43.2217, "lon": 76.8512, "radiusMeters": 300]]]
            #expect(try await app.request(.POST, "/api/v1/cases/\(caseID)/orders", json: order).status == .created)
            var breach = Fixtures.incidentJSON(at: "2025-11-25T21:00:00+05:00", kind: "tracking")
            breach["reportedBy"] = "officer"
            breach["place"] = ["text": "the edge of a zone", "lat": 43.2236, "lon": 76.8519]
            let recorded = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: breach)
            #expect(recorded.status == .created, "\(recorded.text)")
            let breachID = try #require(recorded.json["id"] as? String)
            let victim = try await app.makeUser(.victim, cases: [caseUUID])
            var probe = Fixtures.incidentJSON(at: "2025-11-26T21:00:00+05:00", kind: "tracking")
            probe["place"] = ["text": "a guess", "lat": 43.2218, "lon": 76.8513]
            let probed = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: probe, as: victim)
            let probeID = try #require(probed.json["id"] as? String)

            let listed = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents?limit=500", as: victim)
            let one = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents/\(breachID)", as: victim)
            for answer in [listed, one] {
                #expect(answer.status == .ok && answer.text.contains("the edge of a zone"))
                #expect(!answer.text.contains("43.2236") && !answer.text.contains("76.8519"), "no coordinates of an entry she did not log")
            }
            #expect(listed.text.contains("43.2218"), "her own entry keeps the coordinates she gave")
            #expect(try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents/\(breachID)").text.contains("43.2236"))

            let hers = try await app.request(.GET, "/api/v1/cases/\(caseID)/violations", as: victim)
            let officers = try await app.request(.GET, "/api/v1/cases/\(caseID)/violations")
            #expect(hers.status == .ok && !hers.text.contains("zone:"))
            #expect(officers.text.contains("zone:0") && officers.text.contains(probeID))
        }
    }

    /// Which entries are a victim's own, hidden from another victim of her case, is read by her
    /// account being a victim's: no role is changed into or out of a victim's.
    @Test(arguments: TestDatabase.available)
    func aVictimsAccountKeepsItsRole(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let admin = try await app.makeUser(.administrator)
            let victim = try await app.makeUser(.victim)
            let investigator = try await app.makeUser(.investigator)
            for (user, role) in [(victim, "investigator"), (investigator, "victim")] {
                let changed = try await app.request(.PATCH, "/api/v1/users/\(user.account.id.apiString)", json: ["role": role], as: admin)
                #expect(changed.status == .unprocessableEntity && changed.text.contains("victimRoleKept") && changed.text.contains("/role"))
                let page = try await AlertConsoleTests.post(app, "/users/\(user.account.id.apiString)?lang=ru", PageTests.encoded([("role", role)]), as: admin)
                #expect(page.status == .unprocessableEntity && page.text.contains("Роль учётной записи «\(user.account.username)» не изменена"))
            }
            #expect(try await UserStore(db: app.db).get(victim.account.id).role == .victim)
            // the administrator's page offers no such change
            let users = try await PageTests.page(app, "/users?lang=ru", as: admin)
            #expect(users.text.contains("Роль учётной записи потерпевшего лица не меняется"))
            #expect(!users.text.contains("id=\"role-\(victim.account.id.apiString)\""))
            #expect(!users.text.contains("<option value=\"victim\" selected") && users.text.contains("id=\"role-\(investigator.account.id.apiString)\""))
            #expect(try await UserStore(db: app.db).get(investigator.account.id).role == .investigator)
            let renamed = try await app.request(.PATCH, "/api/v1/users/\(victim.account.id.apiString)", json: ["role": "victim", "displayName": "A. S."], as: admin)
            #expect(renamed.status == .ok, "her role unchanged, the rest may change")
        }
    }
}
