import Domain
import Foundation

/// Checks pings against a case's orders: fixed zones (circles and polygons), the distance to the
/// victim's last position, silence beyond a device's interval, and device events. Pure: the same
/// pings give the same alerts, on the server and in `qorgau monitor replay`. Each device's state
/// is found by its id, so a ping costs a lookup and a few distance checks, never a scan.
public struct MonitoringEngine: Sendable {
    /// How far beyond a boundary the respondent must go before leaving counts, so that standing on
    /// the line does not raise a storm of alerts.
    public var hysteresisMeters: Double = MonitoringEngine.defaultHysteresisMeters
    public static let defaultHysteresisMeters = 50.0
    /// A device is silent after this many of its intervals without a ping.
    public var silentAfterIntervals: Double = 3
    /// A victim position older than this is not used for proximity.
    public var victimPositionMaxAge: TimeInterval = MonitoringEngine.defaultVictimPositionMaxAge
    public static let defaultVictimPositionMaxAge: TimeInterval = 600
    /// Clock slack for devices whose clocks run ahead.
    public var futureTolerance: TimeInterval = 300

    /// What a ping needs of its device, kept small, with its id beside it (one block to reach).
    struct DeviceState: Sendable {
        let id: String
        var intervalSeconds: Int
        var isRespondent: Bool
        var lastAt: Int64?
        var lastPosition: (lat: Double, lon: Double, accuracy: Double, at: Int64)?
        /// A silence already reported (by `sweep`), so the ping that ends it does not report it again.
        var silenceReported = false
    }

    /// One check a respondent's position gets: a zone of an order (a circle, its centre in
    /// radians with the cosine of its latitude, or a polygon), or the distance an order sets from
    /// her. All of a case's checks lie in one array, each with its order's term, so a ping reaches
    /// one block of memory for all of them.
    struct Check: Sendable {
        /// The order's place in `orders`, and its term as epoch milliseconds, [start, end).
        var order: Int
        var start: Int64
        var end: Int64
        /// The zone's number in its order; nil for the distance from her.
        var zone: Int?
        /// The distance to keep from her, for a distance check.
        var minDistance: Double?
        /// Inside the zone, or within the distance: an alert was raised and he has not clearly left.
        var engaged = false
        var circle: (latRadians: Double, lonRadians: Double, cosLat: Double, radius: Double)?
        /// A polygon's rings (the outline, then its holes), gathered once.
        var rings: [[GeoPoint]] = []
        /// A polygon's extent: latitudes, and longitudes relative to its first vertex.
        var box: (minLat: Double, maxLat: Double, minLon: Double, maxLon: Double, baseLon: Double)?
    }

    let orders: [ProtectiveOrder]
    /// The hot state lives in two small arrays (checks, devices), apart from the case file's
    /// values, so a ping touches few cache lines even with 100,000 cases in memory.
    var checks: [Check]
    /// Device states in an array, found by id (compared, or through `deviceIndex` when there are
    /// many), and changed in place rather than copied out and back.
    var states: [DeviceState]
    let deviceIndex: [String: Int]
    /// The victim's latest position over all her devices (what proximity is measured against).
    var victimLatest: (lat: Double, lon: Double, accuracy: Double, at: Int64)?

