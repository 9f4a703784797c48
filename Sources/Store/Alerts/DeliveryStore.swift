import Domain
import Fluent
import FluentSQL
import Foundation
import SQLKit

/// The outbox's deliveries: routing each new alert event to its recipients, handing due
/// deliveries to a worker under a lease, and keeping what became of each. Every state a delivery
/// takes is written to the audit log (without the message or the address: case content).
/// Several instances share the work: a routed event and a leased delivery are taken with
/// `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite has one writer at a time).
public struct DeliveryStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Routes up to `limit` events not routed yet: `plan` names each one's deliveries from its
    /// alert and what is known of its case, and they are queued in the transaction that marks the
    /// event routed. Returns how many deliveries were queued.
    public func route(limit: Int = 100, now: Int64,
                      plan: @escaping @Sendable (AlertEvent, StoredAlert, RoutingFacts) -> [PlannedDelivery]) async throws -> Int {
        try await db.auditedTransaction { tx in
            let sql = try AuditChain.sqlDatabase(tx)
            let events = try await sql.raw("""
                UPDATE alert_events SET routed_at_ms = \(bind: now) WHERE id IN (
                SELECT id FROM alert_events WHERE routed_at_ms IS NULL ORDER BY id LIMIT \(literal: limit)\(unsafeRaw: Self.skipLocked(sql)))
                RETURNING *
                """).all().map { try $0.decode(model: AlertEventModel.self).value() }
            guard !events.isEmpty else { return (0, []) }
            let alerts = try await AlertModel.query(on: tx).filter(\.$id ~~ Set(events.map(\.alertID))).all()
                .reduce(into: [UUID: StoredAlert]()) { $0[try $1.requireID()] = try $1.value() }
            let facts = try await Self.facts(of: Set(events.map(\.caseID)), on: tx)
            var rows: [DeliveryModel] = []
            for event in events.sorted(by: { $0.id < $1.id }) {
                guard let alert = alerts[event.alertID], let caseFacts = facts[event.caseID] else { continue }
                for planned in Set(plan(event, alert, caseFacts)) {
                    rows.append(DeliveryModel(eventID: event.id, about: event.alertID, caseID: event.caseID, planned: planned, now: now))
                }
            }
            let queued = try await Self.queue(rows, on: sql)
            return (queued.count, queued.map { $0.auditEntry("delivery.queued", detail: "\($0.channel) to \($0.audience)") })
        }
    }

    /// Inserts new deliveries, each recipient and channel of an event once; returns those inserted.
    static func queue(_ rows: [DeliveryModel], on sql: any SQLDatabase) async throws -> [DeliveryModel] {
        var queued: [DeliveryModel] = []
        for chunk in rows.chunks(of: 200) {
            var insert = sql.insert(into: DeliveryModel.schema).columns(DeliveryRow.columns)
            for row in chunk { insert = insert.values(DeliveryRow.values(row)) }
            let taken = Set(try await insert.ignoringConflicts().returning("id").all().map { try $0.decode(column: "id", as: UUID.self) })
            queued += chunk.filter { taken.contains($0.id ?? UUID()) }
        }
        return queued
    }

    /// Takes up to `limit` deliveries due at `now` for `owner` until `now + lease`: each attempt
    /// counted. One whose worker died is taken again once its lease has run out.
    public func claim(owner: String, limit: Int, now: Int64, lease: Int64) async throws -> [Delivery] {
        guard let sql = db as? any SQLDatabase else { return [] }
        return try await sql.raw("""
            UPDATE deliveries SET lease_owner = \(bind: owner), lease_until_ms = \(bind: now + lease), attempts = attempts + 1
            WHERE id IN (SELECT id FROM deliveries WHERE state = 'queued' AND next_at_ms <= \(bind: now)
            AND (lease_until_ms IS NULL OR lease_until_ms < \(bind: now)) ORDER BY next_at_ms LIMIT \(literal: limit)\(unsafeRaw: Self.skipLocked(sql)))
            RETURNING *
            """).all().map { try $0.decode(model: DeliveryModel.self).value() }
    }

    /// Keeps what became of attempts, in one transaction, for the deliveries `owner` still holds
    /// (one whose lease ran out and that another worker took is left to it). Returns how many
    /// were kept.
    @discardableResult
    public func finish(_ outcomes: [(Delivery, DeliveryOutcome)], owner: String, now: Int64) async throws -> Int {
        guard !outcomes.isEmpty else { return 0 }
        return try await db.auditedTransaction { tx in
            let sql = try AuditChain.sqlDatabase(tx)
            var entries: [AuditEntry] = []
            // those sent (nearly all) in one statement
            let sent = outcomes.filter { $0.1 == .sent }.map(\.0)
            if !sent.isEmpty {
                let kept = Set(try await sql.update(DeliveryModel.schema)
                    .set("lease_owner", to: SQLLiteral.null).set("lease_until_ms", to: SQLLiteral.null)
                    .set("state", to: SQLBind(Delivery.State.sent.rawValue)).set("sent_at_ms", to: SQLBind(now)).set("error", to: SQLLiteral.null)
                    .where("id", .in, SQLBind.group(sent.map(\.id))).where("lease_owner", .equal, SQLBind(owner))
                    .where("state", .equal, SQLBind(Delivery.State.queued.rawValue)).returning("id").all()
                    .map { try $0.decode(column: "id", as: UUID.self) })
                entries += sent.filter { kept.contains($0.id) }.map { delivery in
                    AuditEntry(action: "delivery.sent", entity: DeliveryModel.schema, entityID: delivery.idempotencyKey, caseID: delivery.caseID,
                               detail: "\(delivery.planned.channel.rawValue) attempt \(delivery.attempts)")
                }
            }
            // the rest, one by one (a sent one was finished above)
            for (delivery, outcome) in outcomes {
                var update = sql.update(DeliveryModel.schema).set("lease_owner", to: SQLLiteral.null).set("lease_until_ms", to: SQLLiteral.null)
                let action: String, detail: String
                switch outcome {
                case .sent:
                    continue
                case .retry(let at, let error):
                    update = update.set("next_at_ms", to: SQLBind(at)).set("error", to: SQLBind(error))
                    (action, detail) = ("delivery.retry", "\(delivery.planned.channel.rawValue) attempt \(delivery.attempts): \(error)")
                case .failed(let error):
                    update = update.set("state", to: SQLBind(Delivery.State.failed.rawValue)).set("error", to: SQLBind(error))
                    (action, detail) = ("delivery.failed", "\(delivery.planned.channel.rawValue) attempt \(delivery.attempts): \(error)")
                }
                let rows = try await update.where("id", .equal, SQLBind(delivery.id)).where("lease_owner", .equal, SQLBind(owner))
                    .where("state", .equal, SQLBind(Delivery.State.queued.rawValue)).returning("id").all()
                guard !rows.isEmpty else { continue }
                entries.append(AuditEntry(action: action, entity: DeliveryModel.schema, entityID: delivery.idempotencyKey,
                                          caseID: delivery.caseID, detail: detail))
            }
            return (entries.count, entries)
        }
    }

    /// Keeps what became of one attempt (see the batch form); false if `owner` no longer holds it.
    @discardableResult
    public func finish(_ delivery: Delivery, owner: String, outcome: DeliveryOutcome, now: Int64) async throws -> Bool {
        try await finish([(delivery, outcome)], owner: owner, now: now) == 1
    }

    /// A gateway's receipt for a message it was handed: delivered to the phone, or not (then the
    /// delivery failed, with the gateway's reason). Only for the SMS and voice channels, and
    /// only once: a delivery already delivered or failed is left as it is. Returns the delivery
    /// as it now is, nil if there is none by that id.
    public func receipt(_ id: UUID, delivered: Bool, at: Int64, reason: String?) async throws -> Delivery? {
        try await db.auditedTransaction { tx in
            guard let model = try await DeliveryModel.find(id, on: tx) else { return (nil, []) }
            // only a message the gateway took (sent), once: a queued one it never had is not its to report
            guard ["sms", "voice"].contains(model.channel), model.state == Delivery.State.sent.rawValue else { return (try model.value(), []) }
            if delivered {
                model.state = Delivery.State.delivered.rawValue
                model.deliveredAt = at
                if model.sentAt == nil { model.sentAt = at }
            } else {
                model.state = Delivery.State.failed.rawValue
                model.error = "the gateway reports it undelivered" + (reason.map { ": \($0)" } ?? "")
            }
            model.leaseOwner = nil
            model.leaseUntil = nil
            try await model.update(on: tx)
            return (try model.value(), [model.auditEntry(delivered ? "delivery.delivered" : "delivery.failed",
                                                         detail: "\(model.channel) receipt" + (delivered ? "" : ": undelivered"))])
        }
    }

    /// Each alert's deliveries, oldest first.
    public func deliveries(of alertIDs: [UUID]) async throws -> [UUID: [Delivery]] {
        var deliveries: [UUID: [Delivery]] = [:]
        for chunk in alertIDs.chunks(of: 500) {
            for model in try await DeliveryModel.query(on: db).filter(\.$alertID ~~ chunk).sort(\.$createdAt).sort(\.$id).all() {
                deliveries[model.alertID, default: []].append(try model.value())
            }
        }
        return deliveries
    }

    /// How many deliveries are in each state (for the benchmark and the health of the outbox).
    public func counts() async throws -> [Delivery.State: Int] {
        guard let sql = db as? any SQLDatabase else { return [:] }
        struct Row: Decodable { var state: String; var n: Int }
        let rows = try await sql.raw("SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state").all(decoding: Row.self)
        return rows.reduce(into: [:]) { counts, row in if let state = Delivery.State(rawValue: row.state) { counts[state] = row.n } }
    }

    static func skipLocked(_ sql: any SQLDatabase) -> String { sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : "" }

    /// Whom an event of each case may reach: the active users granted it, the unit's active
    /// officers, the unit's roster, and their contacts. Read for all the cases at once (a burst
    /// of alerts is routed with a handful of queries, not a handful a case).
    static func facts(of caseIDs: Set<UUID>, on db: any Database) async throws -> [UUID: RoutingFacts] {
        guard !caseIDs.isEmpty else { return [:] }
        let cases = try await CaseModel.query(on: db).filter(\.$id ~~ caseIDs).all()
        let grants = try await CaseAccessModel.query(on: db).filter(\.$id.$caseID ~~ caseIDs).all().compactMap(\.id)
        let units = Set(cases.compactMap(\.unit))
        let grantedUsers = Set(grants.map(\.userID))
        let granted = grantedUsers.isEmpty ? [] : try await UserModel.query(on: db).filter(\.$id ~~ grantedUsers).filter(\.$disabled == false).all()
        let officers = units.isEmpty ? [] : try await UserModel.query(on: db).filter(\.$unit ~~ units)
            .filter(\.$role == "officer").filter(\.$disabled == false).all()
        let roster = units.isEmpty ? [] : try await DutyRosterModel.query(on: db).filter(\.$unit ~~ units).all()
        let active = Set((granted + officers).compactMap(\.id))
        // a duty held by a disabled user reaches nobody
        let rosterUsers = Set(roster.map(\.userID)).subtracting(active)
        let onDuty = rosterUsers.isEmpty ? [] : try await UserModel.query(on: db).filter(\.$id ~~ rosterUsers).filter(\.$disabled == false).all()
        let people = active.union(onDuty.compactMap(\.id))
        let contacts = people.isEmpty ? [:] : try await ContactModel.query(on: db).filter(\.$id ~~ people).all()
            .reduce(into: [UUID: Contact]()) { $0[try $1.requireID()] = $1.value }
        let grantedByID = Dictionary(granted.compactMap { user in user.id.map { ($0, user) } }, uniquingKeysWith: { first, _ in first })
        var facts: [UUID: RoutingFacts] = [:]
        for model in cases {
            let caseID = try model.requireID()
            let members = grants.filter { $0.caseID == caseID }.compactMap { grantedByID[$0.userID] }
            let unitOfficers = officers.filter { $0.unit == model.unit && model.unit != nil }
            let reachable = Set((members + unitOfficers).compactMap(\.id)).union(onDuty.compactMap(\.id))
            facts[caseID] = RoutingFacts(
                caseID: caseID, unit: model.unit, jurisdiction: model.jurisdiction,
                granted: try members.map { RoutingFacts.Member(userID: try $0.requireID(), role: $0.role) },
                unitOfficers: unitOfficers.compactMap(\.id),
                roster: roster.filter { $0.unit == model.unit && people.contains($0.userID) }.compactMap(\.value),
                contacts: contacts.filter { reachable.contains($0.key) })
        }
        return facts
    }
}

