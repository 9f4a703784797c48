import Domain
import Fluent
import Foundation

/// Devices across cases: which open case wears a device id (a device reports under its own id,
/// so it can be worn in one open case only), and every device of the cases in a scope.
public struct DeviceRecords: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// Whether an open case wears a device with this id.
    public func isWorn(_ id: String) async throws -> Bool {
        try await CaseRecordModel.query(on: db).filter(\.$section == RecordStore<Device>.Section.devices.rawValue).filter(\.$ref == id)
            .join(CaseModel.self, on: \CaseRecordModel.$case.$id == \CaseModel.$id)
            .filter(CaseModel.self, \.$status == CaseStatus.open.rawValue).first() != nil
    }

    /// The devices a case wore before (replaced or taken off), as they were when taken off: their
    /// tracks stay the case's evidence.
    public func former(caseID: UUID) async throws -> [Device] {
        let removed = try await AuditChain.select(on: db).where("case_id", .equal, caseID)
            .where("action", .equal, "\(RecordStore<Device>.Section.devices.rawValue).removed").all().map(AuditRecord.init(row:))
            .compactMap { $0.entityID.flatMap { UUID(uuidString: $0) } }
        guard !removed.isEmpty else { return [] }
        return try await RecordVersionModel.query(on: db).filter(\.$kind == RecordStore<Device>.Section.devices.rawValue)
            .filter(\.$recordID ~~ removed).sort(\.$version, .descending).all()
            .compactMap { try? JSONColumn.decode(Device.self, $0.snapshot) }
    }

    /// The devices of the open cases in scope, with their case and who wears each (read with
    /// one query per table, not per case).
    public func inScope(_ scope: CaseScope, limit: Int = 5_000) async throws -> [(case: CaseSummary, device: Device, wearer: Person?)] {
        let query = CaseRecordModel.query(on: db).filter(\.$section == RecordStore<Device>.Section.devices.rawValue)
            .join(CaseModel.self, on: \CaseRecordModel.$case.$id == \CaseModel.$id)
            .filter(CaseModel.self, \.$status == CaseStatus.open.rawValue)
        guard query.joinedCase(within: scope) else { return [] }
        let rows = try await query.limit(limit).all()
        var wearers: [UUID: [String: Person]] = [:]
        for chunk in Array(Set(rows.map { $0.$case.id })).chunks(of: 500) {
            for person in try await PersonModel.query(on: db).filter(\.$case.$id ~~ chunk).all() {
                wearers[person.$case.id, default: [:]][person.ref] = person.person(places: [])
            }
        }
        return try rows.map { record in
            let device = try JSONColumn.decode(Device.self, record.body)
            return (try record.joined(CaseModel.self).summary(), device, wearers[record.$case.id]?[device.person])
        }
    }
}

extension RecordStore {
    /// Puts a new record in the place of one taken off, in one transaction (a device replaced:
    /// never neither, never both); the old one's last version is kept with the reason.
    public func replace(_ ref: String, with value: Value, ref newRef: String, caseID: UUID, reason: String,
                        by principal: Principal, within check: (@Sendable (any Database) async throws -> Void)? = nil) async throws -> Stored {
        let old = try await model(ref, caseID: caseID, scope: principal.scope)
        if try await query(caseID).filter(\.$ref == newRef).first() != nil {
            throw ValidationFailure(pointer: "/id", message: "\"\(newRef)\" is already in this case's \(section.rawValue)")
        }
        let kept = RecordVersionModel(kind: section.rawValue, recordID: try old.requireID(), version: old.version,
                                      snapshot: old.body, reason: reason, by: principal.subject, at: nowMilliseconds())
        let record = CaseRecordModel()
        record.$case.id = caseID
        record.section = section.rawValue
        record.ref = newRef
        record.seq = (try await query(caseID).max(\.$seq) ?? -1) + 1
        record.body = try JSONColumn.encode(value)
        record.version = 1
        do {
            try await db.auditedTransaction(serialized: check != nil) { tx in
                try await check?(tx)
                try await kept.create(on: tx)
                try await old.delete(on: tx)
                try await record.create(on: tx)
                return ((), [try .row(kept, "version.kept", caseID: caseID), AuditEntry.removed(old, "\(section.rawValue).removed", caseID: caseID),
                             try .row(record, "\(section.rawValue).added")])
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            throw DomainError.conflict("the case's \(section.rawValue) were changed by someone else at the same time: reload and try again")
        }
        return Stored(ref: newRef, version: 1, value: value)
    }

    /// Takes a record off the case, keeping its last version with the reason (a device returned
    /// or replaced): the record's history stays, the case file no longer holds it.
    public func remove(_ ref: String, caseID: UUID, reason: String, by principal: Principal) async throws {
        let record = try await model(ref, caseID: caseID, scope: principal.scope)
        let kept = RecordVersionModel(kind: section.rawValue, recordID: try record.requireID(), version: record.version,
                                      snapshot: record.body, reason: reason, by: principal.subject, at: nowMilliseconds())
        try await db.auditedTransaction { tx in
            try await kept.create(on: tx)
            try await record.delete(on: tx)
            return ((), [try .row(kept, "version.kept", caseID: caseID), AuditEntry.removed(record, "\(section.rawValue).removed", caseID: caseID)])
        }
    }
}
