import Domain
import Fluent
import Foundation
import SQLKit

/// What officers and the sweep do with an alert: its escalation chain (raised → the supervisor →
/// the unit head and the duty centre), an acknowledgement with a note that ends it, a hand-over
/// to a colleague. Each is an `AlertEvent` written with the change, so the delivery worker sends
/// it on and the alert stream can be resumed from it.
extension MonitoringStore {
    /// Marks an alert seen by an officer, with what she did (`note`); acknowledging twice keeps
    /// the first. The acknowledgement ends the escalation chain.
    public func acknowledge(_ id: UUID, caseID: UUID, by subject: String, note: String? = nil, scope: CaseScope,
                            now: Int64? = nil) async throws -> (alert: StoredAlert, event: AlertEvent?) {
        let now = now ?? nowMilliseconds()
        let model = try await alertModel(id, caseID: caseID, scope: scope)
        guard model.acknowledgedAt == nil else { return (try model.value(), nil) }
        model.acknowledgedAt = now
        model.acknowledgedBy = subject
        let alert = try model.value()
        let event = AlertEvent.new(.acknowledged, of: alert, step: try await lastStep(of: id), by: subject, note: note, at: now)
        let taken = try await db.auditedTransaction { tx in
            let sql = try AuditChain.sqlDatabase(tx)
            let rows = try await sql.update(AlertModel.schema).set("acknowledged_at_ms", to: SQLBind(now))
                .set("acknowledged_by", to: SQLBind(subject))
                .where("id", .equal, SQLBind(id)).where("acknowledged_at_ms", .is, SQLLiteral.null).returning("id").all()
            guard !rows.isEmpty else { return (false, []) } // acknowledged meanwhile
            try await AlertEventRow.insert([event], on: sql).run()
            return (true, [try .row(model, "alert.acknowledged", actor: subject), event.auditEntry])
        }
        guard taken else { return (try await alertModel(id, caseID: caseID, scope: scope).value(), nil) }
        return (alert, event)
    }

