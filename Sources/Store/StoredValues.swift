import Domain
import Foundation

/// A case as listed: its header and counts.
public struct CaseSummary: Sendable, Equatable, Codable {
    public var id: UUID
    public var number: String?
    public var jurisdiction: String
    public var openedAt: ZonedDateTime
    public var unit: String?
    public var status: CaseStatus
    public var createdAt: ZonedDateTime
    public var version: Int
}

/// Changes to a case's header; nil leaves a field as it is.
public struct CaseChanges: Sendable {
    public var number: String??
    public var unit: String??
    public var status: CaseStatus?
    public init(number: String?? = nil, unit: String?? = nil, status: CaseStatus? = nil) {
        self.number = number; self.unit = unit; self.status = status
    }
}

/// A superseded version of a case header or person, as JSON, with why it was corrected.
public struct RecordVersion: Sendable, Equatable {
    public var version: Int
    public var snapshot: JSONValue
    public var reason: String
    public var correctedBy: String
    public var correctedAt: ZonedDateTime
}

public struct StoredPerson: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var version: Int
    /// `person.id` is the case-file reference.
    public var person: Person
}

public struct StoredIncident: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var version: Int
    public var recordedAt: ZonedDateTime
    public var updatedAt: ZonedDateTime
    /// `incident.id` is the case-file reference.
    public var incident: Incident
    /// Set while the incident is marked as entered in error.
    public var enteredInError: EnteredInError? = nil
}

/// Why, by whom and when an incident was marked as entered in error.
public struct EnteredInError: Sendable, Equatable {
    public var reason: String
    /// The audit subject of who marked it.
    public var markedBy: String
    public var markedAt: ZonedDateTime
}

public struct IncidentVersion: Sendable, Equatable {
    public var version: Int
    public var incident: Incident
    public var reason: String?
    public var recordedBy: String
    public var recordedAt: ZonedDateTime
}

/// One page of a list and the cursor for the next, nil on the last page.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?
}

public struct CaseFilter: Sendable {
    public var status: CaseStatus?
    public var jurisdiction: String?
    public var openedFrom: ZonedDateTime?
    public var openedBefore: ZonedDateTime?
    public init(status: CaseStatus? = nil, jurisdiction: String? = nil, openedFrom: ZonedDateTime? = nil,
                openedBefore: ZonedDateTime? = nil) {
        self.status = status; self.jurisdiction = jurisdiction; self.openedFrom = openedFrom; self.openedBefore = openedBefore
    }
}

public struct IncidentFilter: Sendable {
    public var kind: IncidentKind?
    public var from: ZonedDateTime?
    public var before: ZonedDateTime?
    /// Incidents left out whatever else matches (for a victim: those another victim of the case logged).
    public var hidden: Set<UUID>
    public init(kind: IncidentKind? = nil, from: ZonedDateTime? = nil, before: ZonedDateTime? = nil, hidden: Set<UUID> = []) {
        self.kind = kind; self.from = from; self.before = before; self.hidden = hidden
    }
}

/// Where a page starts: after the item with this sort key and id. Opaque to clients.
public struct Cursor: Sendable, Equatable {
    public var key: Int64
    public var id: UUID

    public init(key: Int64, id: UUID) { self.key = key; self.id = id }

    public init?(_ text: String) {
        let parts = text.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, let key = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.key = key; self.id = id
    }

    public var text: String { "\(key)_\(id.apiString)" }
}

extension ZonedDateTime {
    static func now(offsetSeconds: Int = 0) -> ZonedDateTime { ZonedDateTime(Date(), offsetSeconds: offsetSeconds) }
}
