import Domain
import Foundation
import Monitoring
import Testing

/// Distances and zones where flat-map intuition breaks: the antimeridian, near the poles, polygons
/// with holes; and a real-shaped walk toward her home.
@Suite struct GeometryTests {
    /// Haversine on the mean Earth radius against published great-circle distances (within 0.5%:
    /// the Earth is not a sphere).
    @Test(arguments: [
        (51.5074, -0.1278, 48.8566, 2.3522, 343_500.0),   // London – Paris
        (43.2220, 76.8512, 51.1694, 71.4491, 970_000.0),  // Almaty – Astana
        (40.6413, -73.7781, 33.9416, -118.4085, 3_983_000.0), // JFK – LAX
        (0, 179.5, 0, -179.5, 111_195.0),                  // one degree along the equator, across the antimeridian
    ])
    func haversineAgainstPublishedDistances(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double, _ expected: Double) {
        let d = Geo.distanceMeters(lat1, lon1, lat2, lon2)
        #expect(abs(d - expected) / expected < 0.005, "\(d) vs \(expected)")
    }

    /// A 1.1 km square around the antimeridian at Fiji's latitude.
    let acrossTheDateLine = [GeoPoint(lat: -16.505, lon: 179.995), GeoPoint(lat: -16.505, lon: -179.995),
                             GeoPoint(lat: -16.495, lon: -179.995), GeoPoint(lat: -16.495, lon: 179.995)]

    @Test func aPolygonAcrossTheAntimeridian() {
        let zone = Zone(kind: "home", polygon: acrossTheDateLine)
        #expect(zone.contains(lat: -16.5, lon: 179.999))
        #expect(zone.contains(lat: -16.5, lon: -179.999))
        #expect(zone.contains(lat: -16.5, lon: 180))
        #expect(!zone.contains(lat: -16.5, lon: 179.9), "10 km west is outside")
        #expect(!zone.contains(lat: -16.5, lon: -179.9), "10 km east is outside")
        #expect(!zone.contains(lat: -16.5, lon: 0), "the other side of the world is outside")
        // its edge is ~530 m from the centre either way, not half the world
        let edge = Geo.distanceToPolygonEdge(acrossTheDateLine, GeoPoint(lat: -16.5, lon: 180))
        #expect(abs(edge - 533) < 10, "\(edge)")
    }

    @Test func aCircleAcrossTheAntimeridianAndAroundAPole() {
        let dateLine = Zone(kind: "home", lat: 0, lon: 179.9999, radiusMeters: 300)
        #expect(dateLine.contains(lat: 0, lon: -179.9999), "22 m away across the line")
        #expect(!dateLine.contains(lat: 0, lon: 179.99))
        let pole = Zone(kind: "station", lat: 89.999, lon: 0, radiusMeters: 500)
        #expect(pole.contains(lat: 89.999, lon: 180), "222 m away over the pole")
        #expect(pole.contains(lat: 90, lon: 45))
        #expect(!pole.contains(lat: 89.99, lon: 0), "1 km south")
    }

    @Test func aSmallPolygonNearThePole() {
        let camp = [GeoPoint(lat: 89.5, lon: 10), GeoPoint(lat: 89.5, lon: 12), GeoPoint(lat: 89.51, lon: 12), GeoPoint(lat: 89.51, lon: 10)]
        let zone = Zone(kind: "camp", polygon: camp)
        #expect(zone.contains(lat: 89.505, lon: 11))
        #expect(!zone.contains(lat: 89.505, lon: 13))
        #expect(!zone.contains(lat: 89.52, lon: 11))
    }

    /// A school's grounds with the neighbour's plot cut out.
    let grounds = [GeoPoint(lat: 43.2400, lon: 76.9000), GeoPoint(lat: 43.2400, lon: 76.9100),
                   GeoPoint(lat: 43.2480, lon: 76.9100), GeoPoint(lat: 43.2480, lon: 76.9000)]
    let plot = [GeoPoint(lat: 43.2430, lon: 76.9030), GeoPoint(lat: 43.2430, lon: 76.9070),
                GeoPoint(lat: 43.2450, lon: 76.9070), GeoPoint(lat: 43.2450, lon: 76.9030)]

