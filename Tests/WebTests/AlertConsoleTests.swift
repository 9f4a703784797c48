import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// The alert console page: in the officer's language, with the chain's stage and who was told,
/// and its forms acknowledging, handing over and escalating.
@Suite struct AlertConsoleTests {
    static func post(_ app: Application, _ path: String, _ form: String, as user: TestUser? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: (user ?? app.defaultTestUser).token)
        headers.contentType = .urlEncodedForm
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: form))
    }

    @Test func theConsoleShowsOpenAlertsInRussianAndKazakhAndItsFormsAct() async throws {
        try await withQorgauApp { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "ALM-2025-0042"))
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            let colleague = try await app.makeUser(.officer, username: "asel.officer", unit: Fixtures.unit)
            let alertID = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseID)

            let russian = try await app.request(.GET, "/alerts?lang=ru")
            #expect(russian.status == .ok)
            for words in ["Тревоги", "Вход в запретную зону", "ALM-2025-0042", "у дежурных сотрудников", "Подтвердить", "asel.officer",
                          "система мониторинга"] {
                #expect(russian.text.contains(words), "\(words)")
            }
            #expect(PageSnapshotTests.unlabelledControls(russian.text) == [])
            #expect(!russian.text.contains(alertID + "<"), "no id shown as text")
            let kazakh = try await app.request(.GET, "/alerts?lang=kk")
            #expect(kazakh.text.contains("Дабылдар") && kazakh.text.contains("Растау"))

            let path = "/alerts/\(caseID.apiString)/\(alertID)"
            let stranger = try await app.makeUser(.officer, unit: "Another unit")
            #expect(try await app.request(.GET, "/alerts?lang=ru", as: stranger).text.contains("ALM-2025-0042") == false,
                    "another unit's officer sees none of it")
            #expect(try await Self.post(app, path + "/acknowledge", "note=x", as: stranger).status == .notFound)

            let handed = try await Self.post(app, path + "/handover", "to=\(colleague.account.id.apiString)&note=%D1%80%D1%8F%D0%B4%D0%BE%D0%BC")
            #expect(handed.status == .seeOther || handed.status == .found)
            let refused = try await Self.post(app, path + "/handover", "to=\(stranger.account.id.apiString)")
            #expect(refused.status == .unprocessableEntity)
            let escalated = try await Self.post(app, path + "/escalate", "")
            #expect(escalated.status.code / 100 == 3)
            let afterEscalation = try await app.request(.GET, "/alerts?lang=ru")
            #expect(afterEscalation.text.contains("эскалирована руководителю смены") && afterEscalation.text.contains("рядом"),
                    "the stage and the hand-over's note")
            let acked = try await Self.post(app, path + "/acknowledge", "note=patrol+sent")
            #expect(acked.status.code / 100 == 3)
            #expect(try await app.request(.GET, "/alerts?lang=ru").text.contains("ALM-2025-0042") == false, "acknowledged: off the console")
            let events = try await AlertEventReads(db: app.db).events(of: [UUID(uuidString: alertID)!])
            #expect(events.values.first?.map(\.kind) == [.raised, .handedOver, .escalated, .acknowledged])
            #expect(events.values.first?.last?.note == "patrol sent")
        }
    }

    @Test func aVictimOptsInToWarningsOnHerAccountPageInHerLanguage() async throws {
        try await withQorgauApp(settings: { config in
            config.alertChannels.sms = .init(url: "http://127.0.0.1:9/sms")
        }) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON())
            let caseText = try #require(imported.json["id"] as? String)
            let victim = try await app.makeUser(.victim, cases: [try #require(UUID(uuidString: caseText))])
            let page = try await app.request(.GET, "/password?lang=kk", as: victim)
            #expect(page.text.contains("Телефонға ескертулер") && page.text.contains("value=\"sms\""))
            #expect(!page.text.contains("value=\"voice\""), "only the channels this server has")
            #expect(PageSnapshotTests.unlabelledControls(page.text) == [])

            let wrong = try await Self.post(app, "/contact?lang=ru", "language=ru&phone=8701&channel%5B%5D=sms", as: victim)
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("Введите номер с + и кодом страны"), "the problem in her language, by its field")
            #expect(try await ContactStore(db: app.db).contact(of: victim.account.id) == nil, "nothing saved")

            let saved = try await Self.post(app, "/contact", "language=kk&phone=%2B7+701+123+45+67&channel%5B%5D=sms", as: victim)
            #expect(saved.status.code / 100 == 3)
            let contact = try await ContactStore(db: app.db).contact(of: victim.account.id)
            #expect(contact?.phone == "+77011234567" && contact?.channels == [.sms] && contact?.language == "kk")
            let api = try await app.request(.GET, "/api/v1/me/contact", as: victim)
            #expect(api.json["channels"] as? [String] == ["sms"])
        }
    }
}
