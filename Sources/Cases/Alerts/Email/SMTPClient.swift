import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// An SMTP submission (RFC 5321) of one message to one recipient: `EHLO`, `STARTTLS` (RFC 3207)
/// or TLS from the first byte, `AUTH PLAIN` (RFC 4954) when a user is set, `MAIL FROM`,
/// `RCPT TO`, `DATA`, `QUIT`. A 4xx reply is worth trying again; a 5xx is final.
public struct SMTPClient: Sendable {
    public enum Security: String, Sendable, Equatable { case startTLS = "starttls", tls, none }

    public struct Settings: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var security: Security
        public var username: String?
        public var password: String?
        /// The sender's address, as the agency's mail server accepts it.
        public var from: String
        /// Roots to trust besides the system's, for an agency's own certificate authority (PEM).
        public var caFile: String?

        public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, from: String,
                    caFile: String? = nil) {
            self.host = host; self.port = port; self.security = security; self.username = username; self.password = password
            self.from = from; self.caFile = caFile
        }
    }

    /// A reply that was not the one expected.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public var code: Int
        public var step: String
        public var description: String { "the mail server answered \(code) to \(step)" }
        public var isTemporary: Bool { (400..<500).contains(code) }
    }

    public var settings: Settings
    var timeout: TimeAmount = .seconds(20)

    public init(_ settings: Settings) { self.settings = settings }

    /// Sends `message` (headers and body, lines ending in CRLF) from `settings.from` to `recipient`.
    public func send(_ message: String, to recipient: String) async throws {
        let tls = try Self.tlsContext(settings)
        let host = settings.host
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .connect(host: host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if self.settings.security == .tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    let session = Session(replies: inbound.makeAsyncIterator(), outbound: outbound)
                    try await self.converse(session, channel: channel.channel, tls: tls, message: message, recipient: recipient)
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(Int64(self.timeout.nanoseconds / 1_000_000_000)))
                throw Refusal(code: 421, step: "the whole exchange (timed out)")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// The replies read so far and the way to write.
    final class Session: @unchecked Sendable {
        var replies: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        init(replies: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
            self.replies = replies; self.outbound = outbound
        }

        /// The next reply's code and text (a multi-line reply read to its last line).
        func reply() async throws -> (code: Int, lines: [String]) {
            var lines: [String] = []
            while true {
                guard var buffer = try await replies.next(), let line = buffer.readString(length: buffer.readableBytes) else {
                    throw Refusal(code: 421, step: "the connection (closed)")
                }
                let text = line.hasSuffix("\r") ? String(line.dropLast()) : line
                lines.append(text)
                guard text.count >= 3, let code = Int(text.prefix(3)) else { throw Refusal(code: 500, step: "a reply that is not SMTP") }
                if text.count == 3 || text[text.index(text.startIndex, offsetBy: 3)] != "-" { return (code, lines) }
            }
        }

        func write(_ text: String) async throws {
            try await outbound.write(ByteBuffer(string: text))
        }

        /// Writes a command and checks the reply's code is one of `expected`.
        @discardableResult
        func command(_ line: String, expect expected: Set<Int>, step: String) async throws -> [String] {
            try await write(line + "\r\n")
            return try await expect(expected, step: step)
        }

        @discardableResult
        func expect(_ expected: Set<Int>, step: String) async throws -> [String] {
            let (code, lines) = try await reply()
            guard expected.contains(code) else { throw Refusal(code: code, step: step) }
            return lines
        }
    }

    private func converse(_ session: Session, channel: any Channel, tls: NIOSSLContext, message: String, recipient: String) async throws {
        try await session.expect([220], step: "the greeting")
        let name = "qorgau.localdomain"
        let features = try await session.command("EHLO \(name)", expect: [250], step: "EHLO")
        if settings.security == .startTLS {
            guard features.contains(where: { $0.dropFirst(4).uppercased().hasPrefix("STARTTLS") }) else {
                throw Refusal(code: 530, step: "STARTTLS (the server does not offer it)")
            }
            try await session.command("STARTTLS", expect: [220], step: "STARTTLS")
            try await channel.pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: settings.host), position: .first).get()
            try await session.command("EHLO \(name)", expect: [250], step: "EHLO after STARTTLS")
        }
        if let username = settings.username, let password = settings.password {
            let plain = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            try await session.command("AUTH PLAIN \(plain)", expect: [235], step: "AUTH")
        }
        try await session.command("MAIL FROM:<\(settings.from)>", expect: [250], step: "MAIL FROM")
        try await session.command("RCPT TO:<\(recipient)>", expect: [250, 251], step: "RCPT TO")
        try await session.command("DATA", expect: [354], step: "DATA")
        try await session.write(Self.dotStuffed(message) + ".\r\n")
        try await session.expect([250], step: "the message")
        try? await session.command("QUIT", expect: [221], step: "QUIT")
    }

    /// The message as DATA sends it: a line starting with "." gets another (RFC 5321 §4.5.2),
    /// and it ends with a line break.
    static func dotStuffed(_ message: String) -> String {
        var lines = message.components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n"
    }

    static func tlsContext(_ settings: Settings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
