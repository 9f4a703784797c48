import Fluent
import Foundation

/// A superseded version of a case header or a person, kept when it is corrected: what it was
/// (JSON), who recorded the correction, when and why. Incidents have their own table.
final class RecordVersionModel: Model, @unchecked Sendable {
    static let schema = "record_versions"

    @ID(key: .id) var id: UUID?
    /// `case` or `person`.
    @Field(key: "kind") var kind: String
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "snapshot") var snapshot: String
    @Field(key: "reason") var reason: String
    @Field(key: "corrected_by") var correctedBy: String
    @Field(key: "corrected_at_ms") var correctedAt: Int64

    init() {}

    init(kind: String, recordID: UUID, version: Int, snapshot: String, reason: String, by: String, at: Int64) {
        self.id = UUID()
        self.kind = kind; self.recordID = recordID; self.version = version; self.snapshot = snapshot
        self.reason = reason; self.correctedBy = by; self.correctedAt = at
    }
}
