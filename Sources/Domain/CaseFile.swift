/// One whole case as exchanged between agencies (contract: CASEFILE.md). Ids are the file's local
/// strings. Encoding it with `CaseFileCodec.encode` gives the canonical, byte-stable form.
public struct CaseFile: Equatable, Sendable, Codable {
    public static let formatName = "qorgau.case-file"
    public static let currentVersion = 1
    public static let mediaType = "application/vnd.qorgau.case-file+json"

    public var format: String = CaseFile.formatName
    public var version: Int = CaseFile.currentVersion
    public var jurisdiction: String
    public var `case`: CaseHeader
    public var persons: [Person]
    public var incidents: [Incident]
    public var protectiveOrders: [ProtectiveOrder]
    public var administrativeCases: [AdministrativeCase]
    public var criminalProceedings: [CriminalProceeding]
    public var verdicts: [Verdict]
    /// Kept as written until the risk issue gives it a typed form.
    public var riskAssessments: [RiskAssessment]?
    public var devices: [Device]?

    public init(jurisdiction: String, case header: CaseHeader, persons: [Person] = [], incidents: [Incident] = [],
                protectiveOrders: [ProtectiveOrder] = [], administrativeCases: [AdministrativeCase] = [],
                criminalProceedings: [CriminalProceeding] = [], verdicts: [Verdict] = [],
                riskAssessments: [RiskAssessment]? = nil, devices: [Device]? = nil) {
        self.jurisdiction = jurisdiction
        self.case = header
        self.persons = persons
        self.incidents = incidents
        self.protectiveOrders = protectiveOrders
        self.administrativeCases = administrativeCases
        self.criminalProceedings = criminalProceedings
        self.verdicts = verdicts
        self.riskAssessments = riskAssessments
        self.devices = devices
    }
}

public struct CaseHeader: Equatable, Sendable, Codable {
    public var number: String?
    public var openedAt: ZonedDateTime
    public var unit: String?

    public init(number: String? = nil, openedAt: ZonedDateTime, unit: String? = nil) {
        self.number = number; self.openedAt = openedAt; self.unit = unit
    }
}

public struct Person: Equatable, Sendable, Codable {
    public var id: String
    public var role: PersonRole
    public var name: String
    public var birthDate: LocalDate?
    public var iin: String?
    public var relationshipToVictim: Relationship?
    public var places: [Place]

    public init(id: String, role: PersonRole, name: String, birthDate: LocalDate? = nil, iin: String? = nil,
                relationshipToVictim: Relationship? = nil, places: [Place] = []) {
        self.id = id; self.role = role; self.name = name; self.birthDate = birthDate; self.iin = iin
        self.relationshipToVictim = relationshipToVictim; self.places = places
    }
}

/// A place a person is tied to (home, work, school) and when it was valid: victims move.
public struct Place: Equatable, Sendable, Codable {
    public var kind: String
    public var text: String?
    public var lat: Double?
    public var lon: Double?
    public var from: LocalDate?
    public var until: LocalDate?

    public init(kind: String, text: String? = nil, lat: Double? = nil, lon: Double? = nil,
                from: LocalDate? = nil, until: LocalDate? = nil) {
        self.kind = kind; self.text = text; self.lat = lat; self.lon = lon; self.from = from; self.until = until
    }
}

public struct IncidentPlace: Equatable, Sendable, Codable {
    public var text: String?
    public var lat: Double?
    public var lon: Double?

    public init(text: String? = nil, lat: Double? = nil, lon: Double? = nil) {
        self.text = text; self.lat = lat; self.lon = lon
    }
}

public struct EvidenceRef: Equatable, Sendable, Codable {
    public var sha256: String
    public var name: String
    public var mediaType: String

    public init(sha256: String, name: String, mediaType: String) {
        self.sha256 = sha256; self.name = name; self.mediaType = mediaType
    }
}

public struct Incident: Equatable, Sendable, Codable {
    public var id: String
    public var occurredAt: ZonedDateTime
    public var kind: IncidentKind
    public var channel: IncidentChannel
    public var place: IncidentPlace?
    public var description: String
    public var againstWill: Bool
    public var violence: Bool
    public var reportedBy: ReportedBy
    public var impact: [Impact]
    public var witnesses: [String]?
    public var evidence: [EvidenceRef]?
    /// On export: the orders whose conditions this incident broke.
    public var violates: [String]?

    public init(id: String, occurredAt: ZonedDateTime, kind: IncidentKind, channel: IncidentChannel, place: IncidentPlace? = nil,
                description: String, againstWill: Bool, violence: Bool, reportedBy: ReportedBy, impact: [Impact] = [],
                witnesses: [String]? = nil, evidence: [EvidenceRef]? = nil, violates: [String]? = nil) {
        self.id = id; self.occurredAt = occurredAt; self.kind = kind; self.channel = channel; self.place = place
        self.description = description; self.againstWill = againstWill; self.violence = violence
        self.reportedBy = reportedBy; self.impact = impact; self.witnesses = witnesses; self.evidence = evidence
        self.violates = violates
    }
}
