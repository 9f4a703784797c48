import Domain
import Foundation
import Store

/// Who hears an alert's event, and on which channels: the policy, apart from the sending.
///
/// - Raised: the officers and investigators granted the case, and whoever is on call in the
///   unit at that time of day (the unit's officers all, when nobody is on call), on the channels
///   each chose;
///   the victims of the case, on theirs, when the respondent came near them (a zone or proximity
///   breach); the duty centre at once for a victim's panic alert.
/// - Escalated: step 1 the unit's supervisors, step 2 its head and the duty centre.
/// - Handed over: the officer it was handed to.
/// - Acknowledged: the duty centre, when it was told of the alert (a panic, or the last step).
/// - A notice (her order issued, extended, ending, revoked; the case registered, in court,
///   decided): the case's victims, on their channels but a call.
/// A channel not configured on this server reaches nobody.
public struct AlertRouting: Sendable {
    /// The channels this server can send on.
    public var channels: Set<DeliveryChannel>
    /// A roster's times of day are local to the case's jurisdiction: its offset from UTC in
    /// seconds at an instant (epoch ms).
    public var utcOffset: @Sendable (_ jurisdiction: String, _ at: Int64) -> Int
    /// The language of the duty centre's messages.
    public var defaultLanguage: String

    public init(channels: Set<DeliveryChannel>, defaultLanguage: String = "ru",
                utcOffset: @escaping @Sendable (_ jurisdiction: String, _ at: Int64) -> Int) {
        self.channels = channels; self.utcOffset = utcOffset; self.defaultLanguage = defaultLanguage
    }

    /// The alert kinds that put a victim in danger now: she is warned of them.
    public static let victimWarned: Set<Alert.Kind> = [.zone, .proximity]

    public func plan(_ event: AlertEvent, _ alert: StoredAlert, _ facts: RoutingFacts) -> [PlannedDelivery] {
        var officers: [UUID] = [], victims: [UUID] = [], dutyCentre = false
        let minute = Int(((event.at / 1000 + Int64(utcOffset(facts.jurisdiction, event.at))) % 86_400 + 86_400) % 86_400) / 60
        func onDuty(_ duty: RosterEntry.Duty) -> [UUID] {
            facts.roster.filter { $0.duty == duty && $0.covers(minute: minute) }.map(\.userID)
        }
        switch event.kind {
        case .raised:
            let onCall = onDuty(.onCall)
            officers = facts.granted.filter { ["officer", "investigator"].contains($0.role) }.map(\.userID)
                + (onCall.isEmpty ? facts.unitOfficers : onCall)
            if Self.victimWarned.contains(alert.kind) { victims = facts.granted.filter { $0.role == "victim" }.map(\.userID) }
            dutyCentre = alert.kind == .panic
        case .escalated:
            officers = onDuty(event.step >= AlertEvent.lastStep ? .head : .supervisor)
            dutyCentre = event.step >= AlertEvent.lastStep
        case .handedOver:
            officers = event.targetUser.map { [$0] } ?? []
        case .acknowledged:
            // the duty centre, told of a panic at once or of an alert at the last step, hears it is handled
            dutyCentre = alert.kind == .panic || event.step >= AlertEvent.lastStep
        }
        var planned = reach(officers, as: .officer, facts: facts) + reach(victims, as: .victim, facts: facts)
        if dutyCentre, channels.contains(.webhook) {
            planned.append(PlannedDelivery(channel: .webhook, recipient: PlannedDelivery.dutyCentre, audience: .dutyCentre,
                                           address: PlannedDelivery.dutyCentre, language: defaultLanguage))
        }
        return planned
    }

    /// News of her case reaches the case's victims on the channels each chose, a phone call
    /// excepted (a call is for danger, not for news).
    public func plan(_ notice: Notice, _ facts: RoutingFacts) -> [PlannedDelivery] {
        reach(facts.granted.filter { $0.role == "victim" }.map(\.userID), as: .victim, facts: facts, except: [.voice])
    }

    private func reach(_ users: [UUID], as audience: Audience, facts: RoutingFacts, except: Set<DeliveryChannel> = []) -> [PlannedDelivery] {
        var planned: [PlannedDelivery] = []
        for user in Set(users) {
            guard let contact = facts.contacts[user] else { continue }
            for channel in DeliveryChannel.personal where channels.contains(channel) && !except.contains(channel) {
                guard let address = contact.address(for: channel) else { continue }
                planned.append(PlannedDelivery(channel: channel, recipient: user.apiString, audience: audience,
                                               address: address, language: contact.language))
            }
        }
        return planned
    }
}
