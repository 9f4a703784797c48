import Domain
import Foundation

/// Checks pings against a case's orders: fixed zones (circles and polygons), the distance to the
/// victim's last position, silence beyond a device's interval, and device events. Pure: the same
/// pings give the same alerts, on the server and in `qorgau monitor replay`. Each device's state
/// is found by its id, so a ping costs a lookup and a few distance checks, never a scan.
public struct MonitoringEngine: Sendable {
    /// How far beyond a boundary the respondent must go before leaving counts, so that standing on
    /// the line does not raise a storm of alerts.
    public var hysteresisMeters: Double = 50
    /// A device is silent after this many of its intervals without a ping.
    public var silentAfterIntervals: Double = 3
    /// A victim position older than this is not used for proximity.
    public var victimPositionMaxAge: TimeInterval = 600
    /// Clock slack for devices whose clocks run ahead.
    public var futureTolerance: TimeInterval = 300

    struct DeviceState: Sendable {
        var device: Device
        var isRespondent: Bool
        var lastAt: Int64?
        var lastPosition: (lat: Double, lon: Double, accuracy: Double, at: Int64)?
        /// A silence already reported (by `sweep`), so the ping that ends it does not report it again.
        var silenceReported = false
    }

    let orders: [ProtectiveOrder]
    var devices: [String: DeviceState]
    /// (order, zone) pairs the respondent is inside; orders whose distance he is within.
    var insideZones: Set<String> = []
    var nearVictim: Set<String> = []

    public init(file: CaseFile) {
        orders = file.protectiveOrders
        let roles = Dictionary(file.persons.map { ($0.id, $0.role) }, uniquingKeysWith: { first, _ in first })
        devices = Dictionary((file.devices ?? []).map {
            ($0.id, DeviceState(device: $0, isRespondent: roles[$0.person] == .respondent))
        }, uniquingKeysWith: { first, _ in first })
    }

    /// Takes one ping: the alerts it raises, or why it is refused. A refused ping changes nothing.
    public mutating func ingest(_ ping: Ping, now: Date = Date()) -> Result<[Alert], PingRefusal> {
        guard var state = devices[ping.device] else {
            return .failure(PingRefusal(device: ping.device, reason: "unknown device"))
        }
        let ms = ping.at.epochMilliseconds
        if ping.at.instant.timeIntervalSince(now) > futureTolerance {
            return .failure(PingRefusal(device: ping.device, reason: "time \(ping.at) is in the future"))
        }
        if let last = state.lastAt, ms <= last {
            return .failure(PingRefusal(device: ping.device, reason: "out of order: not after the device's last ping"))
        }
        var alerts: [Alert] = []
        if let last = state.lastAt {
            let allowed = Int64(Double(state.device.intervalSeconds) * silentAfterIntervals * 1000)
            if ms - last > allowed, !state.silenceReported {
                alerts.append(Alert(kind: .silent, device: ping.device,
                                    at: ZonedDateTime(epochMilliseconds: last + allowed, offsetSeconds: ping.at.offsetSeconds)))
            }
        }
        state.lastAt = ms
        state.silenceReported = false
        if let event = ping.event {
            alerts.append(Alert(kind: event == .strapTamper ? .tamper : .lowBattery, device: ping.device, at: ping.at))
        } else if let lat = ping.lat, let lon = ping.lon {
            let accuracy = ping.accuracy ?? 0
            state.lastPosition = (lat, lon, accuracy, ms)
            if state.isRespondent { alerts += respondentAt(lat, lon, accuracy: accuracy, ping: ping) }
        }
        devices[ping.device] = state
        return .success(alerts)
    }

