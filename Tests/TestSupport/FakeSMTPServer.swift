import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL

/// A mail server on loopback for the e-mail tests: it speaks enough SMTP to take a message
/// (EHLO, STARTTLS when given a certificate, AUTH PLAIN, MAIL, RCPT, DATA, QUIT), keeps each
/// message with what was said around it, and answers RCPT with the codes it is given, then 250.
public final class FakeSMTPServer: Sendable {
    public struct Received: Sendable {
        public var from: String
        public var to: String
        public var data: String
        public var credentials: String?
        public var overTLS: Bool
    }

    struct State {
        var received: [Received] = []
        var rcptAnswers: [Int] = []
    }

    private let channel: any Channel
    private let state: NIOLockedValueBox<State>
    public let port: Int

    /// `tls`: a server context, to offer STARTTLS.
    public static func start(tls: NIOSSLContext? = nil) async throws -> FakeSMTPServer {
        let state = NIOLockedValueBox(State())
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Conversation(state: state, tls: tls))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw TestSetupError("the fake mail server has no port") }
        return FakeSMTPServer(channel: channel, state: state, port: port)
    }

    private init(channel: any Channel, state: NIOLockedValueBox<State>, port: Int) { self.channel = channel; self.state = state; self.port = port }

    public var received: [Received] { state.withLockedValue { $0.received } }

    /// The next RCPT commands are answered with these codes, in order.
    public func answerRcpt(_ codes: Int...) { state.withLockedValue { $0.rcptAnswers += codes } }

    public func stop() async { try? await channel.close() }

    final class Conversation: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let state: NIOLockedValueBox<State>
        let tls: NIOSSLContext?
        var from = "", to = "", credentials: String?, overTLS = false
        var data: [String]?

        init(state: NIOLockedValueBox<State>, tls: NIOSSLContext?) { self.state = state; self.tls = tls }

        func channelActive(context: ChannelHandlerContext) { say("220 fake.example ESMTP", context) }

        func say(_ line: String, _ context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: line + "\r\n")), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data raw: NIOAny) {
            var buffer = unwrapInboundIn(raw)
            var line = buffer.readString(length: buffer.readableBytes) ?? ""
            if line.hasSuffix("\r") { line.removeLast() }
            if data != nil {
                if line == "." {
                    let message = Received(from: from, to: to, data: data!.joined(separator: "\r\n"), credentials: credentials, overTLS: overTLS)
                    state.withLockedValue { $0.received.append(message) }
                    data = nil
                    say("250 queued", context)
                } else {
                    data!.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
                }
                return
            }
            let verb = line.split(separator: " ").first.map { $0.uppercased() } ?? ""
            switch verb {
            case "EHLO":
                say("250-fake.example", context)
                say(tls != nil && !overTLS ? "250-STARTTLS" : "250-8BITMIME", context)
                say("250 AUTH PLAIN", context)
            case "STARTTLS":
                guard let tls else { say("502 no", context); return }
                say("220 go ahead", context)
                overTLS = true
                _ = context.pipeline.addHandler(NIOSSLServerHandler(context: tls), position: .first)
            case "AUTH":
                credentials = line.split(separator: " ").last.flatMap { Data(base64Encoded: String($0)) }.map { String(decoding: $0, as: UTF8.self) }
                say("235 ok", context)
            case "MAIL":
                from = String(line.dropFirst("MAIL FROM:".count)); say("250 ok", context)
            case "RCPT":
                to = String(line.dropFirst("RCPT TO:".count))
                let code = state.withLockedValue { $0.rcptAnswers.isEmpty ? 250 : $0.rcptAnswers.removeFirst() }
                say("\(code) \(code == 250 ? "ok" : "no")", context)
            case "DATA":
                data = []; say("354 go on", context)
            case "QUIT":
                say("221 bye", context); context.close(promise: nil)
            default:
                say("500 what", context)
            }
        }
    }
}
