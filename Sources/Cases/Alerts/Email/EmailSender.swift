import Foundation
import Store

/// E-mail through the agency's mail server (SMTP): the message in the recipient's language as
/// UTF-8 text, its subject encoded as RFC 2047 says. The `Message-ID` is made from the delivery's
/// id, the same on every attempt, so a mail program that sees it twice shows it once.
public struct EmailSender: DeliverySender {
    public var client: SMTPClient
    var clock: @Sendable () -> Date

    public init(_ settings: SMTPClient.Settings, clock: @escaping @Sendable () -> Date = Date.init) {
        self.client = SMTPClient(settings); self.clock = clock
    }

    public func send(_ message: OutgoingMessage) async -> DeliveryResult {
        let recipient = message.delivery.planned.address
        guard Self.isPlainAddress(recipient) else { return .permanent("not an e-mail address") }
        do {
            try await client.send(compose(message), to: recipient)
            return .sent
        } catch let refusal as SMTPClient.Refusal {
            return refusal.isTemporary ? .temporary(refusal.description) : .permanent(refusal.description)
        } catch {
            return .temporary("could not reach the mail server (\(type(of: error)))")
        }
    }

    /// The message as sent: headers, a blank line, the text in base64 lines of 76.
    func compose(_ message: OutgoingMessage) -> String {
        let from = client.settings.from
        let domain = from.split(separator: "@").last.map(String.init) ?? "qorgau.localdomain"
        let date = DateFormatter()
        date.locale = Locale(identifier: "en_US_POSIX")
        date.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let text = message.link.map { "\(message.text)\r\n\r\n\($0)" } ?? message.text
        let body = Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return [
            "From: \(from)",
            "To: \(message.delivery.planned.address)",
            "Subject: =?UTF-8?B?\(Data(message.title.utf8).base64EncodedString())?=",
            "Date: \(date.string(from: clock()))",
            "Message-ID: <\(message.delivery.idempotencyKey)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            body,
        ].joined(separator: "\r\n") + "\r\n"
    }

    /// An address safe to put in `RCPT TO` and a header: no line break, no angle bracket.
    public static func isPlainAddress(_ address: String) -> Bool {
        address.contains("@") && !address.contains(where: { "\r\n<>\0 ".contains($0) }) && address.count <= 254
    }
}
