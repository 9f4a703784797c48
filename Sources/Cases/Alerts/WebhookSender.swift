import AsyncHTTPClient
import Crypto
import Foundation
import NIOHTTP1
import Store

/// The duty centre's webhook: the event as JSON, signed with HMAC-SHA256 over
/// `"<timestamp>.<body>"` with a shared secret (`X-Qorgau-Signature: v1=<hex>`, the timestamp
/// in `X-Qorgau-Timestamp`, Unix seconds), so the receiver can tell it came from Qorgau and
/// refuse one replayed outside its window (`WebhookSignature.verify`). `Idempotency-Key` is the
/// delivery's id, the same on every attempt.
public struct WebhookSender: DeliverySender {
    public var url: String
    public var secret: SymmetricKey
    var peer: PeerRequest
    var clock: @Sendable () -> Date

    public init(url: String, secret: String, client: HTTPClient, clock: @escaping @Sendable () -> Date = Date.init) {
        self.url = url; self.secret = SymmetricKey(data: Data(secret.utf8)); self.peer = PeerRequest(client: client); self.clock = clock
    }

    public func send(_ message: OutgoingMessage) async -> DeliveryResult {
        let timestamp = Int(clock().timeIntervalSince1970)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Idempotency-Key", value: message.delivery.idempotencyKey)
        headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
        headers.add(name: WebhookSignature.signatureHeader, value: WebhookSignature.sign(message.json, timestamp: timestamp, key: secret))
        return await peer.post(url, headers: headers, body: message.json)
    }
}

/// The webhook's signature, for Qorgau and for a receiver written in Swift.
public enum WebhookSignature {
    public static let timestampHeader = "X-Qorgau-Timestamp"
    public static let signatureHeader = "X-Qorgau-Signature"

    /// `v1=` and the hex HMAC-SHA256 of `"<timestamp>.<body>"`.
    public static func sign(_ body: Data, timestamp: Int, key: SymmetricKey) -> String {
        var signed = Data("\(timestamp).".utf8)
        signed.append(body)
        return "v1=" + HMAC<SHA256>.authenticationCode(for: signed, using: key).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a request is genuine and fresh: the signature matches (compared in constant time)
    /// and the timestamp is within `window` seconds of `now`.
    public static func verify(_ body: Data, timestamp: String?, signature: String?, key: SymmetricKey, now: Date = Date(),
                              window: TimeInterval = 300) -> Bool {
        guard let timestamp, let seconds = Int(timestamp), let signature, signature.hasPrefix("v1="),
              abs(now.timeIntervalSince1970 - Double(seconds)) <= window,
              let mac = Data(hex: String(signature.dropFirst(3))) else { return false }
        var signed = Data("\(seconds).".utf8)
        signed.append(body)
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key)
    }
}

extension Data {
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