/// The columns of `deliveries` a new delivery sets, and its values for them.
enum DeliveryRow {
    static let columns = ["id", "event_id", "alert_id", "case_id", "channel", "recipient", "audience", "address", "language", "state",
                          "attempts", "next_at_ms", "created_at_ms"]

    static func values(_ m: DeliveryModel) -> [any SQLExpression] {
        [SQLBind(m.id), SQLBind(m.eventID), SQLBind(m.alertID), SQLBind(m.caseID), SQLBind(m.channel), SQLBind(m.recipient),
         SQLBind(m.audience), SQLBind(m.address), SQLBind(m.language), SQLBind(m.state), SQLBind(m.attempts), SQLBind(m.nextAt),
         SQLBind(m.createdAt)]
    }
}

extension DeliveryModel {
    /// A queued delivery of an event: an alert's (`about` its alert) or a notice (`about` itself).
    convenience init(eventID: UUID, about subject: UUID, caseID: UUID, planned: PlannedDelivery, now: Int64) {
        self.init()
        id = UUID(); self.eventID = eventID; alertID = subject; self.caseID = caseID
        channel = planned.channel.rawValue; recipient = planned.recipient; audience = planned.audience.rawValue
        address = planned.address; language = planned.language
        state = Delivery.State.queued.rawValue; attempts = 0; nextAt = now; createdAt = now
    }

