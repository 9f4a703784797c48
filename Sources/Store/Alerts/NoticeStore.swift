import Domain
import Fluent
import FluentSQL
import Foundation
import SQLKit

/// Makes notices from what the audit log says changed, and from orders about to end, and routes
/// them to deliveries like alert events. Every path that changes a case (the API, the pages, the
/// command line) writes the audit log in the change's transaction, so reading it misses none; a
/// case-file import's history is not news.
public struct NoticeStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// The audit actions that may be news.
    static let actions = ["order.issued", "order.changed", "criminalProceedings.added", "criminalProceedings.changed", "verdicts.added",
                          "administrativeCases.added"]

    /// Reads the audit log from the cursor to its committed head, makes the notices it holds, and
    /// moves the cursor, in one transaction (the cursor's row lock serialises instances). Returns
    /// how many notices were made.
    @discardableResult
    public func collect(now: Int64, limit: Int = 2000) async throws -> Int {
        // nothing new: no write at all
        let sql = try AuditChain.sqlDatabase(db)
        guard let seen = try await sql.raw("SELECT seq FROM notice_cursor WHERE name = 'audit'").first()?.decode(column: "seq", as: Int64.self),
              try await AuditChain.head(on: db).seq > seen else { return 0 }
        return try await db.transaction { tx in
            let sql = try AuditChain.sqlDatabase(tx)
            guard let cursor = try await sql.raw("UPDATE notice_cursor SET seq = seq WHERE name = 'audit' RETURNING seq").first()?
                .decode(column: "seq", as: Int64.self) else { return 0 }
            // the head is committed only with every record below it (appends serialise on it)
            let head = try await AuditChain.head(on: tx).seq
            guard head > cursor else { return 0 }
            let upTo = min(head, cursor + Int64(limit))
            struct Row: Decodable { var seq: Int64; var action: String; var entity_id: String?; var case_id: UUID?; var at_ms: Int64; var detail: String? }
            let rows = try await sql.raw("""
                SELECT seq, action, entity_id, case_id, at_ms, detail FROM audit_log WHERE seq > \(bind: cursor) AND seq <= \(bind: upTo)
                AND action IN ('caseFile.imported', \(unsafeRaw: Self.actions.map { "'\($0)'" }.joined(separator: ", "))) ORDER BY seq
                """).all(decoding: Row.self)
            // an import's orders arrive in its own append (the same instant): history, not news
            let imported = Set(rows.filter { $0.action == "caseFile.imported" }.compactMap { row in row.case_id.map { "\($0)@\(row.at_ms)" } })
            var notices: [NoticeModel] = []
            for row in rows where row.action != "caseFile.imported" {
                guard let caseID = row.case_id, let entity = row.entity_id.flatMap(UUID.init(uuidString:)),
                      !imported.contains("\(caseID)@\(row.at_ms)") else { continue }
                notices += try await Self.notices(for: row.action, detail: row.detail, caseID: caseID, entity: entity, now: now, on: tx)
            }
            try await sql.raw("UPDATE notice_cursor SET seq = \(bind: upTo) WHERE name = 'audit'").run()
            return try await Self.insert(notices, now: now, on: sql)
        }
    }

    /// A notice for each order in force that ends within `window` milliseconds of `now`, once per
    /// order and end date (an extended order that nears its new end is news again).
    @discardableResult
    public func collectExpiring(now: Int64, window: Int64) async throws -> Int {
        let orders = try await ProtectiveOrderModel.query(on: db).filter(\.$validUntil > now).filter(\.$validUntil <= now + window)
            .filter(\.$revokedAt == nil).all()
        let notices = orders.compactMap { order in
            order.id.map { id in
                NoticeModel.make(caseID: order.$case.id, kind: .orderExpiring, ref: "\(id.apiString)@\(order.validUntil)",
                                 date: ZonedDateTime(epochMilliseconds: order.validUntil, offsetSeconds: order.validUntilOffset))
            }
        }
        return try await Self.insert(notices, now: now, on: try AuditChain.sqlDatabase(db))
    }

    /// The notice an audit record is, if any. What a change was is read from the record itself
    /// (`extended`, `revoked`, `stage inCourt`), not from the row now: it may have changed again.
    static func notices(for action: String, detail: String?, caseID: UUID, entity: UUID, now: Int64, on db: any Database) async throws -> [NoticeModel] {
        if action == "administrativeCases.added" { return try await arrest(caseID: caseID, record: entity, now: now, on: db) }
        return try await notice(for: action, detail: detail, caseID: caseID, entity: entity, on: db).map { [$0] } ?? []
    }

    /// An administrative arrest: told now, with the day it is expected to end (its decision's day
    /// and its days: an estimate, said as one), and again the day before that day.
    static func arrest(caseID: UUID, record: UUID, now: Int64, on db: any Database) async throws -> [NoticeModel] {
        guard let row = try await CaseRecordModel.find(record, on: db),
              let decision = try? JSONColumn.decode(AdministrativeCase.self, row.body),
              decision.sanction.type == .arrest, let days = decision.sanction.days, days > 0 else { return [] }
        let release = decision.decidedAt.epochMilliseconds + Int64(days) * 86_400_000
        guard release > now else { return [] }
        let end = ZonedDateTime(epochMilliseconds: release, offsetSeconds: decision.decidedAt.offsetSeconds)
        let ref = record.apiString
        let reminder = NoticeModel.make(caseID: caseID, kind: .respondentReleasing, ref: ref, date: end)
        reminder.at = max(now, release - 86_400_000)
        return [.make(caseID: caseID, kind: .respondentArrested, ref: ref, date: end), reminder]
    }

    static func notice(for action: String, detail: String?, caseID: UUID, entity: UUID, on db: any Database) async throws -> NoticeModel? {
        let ref = entity.apiString
        switch (action, detail) {
        case ("order.issued", _), ("order.changed", "extended"), ("order.changed", "revoked"):
            guard let order = try await ProtectiveOrderModel.find(entity, on: db) else { return nil }
            let end = ZonedDateTime(epochMilliseconds: order.validUntil, offsetSeconds: order.validUntilOffset)
            if detail == "revoked", let revoked = order.revokedAt {
                return .make(caseID: caseID, kind: .orderRevoked, ref: ref,
                             date: ZonedDateTime(epochMilliseconds: revoked, offsetSeconds: order.revokedOffset ?? order.validUntilOffset))
            }
            return action == "order.issued" ? .make(caseID: caseID, kind: .orderIssued, ref: ref, date: end)
                : .make(caseID: caseID, kind: .orderExtended, ref: "\(ref)@\(order.validUntil)", date: end)
        case ("criminalProceedings.added", _):
            return .make(caseID: caseID, kind: .caseRegistered, ref: ref, date: nil)
        case ("criminalProceedings.changed", "stage inCourt"):
            return .make(caseID: caseID, kind: .sentToCourt, ref: ref, date: nil)
        case ("verdicts.added", _):
            return .make(caseID: caseID, kind: .decided, ref: ref, date: nil)
        default:
            return nil
        }
    }

    /// Inserts the notices not made already; returns how many were new.
    static func insert(_ notices: [NoticeModel], now: Int64, on sql: any SQLDatabase) async throws -> Int {
        guard !notices.isEmpty else { return 0 }
        let ids = TimeOrderedID.batch(count: notices.count, at: now)
        var insert = sql.insert(into: NoticeModel.schema).columns("id", "case_id", "kind", "ref", "date_ms", "date_offset", "at_ms")
        for (id, notice) in zip(ids, notices) {
            insert = insert.values(SQLBind(id), SQLBind(notice.caseID), SQLBind(notice.kind), SQLBind(notice.ref), SQLBind(notice.date),
                                   SQLBind(notice.dateOffset), SQLBind(notice.$at.value ?? now))
        }
        return try await insert.ignoringConflicts().returning("id").all().count
    }

    /// Routes up to `limit` notices not routed yet, like `DeliveryStore.route` does alert events:
    /// the deliveries are queued in the transaction that marks the notice routed (the delivery's
    /// `alert_id` and `event_id` are the notice's id).
    public func route(limit: Int = 100, now: Int64, plan: @escaping @Sendable (Notice, RoutingFacts) -> [PlannedDelivery]) async throws -> Int {
        try await db.auditedTransaction { tx in
            let sql = try AuditChain.sqlDatabase(tx)
            let notices = try await sql.raw("""
                UPDATE notices SET routed_at_ms = \(bind: now) WHERE id IN (
                SELECT id FROM notices WHERE routed_at_ms IS NULL AND at_ms <= \(bind: now) ORDER BY id LIMIT \(literal: limit)\(unsafeRaw: DeliveryStore.skipLocked(sql)))
                RETURNING *
                """).all().compactMap { try $0.decode(model: NoticeModel.self).value }
            guard !notices.isEmpty else { return (0, []) }
            let facts = try await DeliveryStore.facts(of: Set(notices.map(\.caseID)), on: tx)
            var rows: [DeliveryModel] = []
            for notice in notices.sorted(by: { $0.id < $1.id }) {
                guard let caseFacts = facts[notice.caseID] else { continue }
                for planned in Set(plan(notice, caseFacts)) { rows.append(DeliveryModel(eventID: notice.id, about: notice.id, caseID: notice.caseID, planned: planned, now: now)) }
            }
            let queued = try await DeliveryStore.queue(rows, on: sql)
            return (queued.count, queued.map { $0.auditEntry("delivery.queued", detail: "\($0.channel) to \($0.audience)") })
        }
    }

    /// The notices the deliveries are about, by the deliveries' event id.
    public func contexts(of deliveries: [Delivery]) async throws -> [UUID: NoticeContext] {
        let ids = Set(deliveries.map(\.eventID))
        guard !ids.isEmpty else { return [:] }
        let notices = try await NoticeModel.query(on: db).filter(\.$id ~~ ids).all().compactMap(\.value)
        guard !notices.isEmpty else { return [:] }
        let cases = try await CaseModel.query(on: db).filter(\.$id ~~ Set(notices.map(\.caseID))).all()
            .reduce(into: [UUID: String]()) { $0[try $1.requireID()] = $1.jurisdiction }
        return notices.reduce(into: [:]) { $0[$1.id] = NoticeContext(notice: $1, jurisdiction: cases[$1.caseID] ?? "KZ") }
    }
}

extension NoticeModel {
    static func make(caseID: UUID, kind: Notice.Kind, ref: String, date: ZonedDateTime?) -> NoticeModel {
        let model = NoticeModel()
        model.caseID = caseID; model.kind = kind.rawValue; model.ref = ref
        model.date = date?.epochMilliseconds; model.dateOffset = date?.offsetSeconds
        return model
    }
}