    @Test func aPolygonWithAHole() throws {
        let zone = Zone(kind: "school", polygon: grounds, holes: [plot])
        #expect(zone.contains(lat: 43.2410, lon: 76.9010))
        #expect(!zone.contains(lat: 43.2440, lon: 76.9050), "the hole is not the zone")
        #expect(!zone.contains(lat: 43.2500, lon: 76.9050))

        // through a case file: read, enforced, written back the same
        var file = MonitoringEngineTests().file
        file.protectiveOrders[0].conditions.zones = [zone]
        let text = try CaseFileCodec.encode(file)
        let read = try CaseFileReader().read(data: text)
        #expect(read.protectiveOrders[0].conditions.zones == [zone])
        var replay = Replay(file: read)
        let at = { (minute: Int) in ZonedDateTime(epochMilliseconds: 1_760_000_000_000 + Int64(minute) * 60_000, offsetSeconds: 18_000) }
        let lines = [(0, 43.2440, 76.9050), (1, 43.2441, 76.9050), (2, 43.2410, 76.9010)].map { minute, lat, lon in
            #"{"device": "bracelet", "at": "\#(at(minute))", "lat": \#(lat), "lon": \#(lon), "accuracy": 5}"#
        }
        let result = replay.run(jsonLines: lines.joined(separator: "\n"), now: Date(timeIntervalSince1970: 1_770_000_000))
        #expect(result.alerts.count == 1, "standing in the hole raises nothing; the grounds raise one alert")
        #expect(result.alerts.first.map { $0.at.epochMilliseconds } == at(2).epochMilliseconds)
    }

    @Test func aHoleMustBeAPolygon() throws {
        var json = try JSONSerialization.jsonObject(with: CaseFileCodec.encode(MonitoringEngineTests().file)) as! [String: Any]
        var orders = json["protectiveOrders"] as! [[String: Any]]
        var conditions = orders[0]["conditions"] as! [String: Any]
        conditions["zones"] = [["kind": "home", "lat": 43.22, "lon": 76.85, "radiusMeters": 300, "holes": [[["lat": 1, "lon": 1]]]],
                               ["kind": "school", "polygon": [["lat": 43.24, "lon": 76.90], ["lat": 43.24, "lon": 76.91], ["lat": 43.25, "lon": 76.91]],
                                "holes": [[["lat": 43.241, "lon": 76.901], ["lat": 43.242, "lon": 76.902]]]]]
        orders[0]["conditions"] = conditions
        json["protectiveOrders"] = orders
        #expect(throws: (any Error).self) { try CaseFileReader().read(data: JSONSerialization.data(withJSONObject: json)) }
        do { _ = try CaseFileReader().read(data: JSONSerialization.data(withJSONObject: json)) } catch {
            let text = "\(error)"
            #expect(text.contains("/protectiveOrders/0/conditions/zones/0/holes"), "\(text)")
            #expect(text.contains("/protectiveOrders/0/conditions/zones/1/holes/0"), "\(text)")
        }
    }

    /// He walks from 2 km north of her home straight toward it at walking pace, a ping every
    /// 30 s with 10-25 m GPS error, and stops 200 m from her door for half an hour, his position
    /// wandering as GPS does. Her home zone is 300 m: exactly one alert, when he first comes
    /// within it (allowing for accuracy), none while he stands there.
    @Test func aRealShapedWalkTowardHerHomeRaisesExactlyOneAlert() {
        let home = (lat: 43.2200, lon: 76.8500)
        let metresPerDegree = Geo.earthRadiusMeters * .pi / 180
        var generator = SeededGenerator(seed: 42)
        var lines: [String] = []
        var minute = 0.0
        func ping(northMetres: Double, accuracy: Double) {
            let at = ZonedDateTime(epochMilliseconds: 1_760_000_000_000 + Int64(minute * 60_000), offsetSeconds: 18_000)
            let jitterN = Double.random(in: -accuracy...accuracy, using: &generator) * 0.6
            let jitterE = Double.random(in: -accuracy...accuracy, using: &generator) * 0.6
            let lat = home.lat + (northMetres + jitterN) / metresPerDegree
            let lon = home.lon + jitterE / (metresPerDegree * cos(home.lat * .pi / 180))
            lines.append(#"{"device": "bracelet", "at": "\#(at)", "lat": \#(lat), "lon": \#(lon), "accuracy": \#(accuracy)}"#)
            minute += 0.5
        }
        var north = 2000.0
        while north > 200 {
            ping(northMetres: north, accuracy: Double.random(in: 10...25, using: &generator))
            north -= 42 // 1.4 m/s for 30 s
        }
        for _ in 0..<60 { ping(northMetres: 200, accuracy: Double.random(in: 10...25, using: &generator)) }

        var replay = Replay(file: MonitoringEngineTests().file)
        let result = replay.run(jsonLines: lines.joined(separator: "\n"), now: Date(timeIntervalSince1970: 1_770_000_000))
        #expect(result.refused.isEmpty)
        let zoneAlerts = result.alerts.filter { $0.kind == .zone }
        #expect(zoneAlerts.count == 1, "\(result.alerts)")
        #expect(zoneAlerts.first?.zone == 0)
        // raised on the first ping that could be inside: no later than the first one at ~284 m
        let first = zoneAlerts.first.map { ($0.at.epochMilliseconds - 1_760_000_000_000) / 30_000 } ?? -1
        #expect((first >= 38) && (first <= 41), "raised at ping \(first)")
    }
}
