import Fluent
import Foundation

/// A row whose fields are listed by hand for its hash, as Fluent's `Model.encode(to:)` writes
/// them: by property name, a parent as `{"id": …}`, a nil optional as `null`. The same JSON, so
/// the same hash, without Fluent finding the fields by reflection on every row, which was most of
/// an import's time (ten incidents, two persons and their places, an order and records a case).
/// `CanonicalRowTests` holds every such row to Fluent's own encoding.
protocol CanonicalRow {
    var canonicalFields: CanonicalFields { get }
}

/// A row's fields by name, encoded as one JSON object (a `JSONEncoder` sorts the keys).
struct CanonicalFields: Encodable {
    let fields: KeyValuePairs<String, any Encodable>

    init(_ fields: KeyValuePairs<String, any Encodable>) { self.fields = fields }

    /// How Fluent encodes a parent that is not loaded.
    static func parent(_ id: UUID) -> [String: UUID] { ["id": id] }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in fields { try container.encode(value, forKey: Key(stringValue: key)) }
    }
}

extension CaseModel: CanonicalRow {
    var canonicalFields: CanonicalFields {
        CanonicalFields(["id": id, "number": number, "jurisdiction": jurisdiction, "openedAt": openedAt, "openedOffset": openedOffset,
                         "unit": unit, "status": status, "createdAt": createdAt, "riskAssessments": riskAssessments, "version": version])
    }
}

extension PersonModel: CanonicalRow {
    var canonicalFields: CanonicalFields {
        CanonicalFields(["id": id, "case": CanonicalFields.parent($case.id), "ref": ref, "seq": seq, "role": role, "name": name,
                         "birthDate": birthDate, "iin": iin, "relationship": relationship, "createdAt": createdAt, "version": version])
    }
}

extension PlaceModel: CanonicalRow {
    var canonicalFields: CanonicalFields {
        CanonicalFields(["id": id, "person": CanonicalFields.parent($person.id), "seq": seq, "kind": kind, "text": text, "lat": lat,
                         "lon": lon, "validFrom": validFrom, "validUntil": validUntil])
    }
}

extension IncidentModel: CanonicalRow {
    var canonicalFields: CanonicalFields {
        CanonicalFields(["id": id, "case": CanonicalFields.parent($case.id), "ref": ref, "version": version, "occurredAt": occurredAt,
                         "occurredOffset": occurredOffset, "kind": kind, "channel": channel, "placeText": placeText,
                         "placeLat": placeLat, "placeLon": placeLon, "description": description, "againstWill": againstWill,
                         "violence": violence, "reportedBy": reportedBy, "impact": impact, "witnesses": witnesses,
                         "evidence": evidence, "recordedAt": recordedAt, "updatedAt": updatedAt, "versionBy": versionBy,
                         "versionReason": versionReason])
    }
}

extension ProtectiveOrderModel: CanonicalRow {
    var canonicalFields: CanonicalFields {
        CanonicalFields(["id": id, "case": CanonicalFields.parent($case.id), "ref": ref, "seq": seq, "type": type, "issuedAt": issuedAt,
                         "issuedOffset": issuedOffset, "validUntil": validUntil, "validUntilOffset": validUntilOffset,
                         "issuer": issuer, "conditions": conditions, "revokedAt": revokedAt, "revokedOffset": revokedOffset,
                         "version": version])
    }
}

extension CaseRecordModel: CanonicalRow {
    var canonicalFields: CanonicalFields {
        CanonicalFields(["id": id, "case": CanonicalFields.parent($case.id), "section": section, "ref": ref, "seq": seq, "body": body,
                         "version": version])
    }
}

extension AlertModel: CanonicalRow {
    var canonicalFields: CanonicalFields {
        CanonicalFields(["id": id, "caseID": caseID, "kind": kind, "order": order, "zone": zone, "device": device, "at": at,
                         "offset": offset, "distance": distance, "accuracy": accuracy, "incident": incident, "createdAt": createdAt,
                         "acknowledgedAt": acknowledgedAt, "acknowledgedBy": acknowledgedBy, "escalatedAt": escalatedAt])
    }
}
