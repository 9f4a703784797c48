import Domain
import Foundation
import SQLKit

/// One event in an alert's life. Raised and escalated events are what the escalation chain is
/// made of (`step` 0 when raised, 1 to the supervisor, 2 to the unit head and the duty centre);
/// an acknowledgement ends the chain; a hand-over gives the alert to one officer. The id is
/// time-ordered: the alert stream's `Last-Event-ID`.
public struct AlertEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case raised, escalated, acknowledged, handedOver
    }

    /// The last step of the chain: the unit head and the duty centre.
    public static let lastStep = 2

    /// Alerts that do not climb the chain by themselves: a battery running low is told to the
    /// case's officers and whoever is on call, not to the unit head and the duty centre at night
    /// (if the device then goes silent, that alert climbs). An officer may still escalate one.
    public static let notEscalated: Set<String> = ["lowBattery"]

    public var id: UUID
    public var alertID: UUID
    public var caseID: UUID
    public var kind: Kind
    public var step: Int
    public var actor: String
    public var targetUser: UUID?
    public var note: String?
    public var at: Int64
    /// When its deliveries were queued (nil until the worker has routed it).
    public var routedAt: Int64?

    public init(id: UUID, alertID: UUID, caseID: UUID, kind: Kind, step: Int, actor: String, targetUser: UUID? = nil,
                note: String? = nil, at: Int64, routedAt: Int64? = nil) {
        self.id = id; self.alertID = alertID; self.caseID = caseID; self.kind = kind; self.step = step; self.actor = actor
        self.targetUser = targetUser; self.note = note; self.at = at; self.routedAt = routedAt
    }

    /// The event an alert was raised with; its id follows from the alert's, so the monitoring
    /// can name it in the stream without reading it back.
    public static func raised(_ alert: StoredAlert, by actor: String) -> AlertEvent {
        AlertEvent(id: raisedID(of: alert), alertID: alert.id, caseID: alert.caseID, kind: .raised, step: 0, actor: actor,
                   at: alert.createdAt)
    }

    public static func raisedID(of alert: StoredAlert) -> UUID { TimeOrderedID.derived(at: alert.createdAt, from: alert.id) }

    /// A new event stamped `at`.
    public static func new(_ kind: Kind, of alert: StoredAlert, step: Int, by actor: String, target: UUID? = nil,
                           note: String? = nil, at: Int64) -> AlertEvent {
        AlertEvent(id: TimeOrderedID.batch(count: 1, at: at)[0], alertID: alert.id, caseID: alert.caseID, kind: kind, step: step,
                   actor: actor, targetUser: target, note: note, at: at)
    }

    /// Its line in the audit log (the note is case content: not written there).
    var auditEntry: AuditEntry {
        AuditEntry(actor: actor, action: "alertEvent.\(kind.rawValue)", entity: AlertEventModel.schema, entityID: id.apiString,
                   caseID: caseID, target: targetUser?.apiString, detail: "alert \(alertID.apiString) step \(step)")
    }
}

/// The columns of `alert_events` and an event's values for them.
enum AlertEventRow {
    static let columns = ["id", "alert_id", "case_id", "kind", "step", "actor", "target_user", "note", "at_ms"]

    static func values(_ event: AlertEvent) -> [any SQLExpression] {
        [SQLBind(event.id), SQLBind(event.alertID), SQLBind(event.caseID), SQLBind(event.kind.rawValue), SQLBind(event.step),
         SQLBind(event.actor), SQLBind(event.targetUser), SQLBind(event.note), SQLBind(event.at)]
    }

    static func insert(_ events: [AlertEvent], on sql: any SQLDatabase) -> SQLInsertBuilder {
        var insert = sql.insert(into: AlertEventModel.schema).columns(columns)
        for event in events { insert = insert.values(values(event)) }
        return insert
    }
}

extension AlertEventModel {
    func value() throws -> AlertEvent {
        AlertEvent(id: try requireID(), alertID: alertID, caseID: caseID, kind: AlertEvent.Kind(rawValue: kind) ?? .raised,
                   step: step, actor: actor, targetUser: targetUser, note: note, at: at, routedAt: routedAt)
    }
}
