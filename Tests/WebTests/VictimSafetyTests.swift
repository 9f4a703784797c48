import Domain
import FluentKit
import Foundation
import Law
import Presentation
import SQLKit
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The victim's safety on the server side: the quick exit ends her session, what she writes is
/// kept whatever happens to her session or the form, her case is told in her words, and the panic
/// button reaches the officers of her case and nobody else. (The browser side: VictimBrowserTests.)
@Suite struct VictimSafetyTests {
    typealias Browser = SignInPageTests.Browser

    /// A case with a victim who may see it, signed in through the sign-in page.
    static func signedInVictim(_ app: Application) async throws -> (caseID: String, victim: TestUser, browser: Browser) {
        let (caseID, _) = try await EvidenceAPITests.caseWithIncident(app)
        let victim = try await app.makeUser(.victim, cases: [UUID(uuidString: caseID)!])
        let browser = Browser(app)
        let signedIn = try await browser.signIn(victim.account.username, victim.password)
        #expect(signedIn.status == .seeOther)
        return (caseID, victim, browser)
    }

    static func diaryFields(_ description: String, againstWill: String? = "yes") -> [(String, String)] {
        var fields = [("occurredAt", "2025-11-03T18:30"), ("place", "у подъезда"), ("kind", "contact"), ("channel", "inPerson"),
                      ("description", description), ("impact[]", "fear")]
        if let againstWill { fields.append(("againstWill", againstWill)) }
        return fields
    }

    @Test func theQuickExitEndsTheSessionAndLeavesForTheNeutralPage() async throws {
        try await withQorgauApp { app in
            let (_, victim, browser) = try await Self.signedInVictim(app)
            let diary = try await browser.send(.GET, "/?lang=ru")
            #expect(diary.text.contains("id=\"quick-exit\""))
            #expect(diary.text.contains("src=\"/assets/safety.js\""))
            #expect(diary.text.contains("<title>Заметки</title>"), "a neutral tab title without the name of the service")
            let session = try #require(browser.cookies[SessionCookie.name])

            let exit = try await browser.send(.POST, "/exit")
            #expect(exit.status == .seeOther)
            #expect(exit.headers.first(name: .location) == app.qorgauConfig.quickExitURL)
            #expect(exit.headers.first(name: "Clear-Site-Data")?.contains("\"storage\"") == true)
            #expect(browser.cookies[SessionCookie.name] == nil, "the cookie is cleared")

            // Back: the old cookie opens nothing
            browser.cookies[SessionCookie.name] = session
            let back = try await browser.send(.GET, "/")
            #expect(back.status == .seeOther)
            #expect(back.headers.first(name: .location) == "/login")
            let audit = try await AuditStore(db: app.db).list(action: "quickExit", limit: 10, after: nil)
            #expect(audit.items.contains { $0.actor == victim.account.id.apiString })

            // the script it needs is served from Qorgau itself, and the exit works with no session at all
            let script = try await app.testing().sendRequest(.GET, "/assets/safety.js")
            #expect(script.status == .ok)
            #expect(script.headers.contentType?.subType == "javascript")
            #expect(script.body.string.contains("location.replace"))
            #expect(try await app.testing().sendRequest(.POST, "/exit").status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/assets/nothing.js").status == .notFound)
        }
    }

