import Fluent
import Foundation

/// A file attached to an incident. The bytes are in the blob store under `sha256`; one stored
/// file may be attached to several incidents. Never deleted.
final class EvidenceModel: Model, @unchecked Sendable {
    static let schema = "evidence"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "incident_id") var incidentID: UUID
    @Field(key: "sha256") var sha256: String
    @Field(key: "name") var name: String
    @Field(key: "media_type") var mediaType: String
    @Field(key: "size_bytes") var size: Int64
    @Field(key: "added_by") var addedBy: String
    @Field(key: "added_at_ms") var addedAt: Int64

    init() {}
}

extension EvidenceModel: AuditedRow { var auditCaseID: UUID? { caseID } }
