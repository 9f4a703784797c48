import Domain
import Fluent
import Foundation

/// The lifecycle records of a case kept as case-file JSON by section (administrative cases,
/// criminal proceedings, verdicts, devices): add, read, and change with the old version kept.
public struct RecordStore<Value: Codable & Sendable>: Sendable {
    public enum Section: String, Sendable {
        case administrativeCases, criminalProceedings, verdicts, devices, riskAssessments
    }

    let db: any Database
    let section: Section

    public init(db: any Database, section: Section) { self.db = db; self.section = section }

    public struct Stored: Sendable {
        public var ref: String
        public var version: Int
        public var value: Value
    }

    /// Adds a record. With `expectedCount` (how many the writer saw), a record added by someone
    /// else meanwhile makes this a conflict instead of a silent second answer; two adds at the
    /// same moment collide on the section's sequence number, and one of them is the conflict.
    /// `within`: a check run in the same transaction, after every other such write has committed
    /// (a device id free in every open case).
    public func add(_ value: Value, ref: String, to caseID: UUID, scope: CaseScope, expectedCount: Int? = nil,
                    within check: (@Sendable (any Database) async throws -> Void)? = nil) async throws -> Stored {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        if try await query(caseID).filter(\.$ref == ref).first() != nil {
            throw ValidationFailure(pointer: "/id", message: "\"\(ref)\" is already in this case's \(section.rawValue)")
        }
        let count = try await query(caseID).count()
        if let expectedCount, expectedCount != count {
            throw DomainError.conflict("the case has \(count) \(section.rawValue), not \(expectedCount): someone added one meanwhile; reload and look at it first")
        }
        let record = CaseRecordModel()
        record.$case.id = caseID
        record.section = section.rawValue
        record.ref = ref
        // after the first after a record was taken off, the count is below the highest place
        record.seq = max(count, (try await query(caseID).max(\.$seq) ?? -1) + 1)
        record.body = try JSONColumn.encode(value)
        record.version = 1
        do {
            try await db.auditedTransaction(serialized: check != nil) { tx in
                try await check?(tx)
                try await record.create(on: tx)
                return ((), [try .row(record, "\(section.rawValue).added")])
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            throw DomainError.conflict("another \(section.rawValue) record was added to the case at the same moment: reload and look at it first")
        }
        return Stored(ref: ref, version: 1, value: value)
    }

    public func list(caseID: UUID, scope: CaseScope) async throws -> [Stored] {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        return try await query(caseID).sort(\.$seq).sort(\.$ref).all().map {
            Stored(ref: $0.ref, version: $0.version, value: try JSONColumn.decode(Value.self, $0.body))
        }
    }

    public func get(_ ref: String, caseID: UUID, scope: CaseScope) async throws -> Stored {
        let record = try await model(ref, caseID: caseID, scope: scope)
        return Stored(ref: ref, version: record.version, value: try JSONColumn.decode(Value.self, record.body))
    }

    /// Replaces the record with `change(current)`, keeping the current version with the reason;
    /// `detail` says what changed in the audit record (a proceeding's `stage inCourt`).
    public func update(_ ref: String, caseID: UUID, reason: String, by principal: Principal, detail: String? = nil,
                       _ change: (Value) throws -> Value) async throws -> Stored {
        let record = try await model(ref, caseID: caseID, scope: principal.scope)
        let current = try JSONColumn.decode(Value.self, record.body)
        let superseded = RecordVersionModel(kind: section.rawValue, recordID: try record.requireID(), version: record.version,
                                            snapshot: record.body, reason: reason, by: principal.subject,
                                            at: nowMilliseconds())
        let next = try change(current)
        record.body = try JSONColumn.encode(next)
        record.version += 1
        try await saveNewVersion(on: db, keeping: superseded, updating: record, caseID: caseID, action: "\(section.rawValue).changed",
                                 conflict: "\(ref) was changed by someone else at the same time: reload and try again", detail: detail)
        return Stored(ref: ref, version: record.version, value: next)
    }

    func query(_ caseID: UUID) -> QueryBuilder<CaseRecordModel> {
        CaseRecordModel.query(on: db).filter(\.$case.$id == caseID).filter(\.$section == section.rawValue)
    }

    func model(_ ref: String, caseID: UUID, scope: CaseScope) async throws -> CaseRecordModel {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        guard let record = try await query(caseID).filter(\.$ref == ref).first() else {
            throw DomainError.notFound(section.rawValue.dropLast() + " \(ref)")
        }
        return record
    }
}
