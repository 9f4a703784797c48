import AsyncHTTPClient
import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOHTTP1
import Store

/// Web Push (RFC 8030) to every browser and phone the recipient subscribed: the message as JSON
/// (`title`, `body`, `url`, `tag`) encrypted for each device (RFC 8291) and signed for the push
/// service (VAPID, RFC 8292). Sent when at least one device's push service took it; a device whose
/// service says it is gone (404, 410) is forgotten. The `tag` is the delivery's id: a message sent
/// again after a crash replaces the notification it already showed instead of adding a second.
public struct WebPushSender: DeliverySender {
    public struct Settings: Sendable, Equatable {
        /// `mailto:` or `https:` contact the push services' operators may use (`QORGAU_PUSH_SUBJECT`).
        public var subject: String
        /// The push services messages may be sent to, as origins (`https://fcm.googleapis.com`, a
        /// host may start with `*.`), from `QORGAU_PUSH_SERVICES`; a subscription elsewhere is
        /// refused, so no user can make the server post to an address of her choosing.
        public var services: [String]
        /// How long a push service keeps a message for a device that is offline.
        public var ttlSeconds = 3600

        /// The push services of Chrome, Firefox, Safari and Edge.
        public static let knownServices = ["https://fcm.googleapis.com", "https://updates.push.services.mozilla.com",
                                           "https://web.push.apple.com", "https://*.notify.windows.com"]

        public init(subject: String, services: [String] = Self.knownServices) { self.subject = subject; self.services = services }

        /// Whether an endpoint is at one of the allowed push services.
        public func allows(_ endpoint: String) -> Bool {
            guard let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
                  url.user == nil, url.password == nil,
                  host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else { return false }
            let port = url.port.map { ":\($0)" } ?? ""
            return services.contains { origin in
                let parts = origin.lowercased().components(separatedBy: "://")
                guard parts.count == 2, parts[0] == scheme else { return false }
                let allowed = parts[1]
                if allowed.hasPrefix("*.") { return port.isEmpty && host.hasSuffix(allowed.dropFirst()) }
                return host + port == allowed
            }
        }
    }

    struct Payload: Encodable { var title: String; var body: String; var url: String; var tag: String }

    public var settings: Settings
    let vapid: VapidToken
    /// Each push service's token, signed once and used for an hour of its 12 (RFC 8292 lets a
    /// token be reused; an ECDSA signature per message is most of a message's cost).
    let tokens = NIOLockedValueBox<[String: (header: String, until: Date)]>([:])
    let db: any Database
    var peer: PeerRequest
    var clock: @Sendable () -> Date

    public init(settings: Settings, key: P256.Signing.PrivateKey, db: any Database, client: HTTPClient,
                clock: @escaping @Sendable () -> Date = Date.init) {
        self.settings = settings; self.vapid = VapidToken(key: key, subject: settings.subject); self.db = db
        self.peer = PeerRequest(client: client); self.clock = clock
    }

    public func send(_ message: OutgoingMessage) async -> DeliveryResult {
        guard let user = UUID(uuidString: message.delivery.planned.recipient) else { return .permanent("not a user") }
        let store = PushSubscriptionStore(db: db)
        let devices: [PushSubscription]
        do { devices = try await store.subscriptions(of: user) } catch { return .temporary("could not read the subscriptions") }
        guard !devices.isEmpty else { return .permanent("no device subscribed") }
        let payload = Payload(title: message.title, body: message.text, url: message.link ?? "/", tag: message.delivery.idempotencyKey)
        guard let json = try? JSONEncoder().encode(payload) else { return .permanent("could not encode the message") }
        // every device at once: one slow push service does not hold the others (nor the lease)
        let results = await withTaskGroup(of: DeliveryResult.self) { group in
            for device in devices {
                group.addTask {
                    let result = await send(json, to: device, key: message.delivery.idempotencyKey)
                    if result == .permanent("gone") { try? await store.removeGone(device) }
                    return result
                }
            }
            var results: [DeliveryResult] = []
            for await result in group { results.append(result) }
            return results
        }
        if results.contains(.sent) { return .sent }
        return results.first { if case .temporary = $0 { true } else { false } } ?? results[0]
    }

    func authorization(for endpoint: URL) throws -> String {
        let now = clock()
        let origin = "\(endpoint.scheme ?? "")://\(endpoint.host ?? ""):\(endpoint.port ?? 0)"
        if let kept = tokens.withLockedValue({ $0[origin] }), kept.until > now { return kept.header }
        let header = try vapid.authorization(for: endpoint, now: now)
        tokens.withLockedValue { $0[origin] = (header, now.addingTimeInterval(3600)) }
        return header
    }

    func send(_ json: Data, to device: PushSubscription, key: String) async -> DeliveryResult {
        guard settings.allows(device.endpoint), let endpoint = URL(string: device.endpoint) else { return .permanent("not an allowed push service") }
        guard let p256dh = Data(base64URLEncoded: device.p256dh), let auth = Data(base64URLEncoded: device.auth) else {
            return .permanent("the subscription's keys are not base64url")
        }
        do {
            let body = try WebPushEncryption.encrypt(json, p256dh: p256dh, auth: auth)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/octet-stream")
            headers.add(name: "Content-Encoding", value: "aes128gcm")
            headers.add(name: "TTL", value: String(settings.ttlSeconds))
            headers.add(name: "Urgency", value: "high")
            headers.add(name: "Idempotency-Key", value: key)
            headers.add(name: "Authorization", value: try authorization(for: endpoint))
            let result = await peer.post(device.endpoint, headers: headers, body: body)
            return result == .permanent("HTTP 404") || result == .permanent("HTTP 410") ? .permanent("gone") : result
        } catch let failure as WebPushEncryption.Failure {
            return .permanent(failure.description)
        } catch {
            return .permanent("could not encrypt the message")
        }
    }
}