    /// An alert of a case in scope (not found for one outside it).
    public func alert(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> StoredAlert {
        try await alertModel(id, caseID: caseID, scope: scope).value()
    }

    func alertModel(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> AlertModel {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        guard let model = try await AlertModel.query(on: db).filter(\.$id == id).filter(\.$caseID == caseID).first() else {
            throw DomainError.notFound("alert")
        }
        return model
    }

    /// The highest step of the chain an alert has reached.
    func lastStep(of alertID: UUID) async throws -> Int {
        try await AlertEventModel.query(on: db).filter(\.$alertID == alertID).max(\.$step) ?? 0
    }

    /// Moves the chain of every alert left unacknowledged one step on (raised → the supervisor →
    /// the unit head and the duty centre) when its last step was taken before `before` (epoch ms).
    /// Each step once, even with several instances sweeping: one raised or escalated event per
    /// alert and step, by a unique index.
    public func escalate(before: Int64, now: Int64) async throws -> [(alert: StoredAlert, event: AlertEvent)] {
        guard let sql = db as? any SQLDatabase else { return [] }
        struct Due: Decodable { var alert_id: UUID; var step: Int }
        // the newest step of each open alert, when it was taken before `before`
        let due = try await sql.raw("""
            SELECT e.alert_id, MAX(e.step) AS step FROM alert_events e JOIN alerts a ON a.id = e.alert_id
            WHERE a.acknowledged_at_ms IS NULL AND e.kind IN ('raised', 'escalated')
            AND a.kind NOT IN (\(unsafeRaw: AlertEvent.notEscalated.sorted().map { "'\($0)'" }.joined(separator: ", ")))
            GROUP BY e.alert_id HAVING MAX(e.step) < \(literal: AlertEvent.lastStep) AND MAX(e.at_ms) < \(bind: before)
            LIMIT 1000
            """).all(decoding: Due.self)
        var escalated: [(StoredAlert, AlertEvent)] = []
        for item in due {
            guard let model = try await AlertModel.find(item.alert_id, on: db), model.acknowledgedAt == nil else { continue }
            if let taken = try await escalate(model, to: item.step + 1, by: "monitoring", note: nil, now: now) { escalated.append(taken) }
        }
        return escalated
    }

    /// Escalates an alert by hand to the next step of its chain (nil when it is at the last step
    /// or acknowledged).
    public func escalate(_ id: UUID, caseID: UUID, by subject: String, note: String?, scope: CaseScope,
                         now: Int64? = nil) async throws -> (alert: StoredAlert, event: AlertEvent)? {
        let now = now ?? nowMilliseconds()
        let model = try await alertModel(id, caseID: caseID, scope: scope)
        let step = try await lastStep(of: id)
        guard model.acknowledgedAt == nil, step < AlertEvent.lastStep else { return nil }
        return try await escalate(model, to: step + 1, by: subject, note: note, now: now)
    }

    /// Writes the escalation to `step` (and the alert's first escalation time); nil when another
    /// instance or officer took that step first.
    func escalate(_ model: AlertModel, to step: Int, by subject: String, note: String?, now: Int64)
        async throws -> (alert: StoredAlert, event: AlertEvent)? {
        let first = model.escalatedAt == nil
        if first { model.escalatedAt = now }
        let alert = try model.value()
        let event = AlertEvent.new(.escalated, of: alert, step: step, by: subject, note: note, at: now)
        let taken = try await db.auditedTransaction { tx in
            let sql = try AuditChain.sqlDatabase(tx)
            let inserted = try await AlertEventRow.insert([event], on: sql).ignoringConflicts().returning("id").all()
            guard !inserted.isEmpty else { return (false, []) }
            var entries = [event.auditEntry]
            if first {
                try await sql.update(AlertModel.schema).set("escalated_at_ms", to: SQLBind(now))
                    .where("id", .equal, SQLBind(try model.requireID())).where("escalated_at_ms", .is, SQLLiteral.null).run()
                entries.insert(try AuditEntry.row(model, "alert.escalated", actor: subject), at: 0)
            }
            return (true, entries)
        }
        return taken ? (alert, event) : nil
    }

    /// Hands an open alert to one officer (or investigator) who may see its case: an officer of
    /// the case's unit, or one granted the case. Refused for anyone else, as for a disabled user.
    public func handOver(_ id: UUID, caseID: UUID, to target: UUID, by subject: String, note: String?, scope: CaseScope,
                         now: Int64? = nil) async throws -> (alert: StoredAlert, event: AlertEvent) {
        let now = now ?? nowMilliseconds()
        let alert = try await alert(id, caseID: caseID, scope: scope)
        guard alert.acknowledgedAt == nil else { throw DomainError.conflict("the alert is already acknowledged") }
        guard try await mayHandle(caseID, user: target) else {
            throw ValidationFailure(pointer: "/to", message: "must be an active officer or investigator who may see the case")
        }
        let event = AlertEvent.new(.handedOver, of: alert, step: try await lastStep(of: id), by: subject, target: target, note: note, at: now)
        try await db.auditedTransaction { tx in
            try await AlertEventRow.insert([event], on: try AuditChain.sqlDatabase(tx)).run()
            return ((), [event.auditEntry])
        }
        return (alert, event)
    }

    /// Whether this user may handle the case's alerts: active, and an officer of its unit or an
    /// officer or investigator granted it.
    func mayHandle(_ caseID: UUID, user: UUID) async throws -> Bool {
        guard let model = try await UserModel.find(user, on: db), !model.disabled,
              ["officer", "investigator"].contains(model.role) else { return false }
        if model.role == "officer", let unit = try await CaseStore(db: db).unit(of: caseID), unit != nil, unit == model.unit { return true }
        return try await CaseAccessModel.query(on: db).filter(\.$id.$caseID == caseID).filter(\.$id.$userID == user).first() != nil
    }

    /// The officers and investigators an alert of this case may be handed to.
    public func handlers(of caseID: UUID) async throws -> [(id: UUID, name: String)] {
        let unit = try await CaseStore(db: db).unit(of: caseID) ?? nil
        let granted = try await CaseAccessModel.query(on: db).filter(\.$id.$caseID == caseID).all().compactMap { $0.id?.userID }
        let query = UserModel.query(on: db).filter(\.$disabled == false).filter(\.$role ~~ ["officer", "investigator"])
        query.group(.or) { group in
            if let unit { group.group(.and) { $0.filter(\.$role == "officer").filter(\.$unit == unit) } }
            group.filter(\.$id ~~ granted)
        }
        return try await query.sort(\.$displayName).all().map { (try $0.requireID(), $0.displayName) }
    }
}
