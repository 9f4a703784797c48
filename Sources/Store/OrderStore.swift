import Domain
import Fluent
import Foundation

/// Protective orders and court special requirements of a case: issue, extend, revoke. An order
/// is never deleted; each change keeps the version it replaces with its reason.
public struct OrderStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Stored: Sendable, Equatable {
        public var id: UUID
        public var caseID: UUID
        public var version: Int
        /// `order.id` is the case-file reference.
        public var order: ProtectiveOrder
    }

    /// Records an issued order; an empty `order.id` gets a fresh reference.
    public func add(_ order: ProtectiveOrder, to caseID: UUID, scope: CaseScope) async throws -> Stored {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        var order = order
        let id = UUID()
        if order.id.isEmpty { order.id = "o-" + id.uuidString.prefix(8).lowercased() }
        let ref = order.id
        if try await ProtectiveOrderModel.query(on: db).filter(\.$case.$id == caseID).filter(\.$ref == ref).first() != nil {
            throw ValidationFailure(pointer: "/id", message: "an order with id \"\(ref)\" is already in this case")
        }
        let seq = try await ProtectiveOrderModel.query(on: db).filter(\.$case.$id == caseID).count()
        let model = try ProtectiveOrderModel(caseID: caseID, seq: seq, order: order)
        model.id = id
        try await db.auditedTransaction { tx in
            try await model.create(on: tx)
            return ((), [try .row(model, "order.issued")])
        }
        return Stored(id: id, caseID: caseID, version: 1, order: order)
    }

    public func list(caseID: UUID, scope: CaseScope) async throws -> [Stored] {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        return try await ProtectiveOrderModel.query(on: db).filter(\.$case.$id == caseID).sort(\.$seq).sort(\.$ref).all()
            .map { Stored(id: try $0.requireID(), caseID: caseID, version: $0.version, order: try $0.order()) }
    }

    public func get(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> Stored {
        let model = try await model(id, caseID: caseID, scope: scope)
        return Stored(id: id, caseID: caseID, version: model.version, order: try model.order())
    }

    private func model(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> ProtectiveOrderModel {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        guard let model = try await ProtectiveOrderModel.query(on: db).filter(\.$id == id).filter(\.$case.$id == caseID).first()
        else { throw DomainError.notFound("order") }
        return model
    }

    /// Extends the term to `validUntil`, which must be later than the current term's end.
    public func extend(_ id: UUID, caseID: UUID, to validUntil: ZonedDateTime, reason: String,
                       by principal: Principal) async throws -> Stored {
        try await change(id, caseID: caseID, reason: reason, by: principal, detail: "extended") { model, order in
            if order.revokedAt != nil { throw DomainError.conflict("a revoked order cannot be extended") }
            guard validUntil.epochMilliseconds > order.validUntil.epochMilliseconds else {
                throw ValidationFailure([ValidationProblem(
                    pointer: "/validUntil", message: "\(validUntil) is not after the current term's end \(order.validUntil)",
                    code: .notAfterEnd, values: ["end": order.validUntil.description.prefix(16).replacingOccurrences(of: "T", with: " ")])])
            }
            model.validUntil = validUntil.epochMilliseconds
            model.validUntilOffset = validUntil.offsetSeconds
        }
    }

    /// Revokes the order from `at`; it protected until then.
    public func revoke(_ id: UUID, caseID: UUID, at time: ZonedDateTime, reason: String,
                       by principal: Principal) async throws -> Stored {
        try await change(id, caseID: caseID, reason: reason, by: principal, detail: "revoked") { model, order in
            if order.revokedAt != nil { throw DomainError.conflict("the order is already revoked") }
            guard time.epochMilliseconds >= order.issuedAt.epochMilliseconds else {
                throw ValidationFailure(pointer: "/at", message: "\(time) is before the order was issued (\(order.issuedAt))")
            }
            model.revokedAt = time.epochMilliseconds
            model.revokedOffset = time.offsetSeconds
        }
    }

    /// Sets the zones in force from now (the other conditions stay), as a new version with its
    /// reason. Nothing is rewritten back in time: a zone no longer listed ends now and stays in the
    /// order with its days; a zone newly listed begins now; one listed again is kept as it was.
    /// So the violations of incidents before the change are what they were.
    public func setZones(_ id: UUID, caseID: UUID, to zones: [Zone], reason: String, by principal: Principal) async throws -> Stored {
        try await change(id, caseID: caseID, reason: reason, by: principal, detail: "zones") { model, order in
            if order.revokedAt != nil { throw DomainError.conflict("a revoked order's zones cannot be changed") }
            let now = nowMilliseconds()
            if order.validUntil.epochMilliseconds <= now { throw DomainError.conflict("an ended order's zones cannot be changed") }
            var conditions = order.conditions
            conditions.zones = Self.zones(from: order.conditions.zones ?? [], to: zones, at: ZonedDateTime(epochMilliseconds: now, offsetSeconds: order.issuedAt.offsetSeconds))
            if conditions.zones?.isEmpty == true { conditions.zones = nil }
            model.conditions = try JSONColumn.encode(conditions)
        }
    }

    /// The zones after a change at `now`: the ended ones as they were, the live ones kept when
    /// listed again and ended when not, the new ones from now. Indices of those kept never move.
    static func zones(from old: [Zone], to asked: [Zone], at now: ZonedDateTime) -> [Zone] {
        let live = asked.filter { $0.until == nil || $0.until!.epochMilliseconds > now.epochMilliseconds }
        var result: [Zone] = []
        var matched = Set<Int>()
        for var zone in old {
            if let until = zone.until, until.epochMilliseconds <= now.epochMilliseconds { result.append(zone); continue }
            if let i = live.indices.first(where: { !matched.contains($0) && live[$0].sameArea(as: zone) }) {
                matched.insert(i)
            } else if zone.from.map({ $0.epochMilliseconds >= now.epochMilliseconds }) == true {
                continue // added and taken off in the same instant: never bound
            } else {
                zone.until = now
            }
            result.append(zone)
        }
        for (i, var zone) in live.enumerated() where !matched.contains(i) {
            zone.from = now
            zone.until = nil
            result.append(zone)
        }
        return result
    }

    /// `detail`: what the change was (`extended`, `revoked`), in its audit record.
    private func change(_ id: UUID, caseID: UUID, reason: String, by principal: Principal, detail: String,
                        _ apply: (ProtectiveOrderModel, ProtectiveOrder) throws -> Void) async throws -> Stored {
        let model = try await model(id, caseID: caseID, scope: principal.scope)
        let before = try model.order()
        let superseded = RecordVersionModel(kind: "order", recordID: id, version: model.version,
                                            snapshot: try JSONColumn.encode(before), reason: reason,
                                            by: principal.subject, at: nowMilliseconds())
        try apply(model, before)
        model.version += 1
        try await saveNewVersion(on: db, keeping: superseded, updating: model, caseID: caseID, action: "order.changed",
                                 conflict: "the order was changed by someone else at the same time: reload and try again", detail: detail)
        return Stored(id: id, caseID: caseID, version: model.version, order: try model.order())
    }

    public func history(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> [RecordVersion] {
        _ = try await model(id, caseID: caseID, scope: scope)
        return try await RecordVersionModel.query(on: db).filter(\.$kind == "order").filter(\.$recordID == id)
            .sort(\.$version).all().map { try $0.value() }
    }
}