    func auditEntry(_ action: String, detail: String) -> AuditEntry {
        AuditEntry(action: action, entity: Self.schema, entityID: id?.apiString, caseID: caseID, detail: detail)
    }

    func value() throws -> Delivery {
        Delivery(id: try requireID(), eventID: eventID, alertID: alertID, caseID: caseID,
                 planned: PlannedDelivery(channel: DeliveryChannel(rawValue: channel) ?? .webhook, recipient: recipient,
                                          audience: Audience(rawValue: audience) ?? .officer, address: address, language: language),
                 state: Delivery.State(rawValue: state) ?? .queued, attempts: attempts, nextAt: nextAt, error: error,
                 createdAt: createdAt, sentAt: sentAt, deliveredAt: deliveredAt)
    }
}

extension DutyRosterModel {
    var value: RosterEntry? {
        RosterEntry.Duty(rawValue: duty).map { RosterEntry(duty: $0, userID: userID, fromMinute: fromMinute, toMinute: toMinute) }
    }
}

extension ContactModel {
    var value: Contact {
        Contact(userID: id ?? UUID(), language: language, phone: phone, email: email,
                channels: Set(channels.split(separator: ",").compactMap { DeliveryChannel(rawValue: String($0)) }))
    }
}

/// What a message about an alert's event says, read when it is sent.
public struct DeliveryContext: Sendable {
    public var event: AlertEvent
    public var alert: StoredAlert
    public var caseNumber: String?
    public var unit: String?
    public var jurisdiction: String
    /// Where the person who raised it was (a victim's panic alert, when her phone shared it).
    public var position: StoredPing?

