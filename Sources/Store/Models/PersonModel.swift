import Fluent
import Foundation

final class PersonModel: Model, @unchecked Sendable {
    static let schema = "persons"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var `case`: CaseModel
    /// The case file's local id.
    @Field(key: "ref") var ref: String
    @Field(key: "seq") var seq: Int
    @Field(key: "role") var role: String
    @Field(key: "name") var name: String
    @OptionalField(key: "birth_date") var birthDate: String?
    @OptionalField(key: "iin") var iin: String?
    @OptionalField(key: "relationship") var relationship: String?
    @Field(key: "created_at_ms") var createdAt: Int64
    /// Starts at 1; a correction copies the person as they were into `record_versions` first.
    @Field(key: "version") var version: Int

    init() {}
}

final class PlaceModel: Model, @unchecked Sendable {
    static let schema = "places"

    @ID(key: .id) var id: UUID?
    @Parent(key: "person_id") var person: PersonModel
    @Field(key: "seq") var seq: Int
    @Field(key: "kind") var kind: String
    @OptionalField(key: "text") var text: String?
    @OptionalField(key: "lat") var lat: Double?
    @OptionalField(key: "lon") var lon: Double?
    @OptionalField(key: "valid_from") var validFrom: String?
    @OptionalField(key: "valid_until") var validUntil: String?

    init() {}
}
