import Domain
import Foundation
import NIOCore

/// Small, valid inputs that tests change one field of.
public enum Fixtures {
    /// The unit of the fixture case file and of the default test officer.
    public static let unit = "Test unit"

    public static let now = ZonedDateTime("2026-06-01T12:00:00+05:00")!.instant

    /// A case file; its bracelet is "bracelet-1" unless `device` names another (a device is worn in
    /// one open case only).
    public static func caseFileJSON(number: String = "T-\(UUID().uuidString.prefix(8))", device: String = "bracelet-1") -> [String: Any] {
        [
            "format": "qorgau.case-file", "version": 1, "jurisdiction": "KZ",
            "case": ["number": number, "openedAt": "2025-10-02T09:15:00+05:00", "unit": "Test unit"],
            "persons": [
                ["id": "v", "role": "victim", "name": "Victim Name", "birthDate": "1991-04-02", "iin": "910402450127",
                 "places": [["kind": "home", "text": "Home street 1", "lat": 43.22, "lon": 76.85, "from": "2025-01-01"]]],
                ["id": "r", "role": "respondent", "name": "Respondent Name", "relationshipToVictim": "formerSpouse"],
            ],
            "incidents": [
                incidentJSON(id: "i1", at: "2025-10-20T19:40:00+05:00"),
                incidentJSON(id: "i2", at: "2025-10-22T08:00:00+05:00", kind: "contact", channel: "messenger"),
            ],
            "protectiveOrders": [
                ["id": "o1", "type": "protectiveOrder", "issuedAt": "2025-10-23T10:00:00+05:00",
                 "validUntil": "2025-11-22T10:00:00+05:00", "issuer": "District police", "revokedAt": "2025-11-15T10:00:00+05:00",
                 "conditions": ["noContact": true, "minDistanceMeters": 500,
                                "zones": [["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300]]]],
            ],
            "administrativeCases": [
                ["id": "a1", "article": "KZ.CAO.461", "incidents": ["i2"], "decidedAt": "2025-11-01T10:00:00+05:00",
                 "sanction": ["type": "fine", "mrp": 10]],
            ],
            "criminalProceedings": [
                ["id": "c1", "article": "KZ.CC.115-1", "registeredAt": "2025-12-01T10:00:00+05:00",
                 "incidents": ["i1", "i2"], "stage": "decided"],
            ],
            "verdicts": [
                ["id": "d1", "proceeding": "c1", "decidedAt": "2026-02-10T16:00:00+05:00", "court": "Almaty court",
                 "outcome": "guilty", "punishment": ["type": "communityService", "hours": 100],
                 "mandatoryPayment": ["mrp": 5]],
            ],
            "devices": [["id": device, "person": "r", "kind": "bracelet", "intervalSeconds": 60]],
        ]
    }

    public static func incidentJSON(id: String? = nil, at: String = "2025-10-20T19:40:00+05:00", kind: String = "tracking",
                                    channel: String = "inPerson") -> [String: Any] {
        var incident: [String: Any] = [
            "occurredAt": at, "kind": kind, "channel": channel,
            "place": ["text": "near her office", "lat": 43.23, "lon": 76.94],
            "description": "Followed her from work", "againstWill": true, "violence": false,
            "reportedBy": "victim", "impact": ["fear"],
        ]
        if let id { incident["id"] = id }
        return incident
    }

    public static func data(_ object: Any) -> Data {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    public static func buffer(_ object: Any) -> ByteBuffer {
        ByteBuffer(data: data(object))
    }
}
