import Domain
import Fluent
import Foundation

/// An incident marked as entered in error (recorded by mistake: the wrong case, a duplicate, an
/// event that did not happen). The incident and its versions are kept; the case file, and so the
/// assessment, the deadlines and the dossier, leave it out while the mark stands.
final class IncidentErrorModel: Model, @unchecked Sendable {
    static let schema = "incident_errors"

    @ID(key: .id) var id: UUID?
    @Field(key: "incident_id") var incidentID: UUID
    @Parent(key: "case_id") var `case`: CaseModel
    @Field(key: "reason") var reason: String
    @Field(key: "marked_by") var markedBy: String
    @Field(key: "marked_at_ms") var markedAt: Int64

    init() {}

    var mark: EnteredInError {
        EnteredInError(reason: reason, markedBy: markedBy, markedAt: ZonedDateTime(ms: markedAt, offset: 0))
    }
}
