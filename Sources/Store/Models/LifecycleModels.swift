import Fluent
import Foundation

final class ProtectiveOrderModel: Model, @unchecked Sendable {
    static let schema = "protective_orders"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var `case`: CaseModel
    @Field(key: "ref") var ref: String
    @Field(key: "seq") var seq: Int
    @Field(key: "type") var type: String
    @Field(key: "issued_at_ms") var issuedAt: Int64
    @Field(key: "issued_offset") var issuedOffset: Int
    @Field(key: "valid_until_ms") var validUntil: Int64
    @Field(key: "valid_until_offset") var validUntilOffset: Int
    @Field(key: "issuer") var issuer: String
    /// The order's conditions as case-file JSON.
    @Field(key: "conditions") var conditions: String
    @OptionalField(key: "revoked_at_ms") var revokedAt: Int64?
    @OptionalField(key: "revoked_offset") var revokedOffset: Int?
    /// Starts at 1; an extension or revocation copies the order as it was into `record_versions`.
    @Field(key: "version") var version: Int

    init() {}
}

/// A record of one of the case file's lifecycle sections that has no table of its own yet
/// (administrative cases, criminal proceedings, verdicts, devices), held as its validated
/// case-file JSON. The lifecycle issue gives each its own table with a migration.
final class CaseRecordModel: Model, @unchecked Sendable {
    static let schema = "case_records"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var `case`: CaseModel
    @Field(key: "section") var section: String
    @Field(key: "ref") var ref: String
    @Field(key: "seq") var seq: Int
    @Field(key: "body") var body: String
    /// Starts at 1; a change copies the record as it was into `record_versions`.
    @Field(key: "version") var version: Int

    init() {}
}
