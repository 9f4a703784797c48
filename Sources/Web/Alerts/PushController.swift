import Cases
import Crypto
import Domain
import Fluent
import Foundation
import Store
import Vapor

/// Web Push subscriptions: `GET /api/v1/push/key` (the key a browser subscribes with),
/// `GET`/`POST /api/v1/me/push-subscriptions` and `DELETE /api/v1/me/push-subscriptions/{id}`.
/// Subscribing a device opts its user in to the push channel: that is what the button means.
struct PushController {
    struct KeyBody: Content { var publicKey: String }

    struct DeviceBody: Content {
        var id: String
        var label: String?
        /// The push service's host (the endpoint itself is a capability and is never shown).
        var service: String
        var createdAt: String

        init(_ subscription: PushSubscription) {
            id = subscription.id.apiString; label = subscription.label
            service = URL(string: subscription.endpoint)?.host ?? ""
            createdAt = Timestamp.text(subscription.createdAt)
        }
    }

    func key(req: Request) throws -> KeyBody {
        guard let key = try Self.vapidKey(req) else { throw Abort(.notFound, reason: "this server does not send push messages") }
        return KeyBody(publicKey: key.publicKey.x963Representation.base64URLEncoded)
    }

    func list(req: Request) async throws -> [DeviceBody] {
        try await PushSubscriptionStore(db: req.db).subscriptions(of: try ContactController.userID(req)).map(DeviceBody.init)
    }

    /// Body: the browser's `PushSubscription.toJSON()`: `{"endpoint": "https://…", "keys": {"p256dh": "…",
    /// "auth": "…"}}`, and an optional `"label"` naming the device for its owner.
    func subscribe(req: Request) async throws -> Response {
        let user = try ContactController.userID(req)
        guard let settings = req.application.qorgauConfig.alertChannels.push, try Self.vapidKey(req) != nil else {
            throw Abort(.notFound, reason: "this server does not send push messages")
        }
        let subscription = try Self.read(try req.jsonBody(), user: user, settings: settings)
        let kept: PushSubscription
        do {
            kept = try await PushSubscriptionStore(db: req.db).subscribe(subscription)
        } catch PushSubscriptionStore.Refusal.tooMany {
            throw Abort(.conflict, reason: "at most \(PushSubscriptionStore.maxPerUser) devices; remove one first")
        } catch PushSubscriptionStore.Refusal.anotherAccount {
            throw Abort(.conflict, reason: "this browser receives another account's notifications; turn them off there first")
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            throw Abort(.conflict, reason: "this browser was subscribed at the same moment; try again")
        }
        let contacts = ContactStore(db: req.db)
        var contact = try await contacts.contact(of: user) ?? Contact(userID: user, language: req.pageLanguage)
        if !contact.channels.contains(.push) {
            contact.channels.insert(.push)
            try await contacts.save(contact, now: nowMilliseconds())
        }
        let response = Response(status: .created)
        try response.content.encode(DeviceBody(kept))
        return response
    }

    /// Idempotent: a device she does not have (removed already, or another's) is left as it is.
    func unsubscribe(req: Request) async throws -> HTTPStatus {
        let user = try ContactController.userID(req)
        guard let id = req.parameters.get("subscriptionID").flatMap(UUID.init(uuidString:)) else {
            throw Abort(.badRequest, reason: "subscriptionID must be a UUID")
        }
        _ = try await PushSubscriptionStore(db: req.db).remove(id, of: user)
        return .noContent
    }

    static func read(_ body: JSONNode, user: UUID, settings: WebPushSender.Settings) throws -> PushSubscription {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let endpoint = body["endpoint"].string(maxLength: 1024)
        if let endpoint, !settings.allows(endpoint) { body["endpoint"].fail("must be the address of a push service this server sends to") }
        let keys = body["keys"]
        let p256dh = keys["p256dh"].string(maxLength: 100)
        if let p256dh, (Data(base64URLEncoded: p256dh)).flatMap({ try? P256.KeyAgreement.PublicKey(x963Representation: $0) }) == nil {
            keys["p256dh"].fail("must be the browser's P-256 public key, base64url")
        }
        let auth = keys["auth"].string(maxLength: 30)
        if let auth, Data(base64URLEncoded: auth)?.count != 16 { keys["auth"].fail("must be 16 bytes, base64url") }
        let label = body["label"].string(required: false, maxLength: 60)
        try body.throwIfInvalid()
        return PushSubscription(userID: user, endpoint: endpoint!, p256dh: p256dh!, auth: auth!, label: label, createdAt: nowMilliseconds())
    }

    static func vapidKey(_ req: Request) throws -> P256.Signing.PrivateKey? {
        req.application.qorgauConfig.alertChannels.push == nil ? nil : req.application.qorgauConfig.pushKey
    }
}
