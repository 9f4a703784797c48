import Foundation

/// Reads each kind of record of the case file from a JSON node, logging every problem.
/// The same readers validate API request bodies, so both speak with one voice.
public struct FieldReader: Sendable {
    public var now: Date
    /// Some clock slack for devices whose clocks run a little ahead.
    public var futureTolerance: TimeInterval = 300

    public init(now: Date = Date()) { self.now = now }

    public func header(_ n: JSONNode) -> CaseHeader? {
        guard n.object() != nil else { return nil }
        let number = n["number"].string(required: false, maxLength: 100)
        let openedAt = past(n["openedAt"])
        let unit = n["unit"].string(required: false, maxLength: 500)
        guard let openedAt else { return nil }
        return CaseHeader(number: number, openedAt: openedAt, unit: unit)
    }

    /// A person; `requireID` is false for API bodies, where the server assigns the reference.
    public func person(_ n: JSONNode, requireID: Bool = true) -> Person? {
        guard n.object() != nil else { return nil }
        let id = n["id"].string(required: requireID, maxLength: 200)
        let role = n["role"].word(PersonRole.self)
        let name = n["name"].string(maxLength: 500)
        let birthDate = n["birthDate"].date(required: false)
        if let birthDate { checkPastDate(n["birthDate"], birthDate) }
        let iin = n["iin"].string(required: false)
        if let iin {
            do {
                let parsed = try IIN(iin)
                if let birthDate, parsed.birthDate != birthDate {
                    n["iin"].fail("IIN \(iin) encodes birth date \(parsed.birthDate), but birthDate is \(birthDate)",
                                  code: .iinBirthDate, values: ["encoded": parsed.birthDate.description])
                }
            } catch { n["iin"].fail("invalid IIN \"\(iin)\": \(error)", code: .iin) }
        }
        let relationship = n["relationshipToVictim"].word(Relationship.self, required: false)
        let places = n["places"].array(required: false) { place($0) }
        guard let role, let name, id != nil || !requireID else { return nil }
        return Person(id: id ?? "", role: role, name: name, birthDate: birthDate, iin: iin,
                      relationshipToVictim: relationship, places: places ?? [])
    }

    public func place(_ n: JSONNode) -> Place? {
        guard n.object() != nil else { return nil }
        let kind = n["kind"].string(maxLength: 100)
        let text = n["text"].string(required: false, maxLength: 1000)
        let (lat, lon) = coordinates(n)
        let from = n["from"].date(required: false)
        let until = n["until"].date(required: false)
        if let from, let until, until < from { n["until"].fail("\(until) is before from \(from)") }
        if text == nil, lat == nil, n["text"].value == nil, n["lat"].value == nil {
            n.fail("a place needs text or coordinates")
        }
        guard let kind else { return nil }
        return Place(kind: kind, text: text, lat: lat, lon: lon, from: from, until: until)
    }

    /// An incident; `requireID` is false for API bodies.
    public func incident(_ n: JSONNode, requireID: Bool = true) -> Incident? {
        guard n.object() != nil else { return nil }
        let id = n["id"].string(required: requireID, maxLength: 200)
        let occurredAt = past(n["occurredAt"])
        let kind = n["kind"].word(IncidentKind.self)
        let channel = n["channel"].word(IncidentChannel.self)
        var place: IncidentPlace?
        if n["place"].object(required: false) != nil {
            let (lat, lon) = coordinates(n["place"])
            let text = n["place"]["text"].string(required: false, maxLength: 1000)
            place = IncidentPlace(text: text, lat: lat, lon: lon)
        }
        let description = n["description"].string(nonEmpty: false, maxLength: 20_000)
        let againstWill = n["againstWill"].bool()
        let violence = n["violence"].bool()
        let reportedBy = n["reportedBy"].word(ReportedBy.self)
        let impact = n["impact"].array { $0.word(Impact.self) }
        let witnesses = n["witnesses"].array(required: false) { $0.string(maxLength: 500) }
        let evidence = n["evidence"].array(required: false) { evidenceRef($0) }
        let violates = n["violates"].array(required: false) { $0.string() }
        guard id != nil || !requireID, let occurredAt, let kind, let channel, let description, let againstWill,
              let violence, let reportedBy, let impact else { return nil }
        return Incident(id: id ?? "", occurredAt: occurredAt, kind: kind, channel: channel, place: place,
                        description: description, againstWill: againstWill, violence: violence,
                        reportedBy: reportedBy, impact: impact, witnesses: witnesses, evidence: evidence,
                        violates: violates)
    }

    public func evidenceRef(_ n: JSONNode) -> EvidenceRef? {
        guard n.object() != nil else { return nil }
        let sha = n["sha256"].string()
        if let sha, !(sha.utf8.count == 64 && sha.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }) {
            n["sha256"].fail("must be 64 lowercase hexadecimal digits")
        }
        let name = n["name"].string(maxLength: 500)
        let mediaType = n["mediaType"].string(maxLength: 200)
        guard let sha, let name, let mediaType else { return nil }
        return EvidenceRef(sha256: sha, name: name, mediaType: mediaType)
    }

    /// Latitude and longitude, both or neither, each in range.
    func coordinates(_ n: JSONNode) -> (Double?, Double?) {
        let lat = n["lat"].double(required: false, in: -90...90)
        let lon = n["lon"].double(required: false, in: -180...180)
        if n["lat"].isPresent != n["lon"].isPresent {
            n[n["lat"].isPresent ? "lon" : "lat"].fail("is required when \(n["lat"].isPresent ? "lat" : "lon") is given")
        }
        return (lat, lon)
    }

    /// A date-time that must not lie in the future (a little clock slack allowed).
    public func past(_ n: JSONNode, required: Bool = true) -> ZonedDateTime? {
        guard let t = n.dateTime(required: required) else { return nil }
        if t.instant.timeIntervalSince(now) > futureTolerance {
            n.fail("\(t) is in the future", code: .future, values: ["value": t.description])
            return nil
        }
        return t
    }

    func checkPastDate(_ n: JSONNode, _ d: LocalDate) {
        if d.year < 1900 { n.fail("\(d) is before 1900", code: .tooEarly, values: ["value": d.description]) }
        if d > ZonedDateTime(now, offsetSeconds: 14 * 3600).localDate { n.fail("\(d) is in the future", code: .future, values: ["value": d.description]) }
    }
}