    public init(event: AlertEvent, alert: StoredAlert, caseNumber: String?, unit: String?, jurisdiction: String, position: StoredPing? = nil) {
        self.event = event; self.alert = alert; self.caseNumber = caseNumber; self.unit = unit; self.jurisdiction = jurisdiction
        self.position = position
    }
}

extension DeliveryStore {
    /// The context of each delivery's event, by event id.
    public func contexts(of deliveries: [Delivery]) async throws -> [UUID: DeliveryContext] {
        let eventIDs = Set(deliveries.map(\.eventID))
        guard !eventIDs.isEmpty else { return [:] }
        let events = try await AlertEventModel.query(on: db).filter(\.$id ~~ eventIDs).all().map { try $0.value() }
        let alerts = try await AlertModel.query(on: db).filter(\.$id ~~ Set(events.map(\.alertID))).all()
            .reduce(into: [UUID: StoredAlert]()) { $0[try $1.requireID()] = try $1.value() }
        let cases = try await CaseModel.query(on: db).filter(\.$id ~~ Set(events.map(\.caseID))).all()
            .reduce(into: [UUID: CaseModel]()) { $0[try $1.requireID()] = $1 }
        var contexts: [UUID: DeliveryContext] = [:]
        for event in events {
            guard let alert = alerts[event.alertID], let model = cases[event.caseID] else { continue }
            let position = try await MonitoringStore(db: db).position(of: alert)
            contexts[event.id] = DeliveryContext(event: event, alert: alert, caseNumber: model.number, unit: model.unit,
                                                 jurisdiction: model.jurisdiction, position: position)
        }
        return contexts
    }
}
