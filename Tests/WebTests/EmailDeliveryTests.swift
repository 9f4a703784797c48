import Cases
import Domain
import Foundation
import NIOSSL
import Store
import Testing
import TestSupport
import Vapor
import VaporTesting
@testable import Web

/// E-mail through an agency's mail server: the message in the recipient's language, its subject
/// encoded, the same Message-ID on every attempt; a busy server tried again, a refusal final;
/// STARTTLS with the agency's own certificate authority and a password never sent in the clear.
@Suite struct EmailDeliveryTests {
    let delivering = AlertDeliveryTests()

    func withMailingApp(_ env: [String: String], _ body: (Application) async throws -> Void) async throws {
        try await withQorgauApp(settings: { config in
            config.alertChannels = try! AlertChannelSettings.fromEnvironment(env.merging(["QORGAU_PUBLIC_URL": "https://qorgau.example"]) { $1 })
        }, body)
    }

    static func decoded(_ data: String) -> (subject: String, body: String, messageID: String) {
        let parts = data.components(separatedBy: "\r\n\r\n")
        let headers = parts[0].components(separatedBy: "\r\n")
        func header(_ name: String) -> String { headers.first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) } ?? "" }
        let subject = header("Subject").replacingOccurrences(of: "=?UTF-8?B?", with: "").replacingOccurrences(of: "?=", with: "")
        return (String(decoding: Data(base64Encoded: subject) ?? Data(), as: UTF8.self),
                String(decoding: Data(base64Encoded: parts[1].replacingOccurrences(of: "\r\n", with: "")) ?? Data(), as: UTF8.self),
                header("Message-ID"))
    }

    @Test func anAlertReachesTheOfficerByEmailAndABusyServerIsTriedAgain() async throws {
        let server = try await FakeSMTPServer.start()
        defer { Task { await server.stop() } }
        try await withMailingApp(["QORGAU_SMTP_HOST": "127.0.0.1", "QORGAU_SMTP_PORT": String(server.port), "QORGAU_SMTP_SECURITY": "none",
                                  "QORGAU_SMTP_FROM": "alerts@police.example"]) { app in
            let kase = try await delivering.importCase(app)
            let officer = try await app.makeUser(.investigator, cases: [kase.id])
            try await delivering.contact(app, officer, ["language": "kk", "email": "asel@police.example", "channels": ["email"]])
            let refused = try await app.makeUser(.investigator, cases: [kase.id])
            try await delivering.contact(app, refused, ["language": "ru", "email": "gone@police.example", "channels": ["email"]])
            server.answerRcpt(450, 550) // busy for the first, unknown for the second (in the order sent)
            let alertText = try await MonitoringProbe.raiseZoneAlert(app, caseID: kase.id)
            let alertID = try #require(UUID(uuidString: alertText))
            let clock = AlertDeliveryTests.TestClock()
            let worker = app.makeDeliveryWorker(clock: clock.read)
            _ = try await worker.runOnce()
            let deliveries = try #require(try await DeliveryStore(db: app.db).deliveries(of: [alertID]).values.first)
            #expect(deliveries.count == 2)
            #expect(deliveries.contains { $0.state == .failed && $0.error?.contains("550") == true }, "a refusal is final")
            #expect(deliveries.contains { $0.state == .queued && $0.error?.contains("450") == true }, "a busy server is tried again")
            clock.advance(5)
            _ = try await worker.runOnce()
            let message = try #require(server.received.first)
            #expect(server.received.count == 1)
            #expect(message.from == "<alerts@police.example>" && message.credentials == nil && !message.overTLS)
            let (subject, body, messageID) = Self.decoded(message.data)
            #expect(!subject.isEmpty)
            #expect(body.contains(kase.number) && body.contains("https://qorgau.example/alerts"), "\(body)")
            let sent = try #require(try await DeliveryStore(db: app.db).deliveries(of: [alertID]).values.first?
                .first { $0.state == .sent })
            #expect(messageID == "<\(sent.idempotencyKey)@police.example>", "the same on every attempt")
            #expect(message.data.contains("Content-Type: text/plain; charset=UTF-8"))
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "openssl makes the test's certificate"))
    func startTLSWithTheAgencysAuthorityBeforeThePassword() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qorgau-smtp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                             "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        let tls = try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(folder + "/cert.pem").map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: folder + "/key.pem", format: .pem))))
        let server = try await FakeSMTPServer.start(tls: tls)
        defer { Task { await server.stop() } }
        let settings = try #require(try AlertChannelSettings.fromEnvironment([
            "QORGAU_SMTP_HOST": "localhost", "QORGAU_SMTP_PORT": String(server.port), "QORGAU_SMTP_FROM": "alerts@police.example",
            "QORGAU_SMTP_USERNAME": "qorgau", "QORGAU_SMTP_PASSWORD": "s3cret", "QORGAU_SMTP_CA_FILE": folder + "/cert.pem"]).email)
        #expect(settings.security == .startTLS)
        try await SMTPClient(settings).send("Subject: test\r\n\r\n.a line with a dot\r\n", to: "asel@police.example")
        let message = try #require(server.received.first)
        #expect(message.overTLS && message.credentials == "\0qorgau\0s3cret", "the password only after STARTTLS")
        #expect(message.data.hasSuffix(".a line with a dot"), "a leading dot survives the transfer")

        var untrusted = settings
        untrusted.caFile = nil
        await #expect(throws: (any Error).self, "a certificate nobody vouches for is refused") {
            try await SMTPClient(untrusted).send("Subject: x\r\n\r\nx\r\n", to: "asel@police.example")
        }
        #expect(server.received.count == 1)
    }

    @Test func smtpSettingsThatWouldLeakOrCannotWorkStopTheStart() {
        #expect(throws: (any Error).self) {
            try AlertChannelSettings.fromEnvironment(["QORGAU_SMTP_HOST": "mail.police.example", "QORGAU_SMTP_SECURITY": "none",
                                                       "QORGAU_SMTP_FROM": "a@b.example", "QORGAU_SMTP_USERNAME": "u", "QORGAU_SMTP_PASSWORD": "p"])
        }
        #expect(throws: (any Error).self) { try AlertChannelSettings.fromEnvironment(["QORGAU_SMTP_HOST": "mail.police.example"]) }
        #expect(throws: (any Error).self) {
            try AlertChannelSettings.fromEnvironment(["QORGAU_SMTP_HOST": "mail.police.example\r\nRCPT", "QORGAU_SMTP_FROM": "a@b.example"])
        }
        #expect(throws: (any Error).self, "TLS checks the certificate's name") {
            try AlertChannelSettings.fromEnvironment(["QORGAU_SMTP_HOST": "10.0.0.5", "QORGAU_SMTP_FROM": "a@b.example"])
        }
        let plain = try? AlertChannelSettings.fromEnvironment(["QORGAU_SMTP_HOST": "relay.police.local", "QORGAU_SMTP_SECURITY": "none",
                                                              "QORGAU_SMTP_FROM": "alerts@police.example"])
        #expect(plain?.email?.port == 25 && plain?.configured.contains(.email) == true)
        #expect(!EmailSender.isPlainAddress("a@b.example>\r\nRCPT TO:<x@y"))
    }
}
