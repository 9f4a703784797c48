import Domain
import Foundation
import Testing
import TestSupport

@Suite struct OrderViolationTests {
    let school = [GeoPoint(lat: 43.2400, lon: 76.9000), GeoPoint(lat: 43.2400, lon: 76.9040),
                  GeoPoint(lat: 43.2430, lon: 76.9040), GeoPoint(lat: 43.2430, lon: 76.9000)]

    func incident(_ id: String, _ at: String, _ kind: IncidentKind, lat: Double? = nil, lon: Double? = nil) -> Incident {
        Incident(id: id, occurredAt: ZonedDateTime(at)!, kind: kind, channel: .inPerson,
                 place: lat.map { IncidentPlace(lat: $0, lon: lon) }, description: "", againstWill: true, violence: false,
                 reportedBy: .victim, impact: [])
    }

    func order(noContact: Bool, revokedAt: String? = nil) -> ProtectiveOrder {
        ProtectiveOrder(id: "o1", type: .protectiveOrder, issuedAt: ZonedDateTime("2025-10-01T00:00:00+05:00")!,
                        validUntil: ZonedDateTime("2025-10-31T00:00:00+05:00")!, issuer: "police",
                        conditions: OrderConditions(noContact: noContact, zones: [
                            Zone(kind: "home", lat: 43.22, lon: 76.85, radiusMeters: 300), Zone(kind: "school", polygon: school)]),
                        revokedAt: revokedAt.flatMap(ZonedDateTime.init))
    }

    @Test func conditionsAreNamed() {
        let found = OrderViolations.find(incidents: [
            incident("call", "2025-10-05T12:00:00+05:00", .contact),
            incident("home", "2025-10-06T12:00:00+05:00", .other, lat: 43.2210, lon: 76.8510),
            incident("school", "2025-10-07T12:00:00+05:00", .other, lat: 43.2415, lon: 76.9020),
            incident("outside", "2025-10-08T12:00:00+05:00", .other, lat: 43.2450, lon: 76.9020),
            incident("before", "2025-09-20T12:00:00+05:00", .contact),
        ], orders: [order(noContact: true)])
        #expect(found.map { "\($0.incident):\($0.condition)" } == ["call:noContact", "home:zone:0", "school:zone:1"])
    }

    @Test func aRevokedOrderProtectsUntilItsRevocation() {
        let found = OrderViolations.find(incidents: [incident("early", "2025-10-05T12:00:00+05:00", .contact),
                                                     incident("late", "2025-10-20T12:00:00+05:00", .contact)],
                                         orders: [order(noContact: true, revokedAt: "2025-10-10T00:00:00+05:00")])
        #expect(found.map(\.incident) == ["early"])
    }

    @Test func aPolygonNeedsThreePointsAndNotACircleToo() {
        var file = Fixtures.caseFileJSON()
        var orders = file["protectiveOrders"] as! [[String: Any]]
        orders[0]["conditions"] = ["noContact": true, "zones": [
            ["kind": "school", "polygon": [["lat": 43.24, "lon": 76.90], ["lat": 43.25, "lon": 76.91]]],
            ["kind": "work", "lat": 43.2, "lon": 76.9, "radiusMeters": 100, "polygon": [["lat": 1, "lon": 1]]]]]
        file["protectiveOrders"] = orders
        do {
            _ = try CaseFileReader(now: Fixtures.now).read(data: Fixtures.data(file))
            Issue.record("accepted a bad polygon")
        } catch {
            let pointers = Set(error.problems.map(\.pointer))
            #expect(pointers.contains("/protectiveOrders/0/conditions/zones/0/polygon"))
            #expect(pointers.contains("/protectiveOrders/0/conditions/zones/1"))
        }
    }
}
