import Domain
import Fluent
import Foundation

/// News of a case its victim is told of (if she opted in): not an alarm, a change in her
/// protection or her case.
public struct Notice: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case orderIssued, orderExtended, orderExpiring, orderRevoked, caseRegistered, sentToCourt, decided
        /// Under administrative arrest, and the day before the arrest ends.
        case respondentArrested, respondentReleasing
    }

    public var id: UUID
    public var caseID: UUID
    public var kind: Kind
    /// What it is about (the record), so the same news is made once.
    public var ref: String
    /// The date it names: the order's end (issued, extended, expiring), when it was revoked, or
    /// when an arrest is expected to end.
    public var date: ZonedDateTime?
    /// When it is due: made now, or (the day before a release) when it is to be told.
    public var at: Int64

    public init(id: UUID, caseID: UUID, kind: Kind, ref: String, date: ZonedDateTime?, at: Int64) {
        self.id = id; self.caseID = caseID; self.kind = kind; self.ref = ref; self.date = date; self.at = at
    }
}

/// What a notice's message is written from.
public struct NoticeContext: Sendable {
    public var notice: Notice
    public var jurisdiction: String

    public init(notice: Notice, jurisdiction: String) { self.notice = notice; self.jurisdiction = jurisdiction }
}

final class NoticeModel: Model, @unchecked Sendable {
    static let schema = "notices"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "ref") var ref: String
    @OptionalField(key: "date_ms") var date: Int64?
    @OptionalField(key: "date_offset") var dateOffset: Int?
    @Field(key: "at_ms") var at: Int64
    @OptionalField(key: "routed_at_ms") var routedAt: Int64?

    init() {}

    var value: Notice? {
        guard let id, let kind = Notice.Kind(rawValue: kind) else { return nil }
        return Notice(id: id, caseID: caseID, kind: kind, ref: ref,
                      date: date.map { ZonedDateTime(epochMilliseconds: $0, offsetSeconds: dateOffset ?? 0) }, at: at)
    }
}
