import Domain
import Foundation

/// The ways a message reaches a person.
public enum DeliveryChannel: String, Sendable, Codable, CaseIterable {
    case sms, voice, email, push, webhook
    /// The channels a user chooses for herself (the webhook is the duty centre's).
    public static let personal: [DeliveryChannel] = [.sms, .voice, .email, .push]
}

/// Whom a message is written for: an officer sees the case's number and the alert; a victim
/// only what she may know and what to do; the duty centre the alert as data.
public enum Audience: String, Sendable, Codable { case officer, victim, dutyCentre }

/// A message to be sent: who gets it, on which channel, where, and in which language.
public struct PlannedDelivery: Sendable, Equatable, Hashable {
    public var channel: DeliveryChannel
    /// A user's id, or `duty-centre`.
    public var recipient: String
    public var audience: Audience
    public var address: String
    public var language: String

    public init(channel: DeliveryChannel, recipient: String, audience: Audience, address: String, language: String) {
        self.channel = channel; self.recipient = recipient; self.audience = audience; self.address = address; self.language = language
    }

    public static let dutyCentre = "duty-centre"
}

/// A delivery as stored, with its state.
public struct Delivery: Sendable, Equatable {
    /// `delivered`: the channel reported the message reached the person's phone (a gateway's
    /// delivery receipt); the others know only that the peer took it (`sent`).
    public enum State: String, Sendable, Codable { case queued, sent, delivered, failed }

    public var id: UUID
    public var eventID: UUID
    public var alertID: UUID
    public var caseID: UUID
    public var planned: PlannedDelivery
    public var state: State
    /// Attempts so far (the one being made included, while it is).
    public var attempts: Int
    public var nextAt: Int64
    public var error: String?
    public var createdAt: Int64
    public var sentAt: Int64?
    public var deliveredAt: Int64?

    public init(id: UUID, eventID: UUID, alertID: UUID, caseID: UUID, planned: PlannedDelivery, state: State = .queued, attempts: Int = 1,
                nextAt: Int64, error: String? = nil, createdAt: Int64, sentAt: Int64? = nil, deliveredAt: Int64? = nil) {
        self.id = id; self.eventID = eventID; self.alertID = alertID; self.caseID = caseID; self.planned = planned; self.state = state
        self.attempts = attempts; self.nextAt = nextAt; self.error = error; self.createdAt = createdAt; self.sentAt = sentAt
        self.deliveredAt = deliveredAt
    }

    /// The key a peer that honours one sees once however often the delivery is sent again.
    public var idempotencyKey: String { id.apiString }
}

/// What became of one attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    case sent
    /// Failed for now (a timeout, a 5xx): tried again at `at` (epoch ms).
    case retry(at: Int64, error: String)
    /// Failed for good (refused by the peer, or out of attempts).
    case failed(error: String)
}

/// A user's contact details and the channels she opted in to.
public struct Contact: Sendable, Equatable, Codable {
    public var userID: UUID
    public var language: String
    public var phone: String?
    public var email: String?
    public var channels: Set<DeliveryChannel>

    public init(userID: UUID, language: String, phone: String? = nil, email: String? = nil, channels: Set<DeliveryChannel> = []) {
        self.userID = userID; self.language = language; self.phone = phone; self.email = email; self.channels = channels
    }

    /// Where this channel reaches her, if she gave it and opted in.
    public func address(for channel: DeliveryChannel) -> String? {
        guard channels.contains(channel) else { return nil }
        switch channel {
        case .sms, .voice: return phone
        case .email: return email
        case .push: return userID.apiString // her subscriptions are looked up when sent
        case .webhook: return nil
        }
    }
}

/// A duty in a unit's roster.
public struct RosterEntry: Sendable, Equatable, Codable {
    public enum Duty: String, Sendable, Codable, CaseIterable { case onCall, supervisor, head }

    public var duty: Duty
    public var userID: UUID
    /// Minutes after local midnight the duty starts and ends (ending before it starts runs over
    /// midnight); nil for always.
    public var fromMinute: Int?
    public var toMinute: Int?

    public init(duty: Duty, userID: UUID, fromMinute: Int? = nil, toMinute: Int? = nil) {
        self.duty = duty; self.userID = userID; self.fromMinute = fromMinute; self.toMinute = toMinute
    }

    /// Whether the duty holds at `minute` after local midnight.
    public func covers(minute: Int) -> Bool {
        guard let from = fromMinute, let to = toMinute else { return true }
        return from <= to ? (from..<to).contains(minute) : minute >= from || minute < to
    }
}

/// What the routing of an alert's event knows of its case: whom it may reach.
public struct RoutingFacts: Sendable {
    public struct Member: Sendable, Equatable {
        public var userID: UUID
        public var role: String
        public init(userID: UUID, role: String) { self.userID = userID; self.role = role }
    }

    public var caseID: UUID
    public var unit: String?
    public var jurisdiction: String
    /// Active users with a grant of the case (victims, investigators, judges).
    public var granted: [Member]
    /// Active officers of the case's unit.
    public var unitOfficers: [UUID]
    public var roster: [RosterEntry]
    public var contacts: [UUID: Contact]

    public init(caseID: UUID, unit: String?, jurisdiction: String, granted: [Member], unitOfficers: [UUID],
                roster: [RosterEntry], contacts: [UUID: Contact]) {
        self.caseID = caseID; self.unit = unit; self.jurisdiction = jurisdiction; self.granted = granted
        self.unitOfficers = unitOfficers; self.roster = roster; self.contacts = contacts
    }
}
