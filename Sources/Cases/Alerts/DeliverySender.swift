import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Store

/// A message ready for its channel: the text in the recipient's language and, for the duty
/// centre, the event as data.
public struct OutgoingMessage: Sendable {
    public var delivery: Delivery
    public var title: String
    public var text: String
    /// The page to open (officers: the alert console).
    public var link: String?
    /// The JSON a webhook posts.
    public var json: Data

    public init(delivery: Delivery, title: String, text: String, link: String?, json: Data) {
        self.delivery = delivery; self.title = title; self.text = text; self.link = link; self.json = json
    }
}

/// Sends messages on one channel.
public protocol DeliverySender: Sendable {
    func send(_ message: OutgoingMessage) async -> DeliveryResult
}

/// What a peer made of one attempt.
public enum DeliveryResult: Sendable, Equatable {
    case sent
    /// Worth trying again (a timeout, a refused connection, 408, 429, 5xx).
    case temporary(String)
    /// Not worth trying again (the peer refused the message).
    case permanent(String)
}

/// One HTTP request to a peer, its answer read as a delivery result.
struct PeerRequest: Sendable {
    var client: HTTPClient
    var timeout: TimeAmount = .seconds(10)

    func post(_ url: String, headers: HTTPHeaders, body: Data) async -> DeliveryResult {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return Self.result(of: response.status.code)
        } catch {
            return .temporary(Self.describe(error))
        }
    }

    static func result(of status: UInt) -> DeliveryResult {
        switch status {
        case 200..<300: .sent
        case 408, 425, 429, 500..<600: .temporary("HTTP \(status)")
        default: .permanent("HTTP \(status)")
        }
    }

    /// The error's kind only: never an address or a message body.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            case .remoteConnectionClosed: return "the peer closed the connection"
            default: return "HTTP client: \(error)"
            }
        }
        return "could not send (\(type(of: error)))"
    }
}