    /// The script marks the exit before it leaves: the page Back asks for ends the session even
    /// when the script's `POST /exit` has not reached the server yet. A new sign-in forgets the mark.
    @Test func theExitMarkEndsTheSessionWithTheFirstRequestThatCarriesIt() async throws {
        try await withQorgauApp { app in
            let (_, victim, browser) = try await Self.signedInVictim(app)
            #expect(try await browser.send(.GET, "/").status == .ok)
            browser.cookies[QuickExit.markCookie] = "1" // what safety.js sets; no POST /exit follows
            let back = try await browser.send(.GET, "/password")
            #expect(back.status == .seeOther)
            #expect(back.headers.first(name: .location) == "/login")
            #expect(browser.cookies[SessionCookie.name] == nil, "the session cookie is cleared")
            #expect(browser.cookies[QuickExit.markCookie] == nil, "the mark is spent")
            let audit = try await AuditStore(db: app.db).list(action: "quickExit", limit: 10, after: nil)
            #expect(audit.items.filter { $0.actor == victim.account.id.apiString }.count == 1)

            // she signs in again with the mark still in the browser: the new session lives
            browser.cookies[QuickExit.markCookie] = "1"
            let again = try await browser.signIn(victim.account.username, victim.password)
            #expect(again.status == .seeOther)
            #expect(browser.cookies[QuickExit.markCookie] == nil, "a new sign-in forgets the mark")
            #expect(try await browser.send(.GET, "/").status == .ok)
        }
    }

