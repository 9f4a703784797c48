import Domain
import Fluent

/// Writes a correction: the superseded version is kept and the changed record saved in one
/// transaction. The versions table is unique per record and version, so of two corrections made
/// from the same version one fails here, and is reported as a conflict rather than lost.
func saveNewVersion(on db: any Database, keeping superseded: any Model, conflict: String,
                    _ save: @escaping @Sendable (any Database) async throws -> Void) async throws {
    do {
        try await db.transaction { tx in
            try await superseded.create(on: tx)
            try await save(tx)
        }
    } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
        throw DomainError.conflict(conflict)
    }
}
