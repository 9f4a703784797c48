import Domain
import Foundation
import Monitoring
import Web

/// The seeded world of `qorgau bench monitoring`: cases with one order each (70% circular zones of
/// 200-1000 m, 30% hexagons of about the same size; 500 m around the moving victim), a respondent's
/// bracelet and a victim's phone per case, and a stream of pings a minute apart per device. The
/// respondent wanders 1-3 km from the zone, about 0.1% of his pings walk into it and 5% fall 20-150 m
/// outside its edge, in and out of the hysteresis band; the victim is at home (the zone) one time in 50. The same world on every run.
struct MonitoringWorld: Sendable {
    var files: [CaseFile]
    /// Each ping with the index of its case, in the order they are sent.
    var stream: [(caseIndex: Int, ping: Ping)]

    static let metresPerDegree = Geo.earthRadiusMeters * .pi / 180

    init(cases: Int, pings: Int, seed: UInt64 = 20251115) {
        var g = SeededGenerator(seed: seed)
        files = (0..<cases).map { Self.caseFile($0, &g) }
        stream = Self.pings(count: pings, files: files, &g)
    }

    static func caseFile(_ n: Int, _ g: inout SeededGenerator) -> CaseFile {
        let lat = 43.2 + Double.random(in: -0.1...0.1, using: &g), lon = 76.9 + Double.random(in: -0.1...0.1, using: &g)
        let zone: Zone
        if Double.random(in: 0..<1, using: &g) < 0.7 {
            zone = Zone(kind: "home", lat: lat, lon: lon, radiusMeters: Double.random(in: 200...1000, using: &g))
        } else {
            let r = Double.random(in: 0.002...0.008, using: &g)
            zone = Zone(kind: "work", polygon: (0..<6).map { k in
                GeoPoint(lat: lat + r * sin(Double(k) * .pi / 3), lon: lon + r * cos(Double(k) * .pi / 3))
            })
        }
        let order = ProtectiveOrder(id: "o1", type: .protectiveOrder, issuedAt: ZonedDateTime("2025-10-01T00:00:00+05:00")!,
                                    validUntil: ZonedDateTime("2026-12-31T00:00:00+05:00")!, issuer: "bench",
                                    conditions: OrderConditions(noContact: true, minDistanceMeters: 500, zones: [zone]))
        var file = CaseFile(jurisdiction: "KZ", case: CaseHeader(openedAt: ZonedDateTime("2025-10-01T00:00:00+05:00")!, unit: "Bench"),
                            persons: [Person(id: "v", role: .victim, name: "V \(n)"), Person(id: "r", role: .respondent, name: "R \(n)")],
                            incidents: [])
        file.protectiveOrders = [order]
        file.devices = [Device(id: "r\(n)", person: "r", kind: .bracelet, intervalSeconds: 60),
                        Device(id: "v\(n)", person: "v", kind: .phone, intervalSeconds: 60)]
        return file
    }

    /// The zone's centre and, in degrees of latitude, the distance from it to its edge.
    static func centreAndReach(_ zone: Zone) -> (lat: Double, lon: Double, reach: Double) {
        if let lat = zone.lat, let lon = zone.lon, let radius = zone.radiusMeters { return (lat, lon, radius / metresPerDegree) }
        let polygon = zone.polygon!
        let lat = polygon.map(\.lat).reduce(0, +) / Double(polygon.count), lon = polygon.map(\.lon).reduce(0, +) / Double(polygon.count)
        return (lat, lon, abs(polygon[0].lon - lon) * 0.93) // between the hexagon's inner and outer radius
    }

    static func pings(count: Int, files: [CaseFile], _ g: inout SeededGenerator) -> [(caseIndex: Int, ping: Ping)] {
        var result: [(caseIndex: Int, ping: Ping)] = []
        result.reserveCapacity(count)
        let start = ZonedDateTime("2025-11-01T00:00:00+05:00")!.epochMilliseconds
        let shapes = files.map { centreAndReach($0.protectiveOrders[0].conditions.zones![0]) }
        var step = 0
        while result.count < count {
            for n in files.indices where result.count < count {
                let (clat, clon, reach) = shapes[n]
                let at = ZonedDateTime(epochMilliseconds: start + Int64(step) * 60_000 + Int64(n % 60) * 1000, offsetSeconds: 18_000)
                let roll = Double.random(in: 0..<1, using: &g)
                let distance: Double
                if roll < 0.001 { distance = reach * 0.2 } // well inside
                else if roll < 0.051 { distance = reach + Double.random(in: 20...150, using: &g) / metresPerDegree } // near the edge, outside
                else { distance = Double.random(in: 0.012...0.03, using: &g) }
                let angle = Double.random(in: 0..<(2 * .pi), using: &g)
                let cosLat = cos(clat * .pi / 180)
                result.append((n, Ping(device: "r\(n)", at: at, lat: clat + distance * sin(angle),
                                       lon: clon + distance * cos(angle) / cosLat, accuracy: 10)))
                if result.count < count { // she is at home now and then, else across town
                    let home = Double.random(in: 0..<1, using: &g) < 0.02
                    let jitter = Double.random(in: -0.002...0.002, using: &g)
                    result.append((n, Ping(device: "v\(n)", at: at, lat: clat + (home ? 0 : 0.05) + jitter,
                                           lon: clon + (home ? 0 : 0.05) - jitter, accuracy: 15)))
                }
            }
            step += 1
        }
        return result
    }
}