    @Test func theSignInAndErrorPagesCarryTheQuickExitAndSpeakHerLanguage() async throws {
        try await withQorgauApp { app in
            let login = try await app.testing().sendRequest(.GET, "/login?lang=kk")
            #expect(login.body.string.contains("id=\"quick-exit\""))
            let (_, _, browser) = try await Self.signedInVictim(app)
            var headers = HTTPHeaders()
            headers.add(name: .accept, value: "text/html,application/xhtml+xml")
            headers.add(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            let missing = try await app.testing().sendRequest(.GET, "/no-such-page?lang=ru", headers: headers)
            #expect(missing.status == .notFound)
            #expect(missing.headers.contentType?.subType == "html")
            #expect(missing.body.string.contains("Страница не найдена"))
            #expect(missing.body.string.contains("id=\"quick-exit\""))
            // the API still answers with a problem document
            let api = try await app.request(.GET, "/api/v1/cases/\(UUID().uuidString.lowercased())")
            #expect(api.headers.contentType == Problem.mediaType)
        }
    }

    @Test func nothingIsAnsweredForHerAndTheQuestionIsInHerLanguage() async throws {
        try await withQorgauApp { app in
            let (caseID, victim, _) = try await Self.signedInVictim(app)
            let diary = try await PageTests.page(app, "/?lang=ru", as: victim)
            #expect(!diary.text.contains("checked"), "nothing is ticked for her")
            #expect(diary.text.contains("Это происходило против вашей воли?"))
            let unanswered = try await PageTests.post(app, "/cases/\(caseID)/incidents?lang=ru", Self.diaryFields("Звонил ночью", againstWill: nil), as: victim)
            #expect(unanswered.status == .unprocessableEntity)
            #expect(unanswered.text.contains("id=\"againstWill-error\""))
            #expect(unanswered.text.contains("Выберите «да» или «нет»."))
            #expect(unanswered.text.contains("Звонил ночью"), "what she wrote comes back")
        }
    }

    @Test func herDraftIsKeptAsSheTypesAndAfterHerSessionEnds() async throws {
        try await withQorgauApp { app in
            let (caseID, victim, browser) = try await Self.signedInVictim(app)
            let page = try await browser.send(.GET, "/?lang=en")
            let csrf = try #require(Browser.csrf(in: page.text))
            let saved = try await browser.send(.POST, "/diary/draft", form: ["csrf": csrf, "description": "He waited by the lift", "place": "home",
                                                                          "againstWill": "yes", "case": caseID])
            #expect(saved.status == .noContent)
            let restored = try await browser.send(.GET, "/?lang=en")
            #expect(restored.text.contains("id=\"draft-restored\""))
            #expect(restored.text.contains("He waited by the lift"))
            // only hers: an officer's page and another victim's diary do not show it
            let other = try await app.makeUser(.victim, cases: [UUID(uuidString: caseID)!])
            #expect(!(try await PageTests.page(app, "/?lang=en", as: other)).text.contains("He waited by the lift"))
            #expect(!(try await PageTests.page(app, "/cases/\(caseID)?lang=en")).text.contains("He waited by the lift"))

            // the session ends while she writes; she submits; signing in again brings her entry back
            try await (app.db as! any SQLDatabase).raw("UPDATE sessions SET last_seen_ms = 0").run()
            var (headers, body) = PageTests.form(Self.diaryFields("Followed me to the metro, I was scared"))
            headers.add(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            let late = try await app.testing().sendRequest(.POST, "/cases/\(caseID)/incidents", headers: headers, body: body)
            #expect(late.status == .seeOther)
            #expect(late.headers.first(name: .location) == "/login?kept=1")
            let login = try await browser.send(.GET, "/login?kept=1&lang=ru")
            #expect(login.text.contains("Написанное сохранено"))
            _ = try await browser.signIn(victim.account.username, victim.password)
            let back = try await browser.send(.GET, "/?lang=en")
            #expect(back.text.contains("Followed me to the metro, I was scared"))
            #expect(back.text.contains("value=\"yes\" id=\"againstWill-yes\" checked"))

            // saved as an incident, the draft is gone
            let posted = try await PageTests.post(app, "/cases/\(caseID)/incidents", Self.diaryFields("Followed me to the metro, I was scared"), as: victim)
            #expect(posted.status == .seeOther)
            #expect(try await DiaryDraftStore(db: app.db).draft(of: victim.account.id) == nil)
        }
    }

    @Test func aPhotoSheChoseSurvivesAFormErrorAndIsSentWithTheEntry() async throws {
        try await withQorgauApp { app in
            let (caseID, victim, _) = try await Self.signedInVictim(app)
            var fields = Self.diaryFields("")
            fields.removeAll { $0.0 == "description" }
            var headers = Multipart.headers
            headers.bearerAuthorization = BearerAuthorization(token: victim.token)
            let photo = Multipart.jpeg(seed: 9)
            let refused = try await app.testing().sendRequest(.POST, "/cases/\(caseID)/incidents?lang=en", headers: headers,
                                                              body: Multipart.body(photo, name: "lift.jpg", fields: Dictionary(uniqueKeysWithValues: fields),
                                                                                   fileField: "photo"))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("id=\"photo-kept\""))
            #expect(refused.body.string.contains("lift.jpg"))

            let sent = try await PageTests.post(app, "/cases/\(caseID)/incidents", Self.diaryFields("Photographed me at the lift"), as: victim)
            #expect(sent.status == .seeOther)
            let incidents = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents?limit=500")
            let entry = try #require((incidents.json["items"] as? [[String: Any]])?.first {
                ($0["incident"] as? [String: Any] ?? $0)["description"] as? String == "Photographed me at the lift" })
            let entryID = try #require(entry["id"] as? String)
            let evidence = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence")
            let all = try #require(try JSONSerialization.jsonObject(with: Data(evidence.body.readableBytesView)) as? [[String: Any]])
            let items = all.filter { $0["incidentId"] as? String == entryID }
            #expect(items.count == 1)
            #expect(items.first?["name"] as? String == "lift.jpg")
            #expect(items.first?["sha256"] as? String == SHA256Hex.of(photo))

            // a kept photo she removes is not sent, and its file is gone when nothing names it
            _ = try await app.testing().sendRequest(.POST, "/cases/\(caseID)/incidents", headers: headers,
                                                    body: Multipart.body(Multipart.jpeg(seed: 23), name: "other.jpg",
                                                                         fields: Dictionary(uniqueKeysWithValues: fields), fileField: "photo"))
            let kept = try #require(try await DiaryDraftStore(db: app.db).draft(of: victim.account.id)?.photo)
            #expect(app.blobs.exists(kept.sha256))
            let dropped = try await PageTests.post(app, "/cases/\(caseID)/incidents", Self.diaryFields("No photo this time") + [("dropPhoto", "1")], as: victim)
            #expect(dropped.status == .seeOther)
            #expect(!app.blobs.exists(kept.sha256))
        }
    }

    @Test func sheAddsToAnEntryLaterAndItsHistoryIsKept() async throws {
        try await withQorgauApp { app in
            let (caseID, victim, _) = try await Self.signedInVictim(app)
            _ = try await PageTests.post(app, "/cases/\(caseID)/incidents", Self.diaryFields("Stood under my window"), as: victim)
            let diary = try await PageTests.page(app, "/?lang=ru", as: victim)
            let action = try #require(diary.text.range(of: #"action="(/cases/[^"]+/additions)""#, options: .regularExpression)
                .map { String(diary.text[$0].dropFirst(8).dropLast()) })
            var headers = Multipart.headers
            headers.bearerAuthorization = BearerAuthorization(token: victim.token)
            let added = try await app.testing().sendRequest(.POST, action + "?lang=ru", headers: headers,
                                                            body: Multipart.body(Multipart.jpeg(seed: 41), name: "window.jpg",
                                                                                 fields: ["addition": "He was there again at 23:00"], fileField: "photo"))
            #expect(added.status == .seeOther)
            let incidentID = String(action.split(separator: "/")[3])
            let incident = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents/\(incidentID)")
            let text = (incident.json["incident"] as? [String: Any] ?? incident.json)["description"] as? String ?? ""
            #expect(text.hasPrefix("Stood under my window\n\nДополнено "), "\(text)")
            #expect(text.hasSuffix("He was there again at 23:00"))
            let history = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents/\(incidentID)/history")
            #expect(history.text.contains("Stood under my window") && history.text.contains("added by the victim"), "the first wording is kept")
            let evidence = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence")
            #expect(evidence.text.contains("window.jpg"))
            // an entry an officer logged is not hers to add to
            var byOfficer = Fixtures.incidentJSON(at: "2025-11-01T10:00:00+05:00", kind: "contact")
            byOfficer["reportedBy"] = "officer"
            let logged = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents", json: byOfficer)
            #expect(logged.status == .created, "\(logged.text)")
            let officerEntry = try #require(logged.json["id"] as? String)
            let refused = try await app.testing().sendRequest(.POST, "/cases/\(caseID)/incidents/\(officerEntry)/additions", headers: headers,
                                                              body: Multipart.body(Multipart.jpeg(seed: 42), fields: ["addition": "x"], fileField: "photo"))
            #expect(refused.status == .forbidden)
        }
    }

    @Test func aSecondVictimOfTheCaseNeitherSeesNorAddsToTheFirstOnesEntries() async throws {
        try await withQorgauApp { app in
            let (caseID, first, _) = try await Self.signedInVictim(app)
            let second = try await app.makeUser(.victim, cases: [UUID(uuidString: caseID)!])
            _ = try await PageTests.post(app, "/cases/\(caseID)/incidents", Self.diaryFields("Followed me to the bus stop"), as: first)
            _ = try await PageTests.post(app, "/cases/\(caseID)/incidents", Self.diaryFields("Called my sister at night"), as: second)
            let firstsDiary = try await PageTests.page(app, "/?lang=ru", as: first)
            let secondsDiary = try await PageTests.page(app, "/?lang=ru", as: second)
            #expect(firstsDiary.text.contains("Followed me to the bus stop") && !firstsDiary.text.contains("Called my sister at night"))
            #expect(secondsDiary.text.contains("Called my sister at night") && !secondsDiary.text.contains("Followed me to the bus stop"))

            let incidents = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents?limit=500")
            let firstsEntry = try #require((incidents.json["items"] as? [[String: Any]])?.first {
                ($0["incident"] as? [String: Any] ?? $0)["description"] as? String == "Followed me to the bus stop" }?["id"] as? String)
            for (victim, expected) in [(second, HTTPStatus.notFound), (first, .seeOther)] {
                var headers = Multipart.headers
                headers.bearerAuthorization = BearerAuthorization(token: victim.token)
                let added = try await app.testing().sendRequest(.POST, "/cases/\(caseID)/incidents/\(firstsEntry)/additions", headers: headers,
                                                                body: Multipart.body(Multipart.jpeg(seed: 43), fields: ["addition": "More"], fileField: "photo"))
                #expect(added.status == expected)
            }
            let evidence = try await app.request(.GET, "/api/v1/cases/\(caseID)/evidence")
            let attached = try #require(try JSONSerialization.jsonObject(with: Data(evidence.body.readableBytesView)) as? [[String: Any]])
            #expect(attached.filter { $0["incidentId"] as? String == firstsEntry }.count == 1, "only the first victim's photo was kept")
        }
    }

    @Test func sheIsToldWhenThePoliceMarkHerEntryAsEnteredInError() async throws {
        try await withQorgauApp { app in
            let (caseID, victim, _) = try await Self.signedInVictim(app)
            _ = try await PageTests.post(app, "/cases/\(caseID)/incidents", Self.diaryFields("Waited by my car"), as: victim)
            let incidents = try await app.request(.GET, "/api/v1/cases/\(caseID)/incidents?limit=500")
            let entry = try #require((incidents.json["items"] as? [[String: Any]])?.first {
                ($0["incident"] as? [String: Any] ?? $0)["description"] as? String == "Waited by my car" }?["id"] as? String)
            let before = try await PageTests.page(app, "/?lang=ru", as: victim)
            #expect(before.text.contains("Waited by my car") && !before.text.contains("внесённую по ошибке"))
            let marked = try await app.request(.POST, "/api/v1/cases/\(caseID)/incidents/\(entry)/entered-in-error", json: ["reason": "a duplicate"])
            #expect(marked.status == .ok, "\(marked.text)")
            for (lang, words) in [("ru", "внесённую по ошибке"), ("kk", "қателікпен енгізілген")] {
                let diary = try await PageTests.page(app, "/?lang=\(lang)", as: victim)
                let item = try #require(diary.text.range(of: "id=\"entry-\(entry)\"").map { String(diary.text[$0.lowerBound...].prefix(1500)) })
                #expect(item.contains("Waited by my car") && item.contains(words), "her entry stays, with what happened to it")
                #expect(!item.contains("/incidents/\(entry)/additions"), "nothing to add to an entry that no longer counts")
            }
        }
    }

    @Test func aPanicPressReachesEveryCaseOfHersOnceAndAnEndedSessionDoesNotStopIt() async throws {
        try await withQorgauApp { app in
            var ids: [String] = []
            for n in 1...2 {
                let created = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(device: "bracelet-panic-\(n)"))
                ids.append(try #require(created.json["id"] as? String))
            }
            let (first, second) = (ids[0], ids[1])
            let victim = try await app.makeUser(.victim, cases: [UUID(uuidString: first)!, UUID(uuidString: second)!])
            let browser = Browser(app)
            _ = try await browser.signIn(victim.account.username, victim.password)
            let csrf = try #require(Browser.csrf(in: (try await browser.send(.GET, "/")).text))
            let pressed = try await browser.send(.POST, "/panic", form: ["csrf": csrf, "lat": "43.25", "lon": "76.95", "accuracy": "8"])
            #expect(pressed.headers.first(name: .location)?.hasPrefix("/?r=") == true, "nothing in her history says panic")
            func panics(_ caseID: String) async throws -> [[String: Any]] {
                let alerts = try await app.request(.GET, "/api/v1/cases/\(caseID)/alerts")
                return (alerts.json["items"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "panic" }
            }
            for caseID in [first, second] {
                let found = try await panics(caseID)
                #expect(found.count == 1 && found.first?["lat"] as? Double == 43.25, "each case has its alert with where she was")
            }
            // pressed again at once: the open alert stands, none is added, and she is told it was sent
            let again = try await browser.send(.POST, "/panic", form: ["csrf": csrf])
            #expect(again.headers.first(name: .location)?.hasPrefix("/?r=") == true)
            #expect(try await panics(first).count == 1)
            // once an officer acknowledged it, a press within the minute is a new alert
            let acked = try #require(try await panics(second).first?["id"] as? String)
            #expect(try await app.request(.POST, "/api/v1/cases/\(second)/alerts/\(acked)/acknowledgement").status == .ok)
            _ = try await browser.send(.POST, "/panic", form: ["csrf": csrf])
            #expect(try await panics(second).count == 2, "not swallowed by the acknowledged one")
            #expect(try await panics(first).count == 1, "the first case's alert is still open")

            // a draft naming a case that is not hers keeps no case
            let draft = try await browser.send(.POST, "/diary/draft", form: ["csrf": csrf, "description": "x", "case": UUID().uuidString])
            #expect(draft.status == .noContent)
            #expect(try await DiaryDraftStore(db: app.db).draft(of: victim.account.id)?.caseID == nil)

            // her session ends; a press still raises the alert, and the sign-in page says so
            try await (app.db as! any SQLDatabase).raw("UPDATE sessions SET last_seen_ms = 0").run()
            try await (app.db as! any SQLDatabase).raw("UPDATE alerts SET created_at_ms = created_at_ms - 120000").run()
            let late = try await browser.send(.POST, "/panic", form: ["csrf": csrf])
            let landing = try #require(late.headers.first(name: .location))
            #expect(landing.hasPrefix("/login?r="))
            #expect(try await panics(first).count == 2)
            #expect(try await panics(second).count == 3)
            #expect((try await browser.send(.GET, landing + "&lang=ru")).text.contains("Тревога отправлена в полицию"))
            #expect(!(try await browser.send(.GET, "/login?r=\(UUID().uuidString)&lang=ru")).text.contains("Тревога отправлена в полицию"))
        }
    }

    @Test func herCaseIsToldInPlainWordsAtEachStage() throws {
        let catalogs = try Catalogs.load()
        let now = ZonedDateTime(epochMilliseconds: 1_767_225_600_000, offsetSeconds: 18_000) // 2026-01-01
        func at(_ day: String) -> ZonedDateTime { ZonedDateTime(day + "T10:00:00+05:00")! }
        var file = try CaseFileReader().read(data: JSONSerialization.data(withJSONObject: Fixtures.caseFileJSON()))
        file.protectiveOrders = []; file.administrativeCases = []; file.criminalProceedings = []; file.verdicts = []
        var files: [(CaseStage, CaseFile, CaseStatus)] = [(.incidents, file, .open)]
        file.protectiveOrders = [ProtectiveOrder(id: "o1", type: .protectiveOrder, issuedAt: at("2025-12-01"), validUntil: at("2026-01-30"),
                                                 issuer: "Police", conditions: OrderConditions(noContact: true, minDistanceMeters: 200,
                                                 zones: [Zone(kind: "home", lat: 43.2, lon: 76.9, radiusMeters: 300)]))]
        files.append((.protected, file, .open))
        file.criminalProceedings = [CriminalProceeding(id: "c1", article: "KZ.CC.115-1", registeredAt: at("2025-12-20"), incidents: [], stage: .preTrial)]
        files.append((.preTrial, file, .open))
        file.criminalProceedings[0].stage = ProceedingStage.inCourt
        files.append((.inCourt, file, .open))
        files.append((.closed, file, .closed))
        for language in Catalogs.languages {
            let t = catalogs.words(language)
            let format = LocaleFormat(language: language, timeZone: TimeZone(identifier: "Asia/Almaty")!)
            for (stage, file, status) in files {
                let summary = VictimCaseSummary.make(number: "ALM-1", file: file, status: status, now: now, t: t, format: format)
                #expect(summary.stageCode == stage.rawValue)
                let text = ([summary.title, summary.stage, summary.next, summary.lastAction ?? ""] + summary.orderLines).joined(separator: " ")
                for raw in ["o1", "c1", "KZ.CC", "victim_", "{", "preTrial", "inCourt"] {
                    #expect(!text.contains(raw), "\(language) \(stage): \(raw) in \(text)")
                }
                #expect(!summary.stage.isEmpty && !summary.next.isEmpty, "\(language) \(stage)")
                if stage == .protected {
                    #expect(summary.orderLines.count == 4, "the order, no contact, the distance, the places: \(summary.orderLines)")
                }
            }
        }
        let ru = VictimCaseSummary.make(number: "ALM-1", file: files[1].1, status: .open, now: now, t: catalogs.words("ru"),
                                        format: LocaleFormat(language: "ru", timeZone: TimeZone(identifier: "Asia/Almaty")!))
        #expect(ru.orderLines.contains("Запрещено приближаться к вам ближе чем на 200 м."))
        #expect(ru.orderLines.contains("Места, куда этому человеку запрещено приходить: ваш дом."))
        #expect(ru.lastAction?.contains("назначены меры защиты: Защитное предписание (полиция)") == true)
    }

    @Test func thePanicButtonReachesTheOfficersOfHerCaseAndNobodyElse() async throws {
        try await withQorgauApp { app in
            let (caseID, _, browser) = try await Self.signedInVictim(app)
            let ownUnit = app.defaultTestUser.account.unit.map { CaseScope.limited(units: [$0], cases: []) } ?? .none
            let (_, heard) = await app.monitoring.subscribe(scope: ownUnit)
            let (_, elsewhere) = await app.monitoring.subscribe(scope: .limited(units: ["another-unit"], cases: []))
            let page = try await browser.send(.GET, "/?lang=kk")
            #expect(page.text.contains("id=\"panic-button\""))
            let pressed = try await browser.send(.POST, "/panic", form: ["csrf": Browser.csrf(in: page.text) ?? "", "lat": "43.2389",
                                                                         "lon": "76.8897", "accuracy": "12"])
            #expect(pressed.status == .seeOther)
            let landing = try #require(pressed.headers.first(name: .location))
            #expect(landing.hasPrefix("/?r=") && !landing.contains("panic"))
            #expect((try await browser.send(.GET, landing + "&lang=kk")).text.contains("полицияға жіберілді"))
            #expect(!(try await browser.send(.GET, "/?r=\(UUID().uuidString)&lang=kk")).text.contains("полицияға жіберілді"),
                    "the address alone does not say the police were alerted")

            var events = heard.makeAsyncIterator()
            let event = try #require(await events.next())
            #expect(event.alert.kind == .panic)
            #expect(event.alert.caseID.apiString == caseID)
            #expect(event.position?.lat == 43.2389 && event.position?.lon == 76.8897)
            let alerts = try await app.request(.GET, "/api/v1/cases/\(caseID)/alerts?open=true")
            let panic = try #require((alerts.json["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "panic" })
            #expect(panic["lat"] as? Double == 43.2389)
            #expect(panic["accuracyMeters"] as? Int == 12)
            let dashboard = try await PageTests.page(app, "/?lang=ru")
            #expect(dashboard.text.contains("Потерпевшая сторона нажала тревожную кнопку"), "the officer's dashboard shows it first")
            #expect(dashboard.text.contains("43.23890, 76.88970 (±12"))
            let stranger = try await app.makeUser(.officer, unit: "another-unit")
            #expect(!(try await PageTests.page(app, "/?lang=ru", as: stranger)).text.contains("тревожную кнопку"))

            // nobody of another unit heard it; a position that cannot be is left out, the alert still goes
            let nothing = Task { var other = elsewhere.makeAsyncIterator(); return await other.next() }
            try await Task.sleep(for: .milliseconds(200))
            nothing.cancel()
            for (lat, lon, accuracy) in [("291", "1", "5"), ("x", "1", nil), ("nan", "1", nil), ("1", "inf", nil), ("1", "-181", nil)] {
                #expect(PanicButton.position(.init(lat: lat, lon: lon, accuracy: accuracy)) == nil, "\(lat), \(lon)")
            }
            #expect(PanicButton.position(.init(lat: "43.2", lon: "76.9", accuracy: "-3"))?.accuracy == nil, "a bad accuracy alone is left out")
            #expect(try await app.request(.POST, "/panic", json: [:]).status == .forbidden, "an officer has no panic button")
        }
    }
}
