import Domain
import Fluent
import Foundation

/// A browser or phone that receives a user's push messages.
public struct PushSubscription: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    public var endpoint: String
    /// The browser's P-256 public key and its 16-byte secret, base64url as the browser gives them.
    public var p256dh: String
    public var auth: String
    public var label: String?
    public var createdAt: Int64

    public init(id: UUID = UUID(), userID: UUID, endpoint: String, p256dh: String, auth: String, label: String?, createdAt: Int64) {
        self.id = id; self.userID = userID; self.endpoint = endpoint; self.p256dh = p256dh; self.auth = auth
        self.label = label; self.createdAt = createdAt
    }
}

/// Each user's push subscriptions. Audited without the endpoint (a capability to reach her).
public struct PushSubscriptionStore: Sendable {
    /// Devices one user may have subscribed at once.
    public static let maxPerUser = 10

    let db: any Database

    public init(db: any Database) { self.db = db }

    public func subscriptions(of userID: UUID) async throws -> [PushSubscription] {
        try await PushSubscriptionModel.query(on: db).filter(\.$userID == userID).sort(\.$createdAt).all().map(\.value)
    }

    public enum Refusal: Error, Equatable {
        /// The user has `maxPerUser` devices already.
        case tooMany
        /// The browser receives another account's messages: that account must turn them off first
        /// (else whoever learnt a device's address could take a victim's warnings away silently).
        case anotherAccount
    }

    /// Keeps a subscription. The same browser subscribing again for the same user replaces its
    /// keys; one subscribed for another user is refused.
    public func subscribe(_ subscription: PushSubscription) async throws -> PushSubscription {
        try await db.auditedTransaction { tx in
            let existing = try await PushSubscriptionModel.query(on: tx).filter(\.$endpoint == subscription.endpoint).first()
            if let existing, existing.userID != subscription.userID { throw Refusal.anotherAccount }
            if existing == nil {
                let count = try await PushSubscriptionModel.query(on: tx).filter(\.$userID == subscription.userID).count()
                guard count < Self.maxPerUser else { throw Refusal.tooMany }
            }
            let model = existing ?? PushSubscriptionModel()
            if existing == nil { model.id = subscription.id; model.createdAt = subscription.createdAt }
            model.userID = subscription.userID; model.endpoint = subscription.endpoint
            model.p256dh = subscription.p256dh; model.auth = subscription.auth; model.label = subscription.label
            try await model.save(on: tx)
            let kept = model.value
            return (kept, [AuditEntry(action: "push.subscribed", entity: PushSubscriptionModel.schema, entityID: kept.id.apiString,
                                      target: kept.userID.apiString)])
        }
    }

    /// Removes one of the user's subscriptions; false when she has none by that id.
    public func remove(_ id: UUID, of userID: UUID) async throws -> Bool {
        try await db.auditedTransaction { tx in
            guard let model = try await PushSubscriptionModel.query(on: tx).filter(\.$id == id).filter(\.$userID == userID).first() else {
                return (false, [])
            }
            try await model.delete(on: tx)
            return (true, [AuditEntry(action: "push.unsubscribed", entity: PushSubscriptionModel.schema, entityID: id.apiString,
                                      target: userID.apiString)])
        }
    }

    /// Forgets every device of a user (her password changed, or her account was disabled);
    /// returns how many. Called inside the caller's transaction, which audits it.
    public func removeAll(of userID: UUID) async throws -> Int {
        let count = try await PushSubscriptionModel.query(on: db).filter(\.$userID == userID).count()
        if count > 0 { try await PushSubscriptionModel.query(on: db).filter(\.$userID == userID).delete() }
        return count
    }

    /// Removes a subscription its push service says is gone (404 or 410, RFC 8030 §7.3).
    public func removeGone(_ subscription: PushSubscription) async throws {
        try await db.auditedTransaction { tx in
            try await PushSubscriptionModel.query(on: tx).filter(\.$id == subscription.id).delete()
            return ((), [AuditEntry(actor: "delivery", action: "push.expired", entity: PushSubscriptionModel.schema,
                                    entityID: subscription.id.apiString, target: subscription.userID.apiString)])
        }
    }
}

extension PushSubscriptionModel {
    var value: PushSubscription {
        PushSubscription(id: id ?? UUID(), userID: userID, endpoint: endpoint, p256dh: p256dh, auth: auth, label: label, createdAt: createdAt)
    }
}