    /// Devices silent for longer than their intervals allow, as of `now`: each silence is reported
    /// once, here or by the ping that ends it. The live server calls this every few seconds.
    public mutating func sweep(now: Date) -> [Alert] {
        let nowMs = Int64((now.timeIntervalSince1970 * 1000).rounded())
        var alerts: [Alert] = []
        for (id, var state) in devices.sorted(by: { $0.key < $1.key }) {
            guard let last = state.lastAt, !state.silenceReported else { continue }
            let allowed = Int64(Double(state.device.intervalSeconds) * silentAfterIntervals * 1000)
            guard nowMs - last > allowed else { continue }
            state.silenceReported = true
            devices[id] = state
            alerts.append(Alert(kind: .silent, device: id, at: ZonedDateTime(epochMilliseconds: last + allowed, offsetSeconds: 0)))
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
        for (id, state) in devices {
            guard var kept = next.devices[id] else { continue }
            kept.lastAt = state.lastAt
            kept.lastPosition = state.lastPosition
            kept.silenceReported = state.silenceReported
            next.devices[id] = kept
        }
        next.insideZones = insideZones
        next.nearVictim = nearVictim
        return next
    }

    /// Takes a device's last stored ping after a restart: its time and position, and the zones it
    /// is inside, without raising anything (whatever it raised was raised before the restart).
    public mutating func restore(_ ping: Ping) {
        guard var state = devices[ping.device] else { return }
        if let last = state.lastAt, ping.at.epochMilliseconds <= last { return }
        state.lastAt = ping.at.epochMilliseconds
        if let lat = ping.lat, let lon = ping.lon {
            state.lastPosition = (lat, lon, ping.accuracy ?? 0, ping.at.epochMilliseconds)
            devices[ping.device] = state
            if state.isRespondent { _ = respondentAt(lat, lon, accuracy: ping.accuracy ?? 0, ping: ping) }
        } else {
            devices[ping.device] = state
        }
    }

    /// The ids of the devices this engine watches.
    public var deviceIDs: [String] { devices.keys.sorted() }

    /// Zone and proximity checks for a respondent's position, with hysteresis: an alert on
    /// entering (within the accuracy of the boundary), none again until he is clearly out.
    mutating func respondentAt(_ lat: Double, _ lon: Double, accuracy: Double, ping: Ping) -> [Alert] {
        var alerts: [Alert] = []
        let t = ping.at.epochMilliseconds
        for order in orders where order.issuedAt.epochMilliseconds <= t && t < order.endsAt.epochMilliseconds {
            for (index, zone) in (order.conditions.zones ?? []).enumerated() {
                let key = "\(order.id)#\(index)"
                let distance = Self.distance(to: zone, lat, lon) // negative inside
                if distance - accuracy <= 0 {
                    if insideZones.insert(key).inserted {
                        alerts.append(Alert(kind: .zone, order: order.id, zone: index, device: ping.device, at: ping.at,
                                            distanceMeters: Int(max(0, distance).rounded()), accuracyMeters: Int(accuracy.rounded())))
                    }
                } else if distance - accuracy > hysteresisMeters {
                    insideZones.remove(key)
                }
            }
            guard let limit = order.conditions.minDistanceMeters, let victim = victimPosition(at: t) else { continue }
            let distance = Geo.distanceMeters(lat, lon, victim.lat, victim.lon)
            let slack = accuracy + victim.accuracy
            if distance - slack <= limit {
                if nearVictim.insert(order.id).inserted {
                    alerts.append(Alert(kind: .proximity, order: order.id, device: ping.device, at: ping.at,
                                        distanceMeters: Int(distance.rounded()), accuracyMeters: Int(slack.rounded())))
                }
            } else if distance - slack > limit + hysteresisMeters {
                nearVictim.remove(order.id)
            }
        }
        return alerts
    }

    func victimPosition(at t: Int64) -> (lat: Double, lon: Double, accuracy: Double)? {
        devices.values.filter { !$0.isRespondent }.compactMap(\.lastPosition)
            .filter { Double(t - $0.at) / 1000 <= victimPositionMaxAge }
            .max { $0.at < $1.at }
            .map { ($0.lat, $0.lon, $0.accuracy) }
    }

    /// Metres from a point to a zone's boundary: negative inside, positive outside.
    static func distance(to zone: Zone, _ lat: Double, _ lon: Double) -> Double {
        if let polygon = zone.polygon {
            let point = GeoPoint(lat: lat, lon: lon)
            let edge = ([polygon] + (zone.holes ?? [])).map { Geo.distanceToPolygonEdge($0, point) }.min() ?? .infinity
            return zone.contains(lat: lat, lon: lon) ? -edge : edge
        }
        guard let zlat = zone.lat, let zlon = zone.lon, let radius = zone.radiusMeters else { return .infinity }
        return Geo.distanceMeters(lat, lon, zlat, zlon) - radius
    }
}