    public init(file: CaseFile) {
        orders = file.protectiveOrders
        var checks: [Check] = []
        for (o, order) in orders.enumerated() {
            let start = order.issuedAt.epochMilliseconds, end = order.endsAt.epochMilliseconds
            for (i, zone) in (order.conditions.zones ?? []).enumerated() {
                // a zone added or taken off later binds within its own days
                var check = Check(order: o, start: max(start, zone.from?.epochMilliseconds ?? .min),
                                  end: min(end, zone.until?.epochMilliseconds ?? .max), zone: i)
                if let polygon = zone.polygon, let base = polygon.first?.lon {
                    check.rings = [polygon] + (zone.holes ?? [])
                    let lons = polygon.map { Geo.longitudeDelta(base, $0.lon) }
                    check.box = (polygon.map(\.lat).min()!, polygon.map(\.lat).max()!, lons.min()!, lons.max()!, base)
                } else if let lat = zone.lat, let lon = zone.lon, let radius = zone.radiusMeters {
                    check.circle = (lat * .pi / 180, lon * .pi / 180, cos(lat * .pi / 180), radius)
                }
                checks.append(check)
            }
            if let distance = order.conditions.minDistanceMeters {
                checks.append(Check(order: o, start: start, end: end, minDistance: distance))
            }
        }
        self.checks = checks
        let roles = Dictionary(file.persons.map { ($0.id, $0.role) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        let devices = (file.devices ?? []).filter { seen.insert($0.id).inserted }
        states = devices.map { DeviceState(id: $0.id, intervalSeconds: $0.intervalSeconds, isRespondent: roles[$0.person] == .respondent) }
        deviceIndex = states.count <= Self.comparedDevices ? [:]
            : Dictionary(states.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Takes one ping: the alerts it raises, or why it is refused. A refused ping changes nothing.
    public mutating func ingest(_ ping: Ping, now: Date = Date()) -> Result<[Alert], PingRefusal> {
        var alerts: [Alert] = []
        if let refusal = ingest(ping, now: now, into: &alerts) { return .failure(refusal) }
        return .success(alerts)
    }

    /// The device's place in `states`: a few devices are compared directly (short ids compare as
    /// two machine words), more are hashed.
    @inline(__always)
    func device(_ id: String) -> Int? {
        if states.count <= Self.comparedDevices {
            for d in states.indices where states[d].id == id { return d }
            return nil
        }
        return deviceIndex[id]
    }

    /// Up to this many devices a case's devices are compared rather than hashed.
    static let comparedDevices = 4

    /// The same, appending the alerts to `alerts` (no array made per ping); nil when taken.
    public mutating func ingest(_ ping: Ping, now: Date, into alerts: inout [Alert]) -> PingRefusal? {
        guard let d = device(ping.device) else {
            return PingRefusal(device: ping.device, reason: "unknown device")
        }
        // The ping's fields handed over as plain values: with the ping itself in scope while
        // `self` changes, the optimiser kept a whole copy of it (a third of the time).
        return take(d, at: ping.at, event: ping.event, lat: ping.lat, lon: ping.lon, accuracy: ping.accuracy, now: now, into: &alerts)
    }

    /// A ping from the device at `d`.
    private mutating func take(_ d: Int, at: ZonedDateTime, event: Ping.Event?, lat: Double?, lon: Double?, accuracy: Double?,
                               now: Date, into alerts: inout [Alert]) -> PingRefusal? {
        let ms = at.epochMilliseconds
        if Double(ms) / 1000 - now.timeIntervalSince1970 > futureTolerance {
            return PingRefusal(device: states[d].id, reason: "time \(at) is in the future")
        }
        if let last = states[d].lastAt, ms <= last {
            return PingRefusal(device: states[d].id, reason: "out of order: not after the device's last ping")
        }
        if let last = states[d].lastAt {
            let allowed = Int64(Double(states[d].intervalSeconds) * silentAfterIntervals * 1000)
            if ms - last > allowed, !states[d].silenceReported {
                alerts.append(Alert(kind: .silent, device: states[d].id,
                                    at: ZonedDateTime(epochMilliseconds: last + allowed, offsetSeconds: at.offsetSeconds)))
            }
        }
        states[d].lastAt = ms
        states[d].silenceReported = false
        if let event, event != .panic { // a panic is raised by her press, not by a device's report
            alerts.append(Alert(kind: event == .strapTamper ? .tamper : .lowBattery, device: states[d].id, at: at))
        } else if let lat, let lon {
            let accuracy = accuracy ?? 0
            states[d].lastPosition = (lat, lon, accuracy, ms)
            if states[d].isRespondent {
                respondentAt(lat, lon, accuracy: accuracy, at: at, device: d, into: &alerts)
            } else if victimLatest.map({ $0.at < ms }) ?? true {
                victimLatest = (lat, lon, accuracy, ms)
                victimAt(lat, lon, accuracy: accuracy, at: at, into: &alerts)
            }
        }
        return nil
    }

    /// Devices silent for longer than their intervals allow, as of `now`: each silence is reported
    /// once, here or by the ping that ends it. The live server calls this every few seconds.
    public mutating func sweep(now: Date) -> [Alert] {
        let nowMs = Int64((now.timeIntervalSince1970 * 1000).rounded())
        var alerts: [Alert] = []
        for d in states.indices.sorted(by: { states[$0].id < states[$1].id }) {
            guard let last = states[d].lastAt, !states[d].silenceReported else { continue }
            let allowed = Int64(Double(states[d].intervalSeconds) * silentAfterIntervals * 1000)
            guard nowMs - last > allowed else { continue }
            states[d].silenceReported = true
            alerts.append(Alert(kind: .silent, device: states[d].id,
                                at: ZonedDateTime(epochMilliseconds: last + allowed, offsetSeconds: 0)))
        }
        return alerts
    }

    /// The engine for the case as it is now (orders issued, extended or revoked, devices added),
    /// keeping what it knew of each device and zone, so a change does not raise alerts again.
    public func updated(with file: CaseFile) -> MonitoringEngine {
        var next = MonitoringEngine(file: file)
        next.hysteresisMeters = hysteresisMeters
        next.silentAfterIntervals = silentAfterIntervals
        next.victimPositionMaxAge = victimPositionMaxAge
        next.futureTolerance = futureTolerance
        for state in states {
            guard let d = next.device(state.id) else { continue }
            next.states[d].lastAt = state.lastAt
            next.states[d].lastPosition = state.lastPosition
            next.states[d].silenceReported = state.silenceReported
        }
        // zones and distances carried over by order id and zone number
        for c in next.checks.indices {
            let id = next.orders[next.checks[c].order].id, zone = next.checks[c].zone
            next.checks[c].engaged = checks.contains { $0.engaged && $0.zone == zone && orders[$0.order].id == id }
        }
        next.victimLatest = next.states.filter { !$0.isRespondent }.compactMap(\.lastPosition).max { $0.at < $1.at }
        return next
    }

    /// Takes a device's last stored ping after a restart: its time and position, and the zones it
    /// is inside, without raising anything (whatever it raised was raised before the restart).
    /// With `zones: false` only the time and position are taken, so a respondent found inside a
    /// zone raises its alert at his next ping: for when the engine may have missed an order (an
    /// alert raised twice is better than one never raised).
    public mutating func restore(_ ping: Ping, zones: Bool = true) {
        guard let d = device(ping.device) else { return }
        if let last = states[d].lastAt, ping.at.epochMilliseconds <= last { return }
        states[d].lastAt = ping.at.epochMilliseconds
        guard let lat = ping.lat, let lon = ping.lon else { return }
        let position = (lat: lat, lon: lon, accuracy: ping.accuracy ?? 0, at: ping.at.epochMilliseconds)
        states[d].lastPosition = position
        if states[d].isRespondent {
            guard zones else { return }
            var ignored: [Alert] = []
            respondentAt(lat, lon, accuracy: position.accuracy, at: ping.at, device: d, into: &ignored)
        } else if victimLatest.map({ $0.at < position.at }) ?? true {
            victimLatest = position
        }
    }

    /// Takes a silence reported before a restart (its alert's time): if it came after the
    /// device's last ping, the device is still in that silence and is not reported again.
    public mutating func restoreSilence(device id: String, reportedAt: Int64) {
        guard let d = device(id), let last = states[d].lastAt, reportedAt > last else { return }
        states[d].silenceReported = true
    }

    /// The ids of the devices this engine watches.
    public var deviceIDs: [String] { states.map(\.id).sorted() }

    /// Zone and proximity checks for a respondent's position, with hysteresis: an alert on
    /// entering (within the accuracy of the boundary), none again until he is clearly out.
    mutating func respondentAt(_ lat: Double, _ lon: Double, accuracy: Double, at: ZonedDateTime, device d: Int,
                               into alerts: inout [Alert]) {
        let t = at.epochMilliseconds
        let latRadians = lat * .pi / 180, lonRadians = lon * .pi / 180
        // The bounds take a cosine that is never too large (no trigonometry); the exact one is
        // worked out only for a ping near a line.
        let cosAtLeast = Self.cosAtLeast(latRadians)
        var exactCos: Double?
        func cosLat() -> Double {
            if let exactCos { return exactCos }
            let value = cos(latRadians)
            exactCos = value
            return value
        }
        // Far from a zone, a bound with no trigonometry says so (`atLeast` for a circle; a polygon's
        // edge is at least as far as its extent). Beyond the accuracy and the hysteresis band,
        // "clearly out" is all there is to know.
        let metresPerRadian = Geo.earthRadiusMeters
        var alertedOrder = -1 // an order's zones entered at one position raise one alert (checks lie order by order)
        for c in checks.indices where checks[c].zone != nil {
            guard checks[c].start <= t, t < checks[c].end else { continue }
            let margin = accuracy + hysteresisMeters
            let distance: Double // negative inside
            if let circle = checks[c].circle {
                if Self.atLeast(latRadians, lonRadians, cosAtLeast, circle.latRadians, circle.lonRadians, circle.cosLat) - circle.radius > margin {
                    checks[c].engaged = false; continue
                }
                distance = Self.haversine(latRadians, lonRadians, cosLat(), circle.latRadians, circle.lonRadians, circle.cosLat) - circle.radius
            } else if let box = checks[c].box {
                let marginLat = margin / (metresPerRadian * .pi / 180), marginLon = marginLat / max(cosAtLeast, 1e-9)
                let relativeLon = Geo.longitudeDelta(box.baseLon, lon)
                if lat < box.minLat - marginLat || lat > box.maxLat + marginLat
                    || relativeLon < box.minLon - marginLon || relativeLon > box.maxLon + marginLon {
                    checks[c].engaged = false; continue
                }
                distance = Self.distance(toRings: checks[c].rings, lat, lon)
            } else {
                distance = .infinity
            }
            if distance - accuracy <= 0 {
                if !checks[c].engaged {
                    checks[c].engaged = true
                    if alertedOrder != checks[c].order {
                        alertedOrder = checks[c].order
                        alerts.append(Alert(kind: .zone, order: orders[checks[c].order].id, zone: checks[c].zone, device: states[d].id, at: at,
                                            distanceMeters: Int(max(0, distance).rounded()), accuracyMeters: Int(accuracy.rounded())))
                    }
                }
            } else if distance - accuracy > hysteresisMeters {
                checks[c].engaged = false
            }
        }
        guard let victim = victimLatest, Double(t - victim.at) / 1000 <= victimPositionMaxAge else { return }
        var distanceToHer: Double?
        let victimLat = victim.lat * .pi / 180, victimLon = victim.lon * .pi / 180
        let slack = accuracy + victim.accuracy
        let atLeast = Self.atLeast(latRadians, lonRadians, cosAtLeast, victimLat, victimLon, Self.cosAtLeast(victimLat)) // no nearer than this
        for c in checks.indices {
            guard let limit = checks[c].minDistance, checks[c].start <= t, t < checks[c].end else { continue }
            if atLeast - slack > limit + hysteresisMeters { checks[c].engaged = false; continue }
            let distance = distanceToHer ?? Self.haversine(latRadians, lonRadians, cosLat(), victimLat, victimLon, cos(victimLat))
            distanceToHer = distance
            if distance - slack <= limit {
                if !checks[c].engaged {
                    checks[c].engaged = true
                    alerts.append(Alert(kind: .proximity, order: orders[checks[c].order].id, device: states[d].id, at: at,
                                        distanceMeters: Int(distance.rounded()), accuracyMeters: Int(slack.rounded())))
                }
            } else if distance - slack > limit + hysteresisMeters {
                checks[c].engaged = false
            }
        }
    }

    /// Her new position against each respondent's last one, for the distance an order sets: he
    /// may stand still while she comes near, or his position may have been checked before hers
    /// (a moment earlier) arrived. The same rule as his pings: positions no older than
    /// `victimPositionMaxAge` apart, the accuracies as slack, the hysteresis to clear.
    mutating func victimAt(_ lat: Double, _ lon: Double, accuracy: Double, at: ZonedDateTime, into alerts: inout [Alert]) {
        let t = at.epochMilliseconds
        guard checks.contains(where: { $0.minDistance != nil }) else { return }
        for r in states.indices where states[r].isRespondent {
            guard let his = states[r].lastPosition, abs(t - his.at) <= Int64(victimPositionMaxAge * 1000) else { continue }
            let distance = Geo.distanceMeters(lat, lon, his.lat, his.lon)
            let slack = accuracy + his.accuracy
            for c in checks.indices {
                guard let limit = checks[c].minDistance, checks[c].start <= t, t < checks[c].end else { continue }
                if distance - slack <= limit {
                    if !checks[c].engaged {
                        checks[c].engaged = true
                        alerts.append(Alert(kind: .proximity, order: orders[checks[c].order].id, device: states[r].id, at: at,
                                            distanceMeters: Int(distance.rounded()), accuracyMeters: Int(slack.rounded()),
                                            lat: his.lat, lon: his.lon))
                    }
                } else if distance - slack > limit + hysteresisMeters {
                    checks[c].engaged = false
                }
            }
        }
    }

    /// A lower bound on the haversine distance in metres, with no trigonometry beyond the cosines
    /// already known: the same formula with sin x ≥ x − x³/6 and asin y ≥ y, shaded by a
    /// billionth so that rounding never lifts it above the distance itself. A ping far from a zone
    /// (or from her) is settled with it; only one near the line pays for the sines and arcsine.
    @inline(__always)
    static func atLeast(_ lat1: Double, _ lon1: Double, _ cos1: Double, _ lat2: Double, _ lon2: Double, _ cos2: Double) -> Double {
        var dLon = abs(lon2 - lon1)
        if dLon > .pi { dLon = 2 * .pi - dLon } // the short way round
        let halfLat = min(abs(lat2 - lat1) / 2, .pi / 2), halfLon = min(dLon / 2, .pi / 2)
        let sinLat = halfLat - halfLat * halfLat * halfLat / 6, sinLon = halfLon - halfLon * halfLon * halfLon / 6
        let a = sinLat * sinLat + max(0, cos1 * cos2) * sinLon * sinLon
        return 2 * Geo.earthRadiusMeters * a.squareRoot() * (1 - 1e-9)
    }

    /// The cosine of a latitude (radians, within ±π/2) or a little less, with no trigonometry: its
    /// Taylor polynomial to x⁶, whose remainder cos(ξ)·x⁸/8! is never negative there.
    @inline(__always)
    static func cosAtLeast(_ x: Double) -> Double {
        let x2 = x * x
        return max(0, 1 - x2 / 2 + x2 * x2 / 24 - x2 * x2 * x2 / 720)
    }

    /// The haversine distance in metres between two points given in radians, with the cosines of
    /// their latitudes already known (the same formula as `Geo.distanceMeters`).
    @inline(__always)
    static func haversine(_ lat1: Double, _ lon1: Double, _ cos1: Double, _ lat2: Double, _ lon2: Double, _ cos2: Double) -> Double {
        let sinHalfLat = sin((lat2 - lat1) / 2), sinHalfLon = sin((lon2 - lon1) / 2)
        let a = sinHalfLat * sinHalfLat + cos1 * cos2 * sinHalfLon * sinHalfLon
        return 2 * Geo.earthRadiusMeters * asin(min(1, a.squareRoot()))
    }

    /// Metres from a point to a polygon zone's boundary (its outline, then its holes, gathered
    /// beforehand): negative inside (inside the outline and in none of the holes, as `Zone.contains`).
    static func distance(toRings rings: [[GeoPoint]], _ lat: Double, _ lon: Double) -> Double {
        let point = GeoPoint(lat: lat, lon: lon)
        var edge = Double.infinity
        for ring in rings { edge = min(edge, Geo.distanceToPolygonEdge(ring, point)) }
        let inside = Geo.polygon(rings[0], contains: point) && !rings.dropFirst().contains { Geo.polygon($0, contains: point) }
        return inside ? -edge : edge
    }
}
