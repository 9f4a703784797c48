import Domain
import Fluent
import Foundation

/// Writes a correction: the superseded version is kept and the changed record saved in one
/// transaction, with both written to the audit log. The versions table is unique per record and
/// version, so of two corrections made from the same version one fails here, and is reported as
/// a conflict rather than lost. `also` writes anything else the change needs and returns its
/// audit entries.
func saveNewVersion<Kept: AuditedRow, Changed: AuditedRow>(
    on db: any Database, keeping superseded: Kept, updating model: Changed, caseID: UUID, action: String,
    conflict: String, detail: String? = nil, also: @escaping @Sendable (any Database) async throws -> [AuditEntry] = { _ in [] }
) async throws {
    do {
        try await db.auditedTransaction { tx in
            try await superseded.create(on: tx)
            try await model.update(on: tx)
            let more = try await also(tx)
            var changed = try AuditEntry.row(model, action, caseID: caseID)
            changed.detail = detail
            return ((), [try .row(superseded, "version.kept", caseID: caseID), changed] + more)
        }
    } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
        throw DomainError.conflict(conflict)
    }
}
