import Foundation
import Testing
import TestSupport
import Vapor
import VaporTesting

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
                                             ["kind": "shelter", "polygon": [["lat": 43.2401, "lon": 76.9102], ["lat": 43.2402, "lon": 76.9155],
                                                                             ["lat": 43.2437, "lon": 76.9131]]]]]
            let issued = try await app.request(.POST, "/api/v1/cases/\(caseID)/orders", json: order)
            #expect(issued.status == .created, "\(issued.text)")
            let orderID = try #require(issued.json["id"] as? String)
            let victim = try await app.makeUser(.victim, cases: [caseUUID])
            for path in ["/orders", "/orders/\(orderID)"] {
                let hers = try await app.request(.GET, "/api/v1/cases/\(caseID)" + path, as: victim)
                #expect(hers.status == .ok)
                #expect(hers.text.contains("\"home\"") && hers.text.contains("\"shelter\"") && hers.text.contains("\"noContact\":true"))
                for secret in ["43.2217", "76.8512", "43.2401", "76.9155", "radiusMeters", "polygon"] {
                    #expect(!hers.text.contains(secret), "\(path) gives a victim \(secret)")
                }
                let officers = try await app.request(.GET, "/api/v1/cases/\(caseID)" + path)
                #expect(officers.text.contains("43.2217") && officers.text.contains("76.9155"))
            }
        }
    }

    /// An entry an officer took down from "the victim" is read by every victim of the case: words
    /// one adds would be read by the other, so they are refused there (a photo is still hers
    /// alone); alone in her case she adds words to it as before.
    @Test func wordsAreNotAddedToAnEntryAnotherVictimOfTheCaseReads() async throws {
        try await withQorgauApp { app in
            let (caseID, officersIncident) = try await EvidenceAPITests.caseWithIncident(app)
            let caseUUID = try #require(UUID(uuidString: caseID))
            let mother = try await app.makeUser(.victim, cases: [caseUUID])
            func add(_ words: String, as victim: TestUser) async throws -> TestingHTTPResponse {
                var headers = Multipart.headers
                headers.bearerAuthorization = BearerAuthorization(token: victim.token)
                return try await app.testing().sendRequest(.POST, "/cases/\(caseID)/incidents/\(officersIncident)/additions", headers: headers,
                                                           body: Multipart.body([], name: "", fields: ["addition": words], fileField: "photo"))
            }
            func description() async throws -> String {
                let incident = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents/\(officersIncident)")
                return (incident.json["incident"] as? [String: Any] ?? incident.json)["description"] as? String ?? ""
            }
            #expect(try await add("The car was grey", as: mother).status == .seeOther, "alone in her case")
            #expect(try await description().hasSuffix("The car was grey"))

            let daughter = try await app.makeUser(.victim, cases: [caseUUID])
            let before = try await description()
            let refused = try await add("I was at my new address that night", as: mother)
            #expect(refused.status == .conflict)
            #expect(try await description() == before)
            let diary = try await PageTests.page(app, "/?lang=ru", as: daughter)
            #expect(diary.text.contains("Эту запись видит и другой потерпевший"))
            #expect(!diary.text.contains("id=\"addition-\(officersIncident)\""), "no field for words on the shared entry")
            // her photo is still taken, and hers alone
            var headers = Multipart.headers
            headers.bearerAuthorization = BearerAuthorization(token: mother.token)
            let photo = try await app.testing().sendRequest(.POST, "/cases/\(caseID)/incidents/\(officersIncident)/additions", headers: headers,
                                                            body: Multipart.body(Multipart.jpeg(seed: 7), fileField: "photo"))
            #expect(photo.status == .seeOther)
        }
    }
}
