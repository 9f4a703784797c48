import Fluent
import Foundation

/// The current version of an incident. A correction first copies the version it replaces into
/// `incident_versions`, then updates this row; nothing is ever deleted.
final class IncidentModel: Model, @unchecked Sendable {
    static let schema = "incidents"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var `case`: CaseModel
    @Field(key: "ref") var ref: String
    @Field(key: "version") var version: Int
    @Field(key: "occurred_at_ms") var occurredAt: Int64
    @Field(key: "occurred_offset") var occurredOffset: Int
    @Field(key: "kind") var kind: String
    @Field(key: "channel") var channel: String
    @OptionalField(key: "place_text") var placeText: String?
    @OptionalField(key: "place_lat") var placeLat: Double?
    @OptionalField(key: "place_lon") var placeLon: Double?
    @Field(key: "description") var description: String
    @Field(key: "against_will") var againstWill: Bool
    @Field(key: "violence") var violence: Bool
    @Field(key: "reported_by") var reportedBy: String
    /// JSON arrays.
    @Field(key: "impact") var impact: String
    @OptionalField(key: "witnesses") var witnesses: String?
    @OptionalField(key: "evidence") var evidence: String?
    /// When the incident was first recorded.
    @Field(key: "recorded_at_ms") var recordedAt: Int64
    /// When the current version was recorded, by whom, and why (nil for the first).
    @Field(key: "updated_at_ms") var updatedAt: Int64
    @Field(key: "version_by") var versionBy: String
    @OptionalField(key: "version_reason") var versionReason: String?

    init() {}
}

final class IncidentVersionModel: Model, @unchecked Sendable {
    static let schema = "incident_versions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "incident_id") var incident: IncidentModel
    @Field(key: "version") var version: Int
    /// A superseded version: the whole incident as it stood (case-file JSON), with who recorded
    /// that version, when and why.
    @Field(key: "snapshot") var snapshot: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "recorded_at_ms") var recordedAt: Int64

    init() {}
}
