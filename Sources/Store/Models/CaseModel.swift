import Fluent
import Foundation

final class CaseModel: Model, @unchecked Sendable {
    static let schema = "cases"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "number") var number: String?
    @Field(key: "jurisdiction") var jurisdiction: String
    @Field(key: "opened_at_ms") var openedAt: Int64
    @Field(key: "opened_offset") var openedOffset: Int
    @OptionalField(key: "unit") var unit: String?
    @Field(key: "status") var status: String
    @Field(key: "created_at_ms") var createdAt: Int64
    /// The case file's riskAssessments as written (JSON), until the risk issue types them.
    @OptionalField(key: "risk_assessments") var riskAssessments: String?
    /// Starts at 1; a correction copies the header as it was into `record_versions` first.
    @Field(key: "version") var version: Int

    init() {}
}
