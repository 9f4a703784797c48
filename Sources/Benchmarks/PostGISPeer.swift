import Domain
import FluentPostgresDriver
import Foundation
import Monitoring
import PostgresNIO
import Vapor
import Web

/// What a team would build instead of the engine: the zones in a PostGIS table (geography, GiST
/// index) and every ping checked by a query — `ST_DWithin` to find the zones it may touch,
/// `ST_Distance` (on the sphere, as the engine measures) for how far in or out it is, `ST_Covers`
/// for inside a polygon, and the distance to the victim's latest position — one ping per query or
/// a batch per query (`unnest`). The hysteresis and the "alert once until clearly out" state are
/// kept the engine's way, so the two must raise the same alerts. The bench world's orders are in
/// force throughout, and its devices never fall silent, so those rules are not part of the peer.
struct PostGISPeer: Sendable {
    let url: String
    let clients: Int
    let batch: Int
    let hysteresis = 50.0
    let victimMaxAgeMs: Int64 = 600_000
    let minDistance = 500.0

    /// Pings per second and the alerts raised (keyed as the benchmark compares them).
    func run(_ world: MonitoringWorld) async throws -> (Double, [String]) {
        let config = try SQLPostgresConfiguration(url: url).coreConfiguration
        let group = MultiThreadedEventLoopGroup.singleton
        let logger = Logger(label: "qorgau.bench.postgis")
        let setup = try await PostgresConnection.connect(on: group.any(), configuration: config, id: 0, logger: logger).get()
        do {
            try await load(world, on: setup, logger: logger)
            try await setup.close()
        } catch {
            try? await setup.close()
            throw error
        }
        let perClient = (0..<clients).map { client in world.stream.filter { $0.caseIndex % clients == client } }
        let zoneCounts = world.files.map { $0.protectiveOrders.first?.conditions.zones?.count ?? 0 }
        let started = DispatchTime.now().uptimeNanoseconds
        let alerts = try await withThrowingTaskGroup(of: [String].self) { tasks in
            for (n, part) in perClient.enumerated() {
                tasks.addTask {
                    let connection = try await PostgresConnection.connect(on: group.any(), configuration: config, id: n + 1, logger: logger).get()
                    do {
                        let alerts = try await check(part, zoneCounts: zoneCounts, on: connection, logger: logger)
                        try await connection.close()
                        return alerts
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                }
            }
            var all: [String] = []
            for try await alerts in tasks { all += alerts }
            return all
        }
        return (Double(world.stream.count) / (Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9), alerts)
    }

    /// The zones, one row each: a circle as its centre with a radius, a polygon as its area with
    /// its boundary; a GiST index on the geography.
    private func load(_ world: MonitoringWorld, on connection: PostgresConnection, logger: Logger) async throws {
        for statement in [
            "CREATE EXTENSION IF NOT EXISTS postgis",
            "DROP TABLE IF EXISTS bench_zones",
            """
            CREATE TABLE bench_zones (case_no integer NOT NULL, zone_no integer NOT NULL, area geography NOT NULL,
                                      boundary geography, radius double precision NOT NULL, is_polygon boolean NOT NULL)
            """,
        ] { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).get() }
        var cases: [Int32] = [], zones: [Int32] = [], shapes: [String] = [], radii: [Double] = []
        for (n, file) in world.files.enumerated() {
            for (z, zone) in (file.protectiveOrders[0].conditions.zones ?? []).enumerated() {
                cases.append(Int32(n)); zones.append(Int32(z))
                if let polygon = zone.polygon {
                    let ring = (polygon + [polygon[0]]).map { "\($0.lon) \($0.lat)" }.joined(separator: ",")
                    shapes.append("POLYGON((\(ring)))"); radii.append(0)
                } else {
                    shapes.append("POINT(\(zone.lon!) \(zone.lat!))"); radii.append(zone.radiusMeters!)
                }
            }
        }
        try await connection.query("""
            INSERT INTO bench_zones (case_no, zone_no, area, boundary, radius, is_polygon)
            SELECT c, z, ST_GeogFromText('SRID=4326;' || s),
                   CASE WHEN s LIKE 'POLYGON%' THEN ST_Boundary(ST_GeomFromText(s, 4326))::geography END, r, s LIKE 'POLYGON%'
            FROM unnest(\(cases), \(zones), \(shapes), \(radii)) AS t(c, z, s, r)
            """, logger: logger).get()
        for statement in ["CREATE INDEX bench_zones_area ON bench_zones USING gist (area)",
                          "CREATE INDEX bench_zones_case ON bench_zones (case_no)", "ANALYZE bench_zones"] {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).get()
        }
    }

    /// One respondent ping as the query needs it, with the victim's position as of then.
    struct Probe {
        var seq: Int32
        var caseNo: Int32
        var lat: Double, lon: Double, accuracy: Double
        var victim: (lat: Double, lon: Double, accuracy: Double)?
        var ping: Ping
    }

    /// The client's pings in order: victims' positions kept as they come, respondents' pings sent
    /// to PostGIS (one by one or in batches), then the answers run through the alert states.
    private func check(_ stream: [(caseIndex: Int, ping: Ping)], zoneCounts: [Int], on connection: PostgresConnection,
                       logger: Logger) async throws -> [String] {
        var victims: [Int: (lat: Double, lon: Double, accuracy: Double, at: Int64)] = [:]
        var inside: Set<Int64> = [], near: Set<Int> = []
        var alerts: [String] = []
        var pending: [Probe] = []

        func flush() async throws {
            guard !pending.isEmpty else { return }
            let rows = try await connection.query("""
                WITH p AS (SELECT seq, case_no, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS pt, acc,
                                  CASE WHEN vlat = 'NaN'::float8 THEN NULL ELSE ST_SetSRID(ST_MakePoint(vlon, vlat), 4326)::geography END AS her
                           FROM unnest(\(pending.map(\.seq)), \(pending.map(\.caseNo)), \(pending.map(\.lat)), \(pending.map(\.lon)),
                                       \(pending.map(\.accuracy)), \(pending.map { $0.victim?.lat ?? .nan }), \(pending.map { $0.victim?.lon ?? .nan }))
                                AS t(seq, case_no, lat, lon, acc, vlat, vlon))
                SELECT p.seq, z.zone_no,
                       CASE WHEN NOT z.is_polygon THEN ST_Distance(z.area, p.pt, false) - z.radius
                            WHEN ST_Covers(z.area, p.pt) THEN -ST_Distance(z.boundary, p.pt, false)
                            ELSE ST_Distance(z.area, p.pt, false) END
                FROM p JOIN bench_zones z ON z.case_no = p.case_no AND ST_DWithin(z.area, p.pt, z.radius + p.acc + \(hysteresis), false)
                UNION ALL
                SELECT p.seq, -1, ST_Distance(p.her, p.pt, false) FROM p WHERE p.her IS NOT NULL
                """, logger: logger).get()
            var zoneDistance: [Int32: [(Int32, Double)]] = [:]
            for row in rows.rows {
                let (seq, zone, distance) = try row.decode((Int32, Int32, Double).self)
                zoneDistance[seq, default: []].append((zone, distance))
            }
            for probe in pending {
                let found = zoneDistance[probe.seq] ?? []
                let n = Int(probe.caseNo)
                // zones: those not found are further than the hysteresis band
                for zoneNo in 0..<zoneCounts[n] {
                    let key = Int64(n) << 8 | Int64(zoneNo)
                    let distance = found.first { $0.0 == Int32(zoneNo) }?.1
                    if let distance, distance - probe.accuracy <= 0 {
                        if inside.insert(key).inserted { alerts.append(MonitoringBenchmark.key("zone", probe.ping.device, probe.ping.at.epochMilliseconds)) }
                    } else if distance.map({ $0 - probe.accuracy > hysteresis }) ?? true {
                        inside.remove(key)
                    }
                }
                if let victim = probe.victim, let distance = found.first(where: { $0.0 == -1 })?.1 {
                    let slack = probe.accuracy + victim.accuracy
                    if distance - slack <= minDistance {
                        if near.insert(n).inserted { alerts.append(MonitoringBenchmark.key("proximity", probe.ping.device, probe.ping.at.epochMilliseconds)) }
                    } else if distance - slack > minDistance + hysteresis {
                        near.remove(n)
                    }
                }
            }
            pending.removeAll(keepingCapacity: true)
        }

        for (seq, (caseIndex, ping)) in stream.enumerated() {
            guard let lat = ping.lat, let lon = ping.lon else { continue }
            let ms = ping.at.epochMilliseconds
            if ping.device.hasPrefix("v") {
                if victims[caseIndex].map({ $0.at < ms }) ?? true { victims[caseIndex] = (lat, lon, ping.accuracy ?? 0, ms) }
                continue
            }
            let victim = victims[caseIndex].flatMap { ms - $0.at <= victimMaxAgeMs ? ($0.lat, $0.lon, $0.accuracy) : nil }
            pending.append(Probe(seq: Int32(seq), caseNo: Int32(caseIndex), lat: lat, lon: lon, accuracy: ping.accuracy ?? 0,
                                 victim: victim, ping: ping))
            if pending.count >= batch { try await flush() }
        }
        try await flush()
        return alerts
    }
}
