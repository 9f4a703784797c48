import Domain
import Foundation
import Law
import Store
import Vapor

struct CaseResponse: Content {
    var id: String
    var number: String?
    var jurisdiction: String
    var openedAt: ZonedDateTime
    var unit: String?
    var status: CaseStatus
    var createdAt: ZonedDateTime
    var version: Int
    /// Where the case stands (one case only; lists leave it out).
    var stage: CaseStage?

    init(_ c: CaseSummary) {
        id = c.id.apiString; number = c.number; jurisdiction = c.jurisdiction; openedAt = c.openedAt
        unit = c.unit; status = c.status; createdAt = c.createdAt; version = c.version
    }
}

struct PageResponse<Item: Content>: Content {
    var items: [Item]
    var nextCursor: String?
}

struct PersonResponse: Content {
    var id: String
    var caseId: String
    var ref: String
    var version: Int
    var role: PersonRole
    var name: String
    var birthDate: LocalDate?
    var iin: String?
    var relationshipToVictim: Relationship?
    var places: [Place]

    init(_ p: StoredPerson) {
        id = p.id.apiString; caseId = p.caseID.apiString; ref = p.person.id; version = p.version
        role = p.person.role; name = p.person.name
        birthDate = p.person.birthDate; iin = p.person.iin; relationshipToVictim = p.person.relationshipToVictim
        places = p.person.places
    }

    /// What a victim sees of the persons of her case: the victims and the respondent by name and
    /// role, nothing that finds or identifies them (no IIN, birth date or place: another victim's
    /// shelter stays hidden, and so does the respondent's IIN); witnesses not at all.
    static func forVictim(_ p: StoredPerson) -> PersonResponse? {
        guard p.person.role == .victim || p.person.role == .respondent else { return nil }
        var view = PersonResponse(p)
        view.birthDate = nil; view.iin = nil; view.places = []
        return view
    }
}

struct IncidentResponse: Content {
    var id: String
    var caseId: String
    var ref: String
    var version: Int
    var recordedAt: ZonedDateTime
    var updatedAt: ZonedDateTime
    var occurredAt: ZonedDateTime
    var kind: IncidentKind
    var channel: IncidentChannel
    var place: IncidentPlace?
    var description: String
    var againstWill: Bool
    var violence: Bool
    var reportedBy: ReportedBy
    var impact: [Impact]
    var witnesses: [String]?
    var evidence: [EvidenceRef]?
    /// Set while the incident is marked as entered in error: it is then no part of the case file.
    var enteredInError: EnteredInErrorResponse?

    init(_ s: StoredIncident) {
        let i = s.incident
        id = s.id.apiString; caseId = s.caseID.apiString; ref = i.id; version = s.version
        recordedAt = s.recordedAt; updatedAt = s.updatedAt; occurredAt = i.occurredAt; kind = i.kind
        channel = i.channel; place = i.place; description = i.description; againstWill = i.againstWill
        violence = i.violence; reportedBy = i.reportedBy; impact = i.impact; witnesses = i.witnesses; evidence = i.evidence
        enteredInError = s.enteredInError.map { EnteredInErrorResponse(reason: $0.reason, markedBy: $0.markedBy, markedAt: $0.markedAt) }
    }
}

struct EnteredInErrorResponse: Content {
    var reason: String
    var markedBy: String
    var markedAt: ZonedDateTime
}

struct IncidentVersionResponse: Content {
    var version: Int
    var reason: String?
    var recordedBy: String
    var recordedAt: ZonedDateTime
    var incident: Incident

    init(_ v: IncidentVersion) {
        version = v.version; reason = v.reason; recordedBy = v.recordedBy; recordedAt = v.recordedAt; incident = v.incident
    }
}

struct ImportResponse: Content {
    var id: String
    var number: String?
    var persons: Int
    var incidents: Int
    /// Records kept though outside a bound the law pack does not hold as verified (absent when none).
    var warnings: [ValidationProblem]?
}

extension Content {
    /// A 201 Created response with a Location header.
    func created(at location: String) throws -> Response {
        let response = Response(status: .created)
        try response.content.encode(self, using: JSONEncoder.api)
        response.headers.replaceOrAdd(name: .location, value: location)
        return response
    }
}

struct RecordVersionResponse: Content {
    var version: Int
    var snapshot: JSONValue
    var reason: String
    var correctedBy: String
    var correctedAt: ZonedDateTime

    init(_ v: RecordVersion) {
        version = v.version; snapshot = v.snapshot; reason = v.reason; correctedBy = v.correctedBy; correctedAt = v.correctedAt
    }
}
