import Fluent
import Foundation

final class PingModel: Model, @unchecked Sendable {
    static let schema = "pings"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "device") var device: String
    @Field(key: "at_ms") var at: Int64
    @Field(key: "at_offset") var offset: Int
    @OptionalField(key: "lat") var lat: Double?
    @OptionalField(key: "lon") var lon: Double?
    @OptionalField(key: "accuracy") var accuracy: Double?
    @OptionalField(key: "event") var event: String?
    @Field(key: "received_at_ms") var receivedAt: Int64

    init() {}
}

final class AlertModel: Model, @unchecked Sendable {
    static let schema = "alerts"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "kind") var kind: String
    @OptionalField(key: "order_ref") var order: String?
    @OptionalField(key: "zone") var zone: Int?
    @Field(key: "device") var device: String
    @Field(key: "at_ms") var at: Int64
    @Field(key: "at_offset") var offset: Int
    @OptionalField(key: "distance_m") var distance: Int?
    @OptionalField(key: "accuracy_m") var accuracy: Int?
    /// The incident the alert was recorded as (zone and proximity breaches).
    @OptionalField(key: "incident_ref") var incident: String?
    @Field(key: "created_at_ms") var createdAt: Int64
    @OptionalField(key: "acknowledged_at_ms") var acknowledgedAt: Int64?
    @OptionalField(key: "acknowledged_by") var acknowledgedBy: String?
    @OptionalField(key: "escalated_at_ms") var escalatedAt: Int64?

    init() {}
}
