import Fluent

/// The audit verifications run from the auditor's page, so that the page says when the chain
/// was last checked and what was found.
struct CreateAuditVerifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_verifications")
            .id()
            .field("started_by", .string, .required)
            .field("started_at_ms", .int64, .required)
            .field("finished_at_ms", .int64)
            .field("report", .string)
            .field("failure", .string)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_verifications").delete()
    }
}
