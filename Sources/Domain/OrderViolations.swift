import Foundation

/// Which incidents broke which order, and which condition: an incident inside the order's term
/// that is contact of any kind while contact is forbidden, or that happened inside one of its zones.
public struct OrderViolation: Hashable, Sendable, Codable {
    public var incident: String
    public var order: String
    /// `noContact`, or `zone:N` for the order's N-th zone.
    public var condition: String

    public init(incident: String, order: String, condition: String) {
        self.incident = incident; self.order = order; self.condition = condition
    }
}

public enum OrderViolations {
    /// Kinds of incident that are contact with, or pursuit of, the protected person.
    public static let contactKinds = Set(IncidentKind.allCases.filter(isContact))

    public static func find(incidents: [Incident], orders: [ProtectiveOrder]) -> [OrderViolation] {
        find(incidents: incidents, at: Array(incidents.indices), orders: orders)
    }

    /// The violations among some of the incidents, visited in the order of `positions`.
    public static func find(incidents: [Incident], at positions: [Int], orders: [ProtectiveOrder]) -> [OrderViolation] {
        var found: [OrderViolation] = []
        func add(_ violation: OrderViolation) {
            // at the first one, room for one per position: a list grown one by one reallocates
            if found.capacity == 0 { found.reserveCapacity(positions.count) }
            found.append(violation)
        }
        for order in orders {
            let term = order.issuedAt.epochMilliseconds..<max(order.issuedAt.epochMilliseconds, order.endsAt.epochMilliseconds)
            for position in positions where term.contains(incidents[position].occurredAt.epochMilliseconds) {
                // Field by field: copying the incident would retain every text and list in it.
                if order.conditions.noContact, isContact(incidents[position].kind) {
                    add(OrderViolation(incident: incidents[position].id, order: order.id, condition: "noContact"))
                }
                guard let zones = order.conditions.zones, let lat = incidents[position].place?.lat,
                      let lon = incidents[position].place?.lon else { continue }
                let at = incidents[position].occurredAt.epochMilliseconds
                for (index, zone) in zones.enumerated() where zone.inForce(at: at) && zone.contains(lat: lat, lon: lon) {
                    add(OrderViolation(incident: incidents[position].id, order: order.id, condition: "zone:\(index)"))
                }
            }
        }
        return found
    }

    /// Whether an incident of this kind is contact with, or pursuit of, the protected person.
    public static func isContact(_ kind: IncidentKind) -> Bool {
        switch kind {
        case .contact, .tracking, .threat, .publicConflict, .violence, .privacyIntrusion: true
        case .propertyDamage, .other: false
        }
    }

    /// For export: each incident's violated orders, sorted, without repeats.
    public static func ordersByIncident(incidents: [Incident], orders: [ProtectiveOrder]) -> [String: [String]] {
        var result: [String: Set<String>] = [:]
        for violation in find(incidents: incidents, orders: orders) { result[violation.incident, default: []].insert(violation.order) }
        return result.mapValues { $0.sorted() }
    }
}

/// Great-circle distance on a spherical Earth (haversine), good to a few metres at city scale,
/// and point-in-polygon by ray casting on latitude and longitude (zones are city-sized, far from
/// the poles and the antimeridian).
public enum Geo {
    /// Degrees east from `from` to `to`, the short way round: a zone that crosses the
    /// antimeridian (179.9° to -179.9°) stays a small zone.
    @inline(__always)
    public static func longitudeDelta(_ from: Double, _ to: Double) -> Double {
        let direct = to - from
        if abs(direct) < 180 { return direct } // the common case, exactly as below without the division
        var delta = direct.truncatingRemainder(dividingBy: 360)
        if delta >= 180 { delta -= 360 } else if delta < -180 { delta += 360 }
        return delta
    }

    /// Metres from a point to the nearest edge of a polygon, on a flat projection centred on the
    /// point (exact enough for zones of a few kilometres, at any longitude and short of the poles).
    public static func distanceToPolygonEdge(_ vertices: [GeoPoint], _ point: GeoPoint) -> Double {
        let metresPerDegreeLat = earthRadiusMeters * .pi / 180
        let metresPerDegreeLon = metresPerDegreeLat * cos(point.lat * .pi / 180)
        func xy(_ p: GeoPoint) -> (Double, Double) {
            (longitudeDelta(point.lon, p.lon) * metresPerDegreeLon, (p.lat - point.lat) * metresPerDegreeLat)
        }
        var best = Double.infinity
        var j = vertices.count - 1
        for i in vertices.indices {
            let (ax, ay) = xy(vertices[j]), (bx, by) = xy(vertices[i])
            let dx = bx - ax, dy = by - ay
            let length = dx * dx + dy * dy
            let t = length == 0 ? 0 : max(0, min(1, -(ax * dx + ay * dy) / length))
            let cx = ax + t * dx, cy = ay + t * dy
            best = min(best, (cx * cx + cy * cy).squareRoot())
            j = i
        }
        return best
    }

    /// Even-odd ray casting with every longitude taken relative to the first vertex, so a polygon
    /// across the antimeridian is tested as the small shape it is. A polygon spanning 180° of
    /// longitude or more, or around a pole, is not supported (zones are homes, schools, blocks).
    public static func polygon(_ vertices: [GeoPoint], contains point: GeoPoint) -> Bool {
        guard let base = vertices.first?.lon else { return false }
        let px = longitudeDelta(base, point.lon)
        var inside = false
        var j = vertices.count - 1
        for i in vertices.indices {
            let a = vertices[i], b = vertices[j]
            let ax = longitudeDelta(base, a.lon), bx = longitudeDelta(base, b.lon)
            if (a.lat > point.lat) != (b.lat > point.lat),
               px < (bx - ax) * (point.lat - a.lat) / (b.lat - a.lat) + ax {
                inside.toggle()
            }
            j = i
        }
        return inside
    }

    public static let earthRadiusMeters = 6_371_008.8

    public static func distanceMeters(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180
        let dp = p2 - p1, dl = (lon2 - lon1) * .pi / 180
        let a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * earthRadiusMeters * asin(min(1, sqrt(a)))
    }
}
