import Fluent
import Foundation

/// One event in an alert's life; the outbox the delivery worker fans out.
final class AlertEventModel: Model, @unchecked Sendable {
    static let schema = "alert_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "alert_id") var alertID: UUID
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "step") var step: Int
    @Field(key: "actor") var actor: String
    @OptionalField(key: "target_user") var targetUser: UUID?
    @OptionalField(key: "note") var note: String?
    @Field(key: "at_ms") var at: Int64
    /// When its deliveries were queued (nil until then; events that need none are routed at once).
    @OptionalField(key: "routed_at_ms") var routedAt: Int64?

    init() {}
}

/// One message to one recipient on one channel, with its state.
final class DeliveryModel: Model, @unchecked Sendable {
    static let schema = "deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "alert_id") var alertID: UUID
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "channel") var channel: String
    /// A user's id, or `duty-centre`.
    @Field(key: "recipient") var recipient: String
    /// Whom the message is written for: `officer`, `victim` or `dutyCentre`.
    @Field(key: "audience") var audience: String
    @Field(key: "address") var address: String
    @Field(key: "language") var language: String
    @Field(key: "state") var state: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_at_ms") var nextAt: Int64
    @OptionalField(key: "lease_owner") var leaseOwner: String?
    @OptionalField(key: "lease_until_ms") var leaseUntil: Int64?
    @OptionalField(key: "error") var error: String?
    @Field(key: "created_at_ms") var createdAt: Int64
    @OptionalField(key: "sent_at_ms") var sentAt: Int64?
    /// When the channel reported the message delivered (migration 013).
    @OptionalField(key: "delivered_at_ms") var deliveredAt: Int64?

    init() {}
}

/// A user's duty in a unit: on call (within a time of day, or always), supervisor or head.
final class DutyRosterModel: Model, @unchecked Sendable {
    static let schema = "duty_roster"

    @ID(key: .id) var id: UUID?
    @Field(key: "unit") var unit: String
    @Field(key: "duty") var duty: String
    @Field(key: "user_id") var userID: UUID
    @OptionalField(key: "from_minute") var fromMinute: Int?
    @OptionalField(key: "to_minute") var toMinute: Int?

    init() {}
}

/// How a user wants to be reached, and in which language.
final class ContactModel: Model, @unchecked Sendable {
    static let schema = "contacts"

    @ID(custom: "user_id", generatedBy: .user) var id: UUID?
    @Field(key: "language") var language: String
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "email") var email: String?
    /// The channels the user opted in to, joined by commas.
    @Field(key: "channels") var channels: String
    @Field(key: "updated_at_ms") var updatedAt: Int64

    init() {}
}

/// A browser or phone a user subscribed to Web Push.
final class PushSubscriptionModel: Model, @unchecked Sendable {
    static let schema = "push_subscriptions"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    /// The push service's address for this subscription (a capability: kept, never logged).
    @Field(key: "endpoint") var endpoint: String
    @Field(key: "p256dh") var p256dh: String
    @Field(key: "auth") var auth: String
    /// What the user calls the device ("phone", the browser's name).
    @OptionalField(key: "label") var label: String?
    @Field(key: "created_at_ms") var createdAt: Int64

    init() {}
}
