import Domain
import Foundation

/// Conversions between Fluent rows and domain values.
extension ZonedDateTime {
    init(ms: Int64, offset: Int) { self.init(epochMilliseconds: ms, offsetSeconds: offset) }
}

extension CaseModel {
    func summary() throws -> CaseSummary {
        CaseSummary(id: try requireID(), number: number, jurisdiction: jurisdiction,
                    openedAt: ZonedDateTime(ms: openedAt, offset: openedOffset), unit: unit,
                    status: CaseStatus(rawValue: status) ?? .open, createdAt: ZonedDateTime(ms: createdAt, offset: 0),
                    version: version)
    }

    var header: CaseHeader {
        CaseHeader(number: number, openedAt: ZonedDateTime(ms: openedAt, offset: openedOffset), unit: unit)
    }
}

extension PersonModel {
    convenience init(caseID: UUID, seq: Int, person: Person, at now: Int64) {
        self.init()
        self.$case.id = caseID
        self.ref = person.id
        self.seq = seq
        self.role = person.role.rawValue
        self.name = person.name
        self.birthDate = person.birthDate?.description
        self.iin = person.iin
        self.relationship = person.relationshipToVictim?.rawValue
        self.createdAt = now
        self.version = 1
    }

    /// Sets the person's fields (not the reference) from a corrected person.
    func apply(_ person: Person) {
        role = person.role.rawValue
        name = person.name
        birthDate = person.birthDate?.description
        iin = person.iin
        relationship = person.relationshipToVictim?.rawValue
    }

    func person(places: [PlaceModel]) -> Person {
        Person(id: ref, role: PersonRole(rawValue: role) ?? .witness, name: name, birthDate: birthDate.flatMap(LocalDate.init),
               iin: iin, relationshipToVictim: relationship.flatMap(Relationship.init(rawValue:)),
               places: places.sorted { $0.seq < $1.seq }.map(\.place))
    }
}

extension PlaceModel {
    convenience init(personID: UUID, seq: Int, place: Place) {
        self.init()
        self.$person.id = personID
        self.seq = seq
        self.kind = place.kind
        self.text = place.text
        self.lat = place.lat
        self.lon = place.lon
        self.validFrom = place.from?.description
        self.validUntil = place.until?.description
    }

    var place: Place {
        Place(kind: kind, text: text, lat: lat, lon: lon, from: validFrom.flatMap(LocalDate.init),
              until: validUntil.flatMap(LocalDate.init))
    }
}

extension IncidentModel {
    convenience init(caseID: UUID, incident: Incident, by: String, at now: Int64) throws {
        self.init()
        self.$case.id = caseID
        self.version = 1
        self.recordedAt = now
        try apply(incident, reason: nil, by: by, at: now)
    }

    /// Sets every field from the incident (a new version's content).
    func apply(_ incident: Incident, reason: String?, by: String, at now: Int64) throws {
        versionReason = reason
        versionBy = by
        ref = incident.id
        occurredAt = incident.occurredAt.epochMilliseconds
        occurredOffset = incident.occurredAt.offsetSeconds
        kind = incident.kind.rawValue
        channel = incident.channel.rawValue
        placeText = incident.place?.text
        placeLat = incident.place?.lat
        placeLon = incident.place?.lon
        description = incident.description
        againstWill = incident.againstWill
        violence = incident.violence
        reportedBy = incident.reportedBy.rawValue
        impact = JSONColumn.words(incident.impact)
        witnesses = try JSONColumn.encodeOptional(incident.witnesses)
        evidence = try JSONColumn.encodeOptional(incident.evidence)
        updatedAt = now
    }

    func incident() throws -> Incident {
        let place: IncidentPlace? = (placeText == nil && placeLat == nil) ? nil
            : IncidentPlace(text: placeText, lat: placeLat, lon: placeLon)
        return Incident(
            id: ref, occurredAt: ZonedDateTime(ms: occurredAt, offset: occurredOffset),
            kind: IncidentKind(rawValue: kind) ?? .other, channel: IncidentChannel(rawValue: channel) ?? .other,
            place: place, description: description, againstWill: againstWill, violence: violence,
            reportedBy: ReportedBy(rawValue: reportedBy) ?? .officer,
            impact: try JSONColumn.decode([Impact].self, impact),
            witnesses: try JSONColumn.decodeOptional([String].self, witnesses),
            evidence: try JSONColumn.decodeOptional([EvidenceRef].self, evidence))
    }

    /// This row's version, for the history.
    func currentVersion() throws -> IncidentVersion {
        IncidentVersion(version: version, incident: try incident(), reason: versionReason, recordedBy: versionBy,
                        recordedAt: ZonedDateTime(ms: updatedAt, offset: 0))
    }

    func stored() throws -> StoredIncident {
        StoredIncident(id: try requireID(), caseID: $case.id, version: version,
                       recordedAt: ZonedDateTime(ms: recordedAt, offset: 0),
                       updatedAt: ZonedDateTime(ms: updatedAt, offset: 0), incident: try incident())
    }
}

extension IncidentVersionModel {
    /// The copy of a version about to be superseded.
    convenience init(superseded row: IncidentModel) throws {
        self.init()
        self.id = UUID()
        self.$incident.id = try row.requireID()
        self.version = row.version
        self.snapshot = try JSONColumn.encode(try row.incident())
        self.reason = row.versionReason
        self.recordedBy = row.versionBy
        self.recordedAt = row.updatedAt
    }

    func value() throws -> IncidentVersion {
        IncidentVersion(version: version, incident: try JSONColumn.decode(Incident.self, snapshot), reason: reason,
                        recordedBy: recordedBy, recordedAt: ZonedDateTime(ms: recordedAt, offset: 0))
    }
}

extension ProtectiveOrderModel {
    convenience init(caseID: UUID, seq: Int, order: ProtectiveOrder) throws {
        self.init()
        self.$case.id = caseID
        self.ref = order.id
        self.seq = seq
        self.type = order.type.rawValue
        self.issuedAt = order.issuedAt.epochMilliseconds
        self.issuedOffset = order.issuedAt.offsetSeconds
        self.validUntil = order.validUntil.epochMilliseconds
        self.validUntilOffset = order.validUntil.offsetSeconds
        self.issuer = order.issuer
        self.conditions = try JSONColumn.encode(order.conditions)
        self.revokedAt = order.revokedAt?.epochMilliseconds
        self.revokedOffset = order.revokedAt?.offsetSeconds
        self.version = 1
    }

    func order() throws -> ProtectiveOrder {
        ProtectiveOrder(id: ref, type: OrderType(rawValue: type) ?? .protectiveOrder,
                        issuedAt: ZonedDateTime(ms: issuedAt, offset: issuedOffset),
                        validUntil: ZonedDateTime(ms: validUntil, offset: validUntilOffset), issuer: issuer,
                        conditions: try JSONColumn.decode(OrderConditions.self, conditions),
                        revokedAt: revokedAt.map { ZonedDateTime(ms: $0, offset: revokedOffset ?? 0) })
    }
}

public func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

extension RecordVersionModel {
    func value() throws -> RecordVersion {
        RecordVersion(version: version, snapshot: try JSONColumn.decode(JSONValue.self, snapshot), reason: reason,
                      correctedBy: correctedBy, correctedAt: ZonedDateTime(ms: correctedAt, offset: 0))
    }
}
