import Cases
import Crypto
import Domain
import Foundation
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// Web Push: the encryption reproduces RFC 8291's worked example byte for byte, the VAPID token
/// is what RFC 8292 says, and an alert reaches a subscribed browser through a fake push service,
/// readable only with the browser's keys.
@Suite struct WebPushTests {
    /// RFC 8291, Appendix A.
    enum Example {
        static let plaintext = "When I grow up, I want to be a watermelon"
        static let asPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
        static let uaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
        static let uaPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
        static let salt = "DGv6ra1nlYgDCS1FRnbzlw"
        static let auth = "BTBZMqHH6r4Tts7J_aSIgg"
        static let body = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
    }

    static func bytes(_ text: String) throws -> Data { try #require(Data(base64URLEncoded: text)) }

    @Test func theEncryptionReproducesTheRFCsExample() throws {
        let sender = try P256.KeyAgreement.PrivateKey(rawRepresentation: Self.bytes(Example.asPrivate))
        let body = try WebPushEncryption.encrypt(Data(Example.plaintext.utf8), p256dh: Self.bytes(Example.uaPublic),
                                                 auth: Self.bytes(Example.auth), sender: sender, salt: Self.bytes(Example.salt))
        #expect(body.base64URLEncoded == Example.body)
        let browser = try P256.KeyAgreement.PrivateKey(rawRepresentation: Self.bytes(Example.uaPrivate))
        #expect(browser.publicKey.x963Representation.base64URLEncoded == Example.uaPublic)
        #expect(try Self.decrypt(Self.bytes(Example.body), browser: browser, auth: Self.bytes(Example.auth)) == Data(Example.plaintext.utf8))
    }

    @Test func aFreshKeyAndSaltEachTimeAndBadKeysAreRefused() throws {
        let browser = P256.KeyAgreement.PrivateKey()
        let auth = WebPushEncryption.randomBytes(16)
        let text = Data("Тревога".utf8)
        let one = try WebPushEncryption.encrypt(text, p256dh: browser.publicKey.x963Representation, auth: auth)
        let two = try WebPushEncryption.encrypt(text, p256dh: browser.publicKey.x963Representation, auth: auth)
        #expect(one != two && one.prefix(16) != two.prefix(16))
        #expect(try Self.decrypt(one, browser: browser, auth: auth) == text)
        var tampered = one
        tampered[tampered.count - 3] ^= 1
        #expect(throws: (any Error).self) { try Self.decrypt(tampered, browser: browser, auth: auth) }
        #expect(throws: WebPushEncryption.Failure.self) {
            try WebPushEncryption.encrypt(text, p256dh: Data(repeating: 4, count: 65), auth: auth)
        }
        #expect(throws: WebPushEncryption.Failure.self) {
            try WebPushEncryption.encrypt(text, p256dh: browser.publicKey.x963Representation, auth: Data(count: 15))
        }
    }

    @Test func theVapidTokenIsAnES256JWTForThePushServicesOrigin() throws {
        let key = P256.Signing.PrivateKey()
        let token = VapidToken(key: key, subject: "mailto:duty@police.example")
        let now = Date(timeIntervalSince1970: 1_760_000_000)
        let header = try token.authorization(for: try #require(URL(string: "https://fcm.googleapis.com:443/fcm/send/abc?x=1")), now: now)
        let claims = try Self.verifiedClaims(header, key: key.publicKey)
        #expect(claims["aud"] as? String == "https://fcm.googleapis.com:443")
        #expect(claims["sub"] as? String == "mailto:duty@police.example")
        #expect(claims["exp"] as? Int == 1_760_000_000 + 12 * 3600, "at most a day, RFC 8292 §2")
        #expect(header.hasSuffix(", k=" + key.publicKey.x963Representation.base64URLEncoded))
    }

    @Test func onlyTheConfiguredPushServicesAreAllowed() {
        let settings = WebPushSender.Settings(subject: "mailto:a@b.example")
        #expect(settings.allows("https://fcm.googleapis.com/fcm/send/abc"))
        #expect(settings.allows("https://db5p.notify.windows.com/w/?token=abc"))
        #expect(settings.allows("https://web.push.apple.com/QGx"))
        for refused in ["http://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com.evil.example/x",
                        "https://evilnotify.windows.com/x", "https://user:pw@fcm.googleapis.com/x", "https://127.0.0.1/x",
                        "https://fcm.googleapis.com:8443/x", "file:///etc/passwd", "not a url"] {
            #expect(!settings.allows(refused), "\(refused)")
        }
    }

    // MARK: end to end

    func withPushApp(_ database: TestDatabase = .sqlite, peer: FakePeer, _ body: (Application) async throws -> Void) async throws {
        try await withQorgauApp(database, settings: { config in
            config.alertChannels = try! AlertChannelSettings.fromEnvironment([
                "QORGAU_PUSH_SUBJECT": "mailto:duty@police.example", "QORGAU_PUSH_SERVICES": peer.url,
                "QORGAU_PUBLIC_URL": "https://qorgau.example",
            ])
            config.pushKey = P256.Signing.PrivateKey()
        }, body)
    }

    /// A browser: its keys, and the subscription it hands the page.
    struct Browser {
        var key = P256.KeyAgreement.PrivateKey()
        var auth = WebPushEncryption.randomBytes(16)
        var endpoint: String
        var json: [String: Any] {
            ["endpoint": endpoint, "keys": ["p256dh": key.publicKey.x963Representation.base64URLEncoded, "auth": auth.base64URLEncoded],
             "label": "Firefox"]
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAlertReachesTheSubscribedBrowserEncryptedForIt(_ database: TestDatabase) async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withPushApp(database, peer: peer) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "PUSH-1"))
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            let officer = try await app.makeUser(.investigator, cases: [caseID])
            let stranger = try await app.makeUser(.investigator)
            let browser = Browser(endpoint: peer.url + "/push/officer-phone")
            let key = try await app.request(.GET, "/api/v1/push/key", as: officer)
            #expect(try #require(key.json["publicKey"] as? String) == app.qorgauConfig.pushKey?.publicKey.x963Representation.base64URLEncoded)

            let subscribed = try await app.request(.POST, "/api/v1/me/push-subscriptions", json: browser.json, as: officer)
            #expect(subscribed.status == .created, "\(subscribed.text)")
            #expect(!subscribed.text.contains("officer-phone"), "the endpoint is a capability, not shown back")
            let contact = try await app.request(.GET, "/api/v1/me/contact", as: officer)
            #expect((contact.json["channels"] as? [String]) == ["push"], "subscribing a device opts in to push")
            let strangers = try await app.request(.POST, "/api/v1/me/push-subscriptions",
                                                  json: Browser(endpoint: peer.url + "/push/stranger").json, as: stranger)
            #expect(strangers.status == .created)

            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseID)
            #expect(try await app.makeDeliveryWorker().runOnce() > 0)

            let pushed = peer.received.filter { $0.path.hasPrefix("/push/") }
            #expect(pushed.map(\.path) == ["/push/officer-phone"], "only the case's officer; not an officer without the case")
            let message = try #require(pushed.first)
            #expect(message.headers.first(name: "Content-Encoding") == "aes128gcm")
            #expect(message.headers.first(name: "Urgency") == "high" && message.headers.first(name: "TTL") == "3600")
            let claims = try Self.verifiedClaims(try #require(message.headers.first(name: .authorization)),
                                                 key: try #require(app.qorgauConfig.pushKey).publicKey)
            #expect(claims["aud"] as? String == peer.url)
            #expect(!message.text.contains("PUSH-1"), "the push service sees ciphertext only")
            let plain = try Self.decrypt(message.body, browser: browser.key, auth: browser.auth)
            let payload = try #require(try JSONSerialization.jsonObject(with: plain) as? [String: String])
            #expect(payload["body"]?.contains("PUSH-1") == true && payload["url"]?.hasPrefix("https://qorgau.example/alerts#a-") == true)
            #expect(payload["tag"] == message.headers.first(name: "Idempotency-Key"), "a repeat replaces the notification it showed")
        }
    }

    @Test func badSubscriptionsAreRefusedByFieldAndAGoneDeviceIsForgotten() async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withPushApp(peer: peer) { app in
            let imported = try await app.request(.POST, "/api/v1/case-files", json: Fixtures.caseFileJSON(number: "PUSH-2"))
            let caseText = try #require(imported.json["id"] as? String)
            let caseID = try #require(UUID(uuidString: caseText))
            let victim = try await app.makeUser(.victim, cases: [caseID])
            var bad = Browser(endpoint: "http://169.254.169.254/latest/meta-data").json
            let elsewhere = try await app.request(.POST, "/api/v1/me/push-subscriptions", json: bad, as: victim)
            #expect(elsewhere.status == .unprocessableEntity && elsewhere.text.contains("/endpoint"), "\(elsewhere.text)")
            bad = Browser(endpoint: peer.url + "/push/v").json
            bad["keys"] = ["p256dh": "BAAA", "auth": "short"]
            let badKeys = try await app.request(.POST, "/api/v1/me/push-subscriptions", json: bad, as: victim)
            #expect(badKeys.status == .unprocessableEntity && badKeys.text.contains("/keys/p256dh") && badKeys.text.contains("/keys/auth"))
            #expect(try await PushSubscriptionStore(db: app.db).subscriptions(of: victim.account.id).isEmpty, "nothing kept")

            let browser = Browser(endpoint: peer.url + "/push/victim-phone")
            let subscribed = try await app.request(.POST, "/api/v1/me/push-subscriptions", json: browser.json, as: victim)
            let id = try #require(subscribed.json["id"] as? String)
            let other = try await app.makeUser(.victim, cases: [caseID])
            #expect(try await app.request(.DELETE, "/api/v1/me/push-subscriptions/\(id)", as: other).status == .noContent)
            var taken = browser.json
            taken["keys"] = Browser(endpoint: browser.endpoint).json["keys"]
            #expect(try await app.request(.POST, "/api/v1/me/push-subscriptions", json: taken, as: other).status == .conflict,
                    "a device another account has is not taken over by posting its address")
            #expect(try await PushSubscriptionStore(db: app.db).subscriptions(of: victim.account.id).count == 1, "nobody removes another's device")

            peer.answer(.gone)
            _ = try await MonitoringProbe.raiseZoneAlert(app, caseID: caseID)
            _ = try await app.makeDeliveryWorker().runOnce()
            let message = try #require(peer.received.first { $0.path == "/push/victim-phone" })
            let payload = try JSONSerialization.jsonObject(with: try Self.decrypt(message.body, browser: browser.key, auth: browser.auth))
            let text = try #require((payload as? [String: String])?["body"])
            #expect(!text.contains("PUSH-2") && !text.contains("Qorgau"), "her warning gives nothing away: \(text)")
            #expect(try await PushSubscriptionStore(db: app.db).subscriptions(of: victim.account.id).isEmpty,
                    "a device its push service calls gone is forgotten")
            _ = try await app.request(.POST, "/api/v1/me/push-subscriptions", json: Browser(endpoint: peer.url + "/push/again").json, as: victim)
            let account = try await UserStore(db: app.db).get(victim.account.id)
            _ = try await Accounts(db: app.db, cost: 4).resetPassword(of: account, by: "test")
            #expect(try await PushSubscriptionStore(db: app.db).subscriptions(of: victim.account.id).isEmpty,
                    "a new password forgets the devices whoever knew the old one subscribed")
        }
    }

    @Test func theAccountPageOffersThisDeviceInRussianAndKazakhAndRemovesOne() async throws {
        let peer = try await FakePeer.start()
        defer { Task { await peer.stop() } }
        try await withPushApp(peer: peer) { app in
            let officer = try await app.makeUser(.officer)
            let empty = try await app.request(.GET, "/password?lang=ru", as: officer)
            #expect(empty.text.contains("Уведомлять на этом устройстве") && empty.text.contains("Пока ни одно устройство не подключено"))
            #expect(empty.text.contains("data-key=\"\(try #require(app.qorgauConfig.pushKey).publicKey.x963Representation.base64URLEncoded)\""))
            #expect(empty.text.contains("/assets/push.js"))
            let subscribed = try await app.request(.POST, "/api/v1/me/push-subscriptions", json: Browser(endpoint: peer.url + "/push/p").json, as: officer)
            let id = try #require(subscribed.json["id"] as? String)
            let kazakh = try await app.request(.GET, "/password?lang=kk", as: officer)
            #expect(kazakh.text.contains("Осы құрылғыға хабарлау") && kazakh.text.contains("Firefox") && kazakh.text.contains("/push/\(id)/remove"))
            #expect(PageSnapshotTests.unlabelledControls(kazakh.text) == [])
            let removed = try await AlertConsoleTests.post(app, "/push/\(id)/remove", "", as: officer)
            #expect(removed.status == .seeOther)
            #expect(try await PushSubscriptionStore(db: app.db).subscriptions(of: officer.account.id).isEmpty)
            let worker = try await app.testing().sendRequest(.GET, "/sw.js")
            #expect(worker.status == .ok && worker.body.string.contains("showNotification")
                    && worker.headers.contentType?.description.hasPrefix("text/javascript") == true)
        }
    }

    @Test func withoutASubjectPushIsOff() async throws {
        try await withQorgauApp { app in
            let key = try await app.request(.GET, "/api/v1/push/key")
            #expect(key.status == .notFound)
            let subscribed = try await app.request(.POST, "/api/v1/me/push-subscriptions", json: Browser(endpoint: "https://fcm.googleapis.com/x").json)
            #expect(subscribed.status == .notFound)
            #expect(!(try await app.request(.GET, "/password?lang=en").text.contains("push-device")), "no button that cannot work")
        }
        #expect(throws: (any Error).self) { try AlertChannelSettings.fromEnvironment(["QORGAU_PUSH_SUBJECT": "duty@police.example"]) }
        #expect(throws: (any Error).self) {
            try AlertChannelSettings.fromEnvironment(["QORGAU_PUSH_SUBJECT": "mailto:a@b.example", "QORGAU_PUSH_SERVICES": "fcm.googleapis.com"])
        }
    }

    // MARK: the browser's side

    /// What a browser does with a message (RFC 8291 §3.4, RFC 8188 §2).
    static func decrypt(_ body: Data, browser: P256.KeyAgreement.PrivateKey, auth: Data) throws -> Data {
        let bytes = [UInt8](body)
        let salt = Data(bytes[0..<16])
        let idLength = Int(bytes[20])
        let senderPublic = Data(bytes[21..<(21 + idLength)])
        let sealed = Data(bytes[(21 + idLength)...])
        let shared = try browser.sharedSecretFromKeyAgreement(with: P256.KeyAgreement.PublicKey(x963Representation: senderPublic))
        let info = Data("WebPush: info\0".utf8) + browser.publicKey.x963Representation + senderPublic
        let ikm = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: auth, sharedInfo: info, outputByteCount: 32)
        let cek = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Data("Content-Encoding: aes128gcm\0".utf8), outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Data("Content-Encoding: nonce\0".utf8), outputByteCount: 12)
        let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce.withUnsafeBytes { Data($0) }),
                                        ciphertext: sealed.dropLast(16), tag: sealed.suffix(16))
        var record = try AES.GCM.open(box, using: cek)
        while record.last == 0 { record.removeLast() }
        guard record.last == 2 else { throw TestSetupError("not the last record") }
        return record.dropLast()
    }

    /// The JWT of a `vapid t=…, k=…` header, its ES256 signature checked with `key`.
    static func verifiedClaims(_ header: String, key: P256.Signing.PublicKey) throws -> [String: Any] {
        let token = try #require(header.split(separator: " ").dropFirst().first { $0.hasPrefix("t=") }).dropFirst(2)
            .trimmingCharacters(in: CharacterSet(charactersIn: ","))
        let parts = token.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let head = try #require(try JSONSerialization.jsonObject(with: bytes(parts[0])) as? [String: String])
        #expect(head == ["typ": "JWT", "alg": "ES256"])
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: bytes(parts[2]))
        #expect(key.isValidSignature(signature, for: Data((parts[0] + "." + parts[1]).utf8)), "signed with the server's key")
        return try #require(try JSONSerialization.jsonObject(with: bytes(parts[1])) as? [String: Any])
    }
}
