import Fluent
import Foundation

/// One run of the audit verification started from the auditor's page: who started it, when it
/// began and ended, and its report (JSON) or why it could not finish.
final class AuditVerificationModel: Model, @unchecked Sendable {
    static let schema = "audit_verifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "started_by") var startedBy: String
    @Field(key: "started_at_ms") var startedAt: Int64
    @OptionalField(key: "finished_at_ms") var finishedAt: Int64?
    @OptionalField(key: "report") var report: String?
    @OptionalField(key: "failure") var failure: String?

    init() {}
}
