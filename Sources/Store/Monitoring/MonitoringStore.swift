import Crypto
import Domain
import Fluent
import Foundation
import SQLKit

/// A ping as the track keeps it: the device's report and the case it was checked in.
public struct StoredPing: Sendable, Equatable {
    public var caseID: UUID
    public var ping: Ping

    public init(caseID: UUID, ping: Ping) { self.caseID = caseID; self.ping = ping }

    public var device: String { ping.device }
    public var at: ZonedDateTime { ping.at }
    public var lat: Double? { ping.lat }
    public var lon: Double? { ping.lon }
    public var accuracy: Double? { ping.accuracy }
    public var event: Ping.Event? { ping.event }
}

/// An alert as stored: what was raised, in which case, and what officers did about it.
public struct StoredAlert: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var alert: Alert
    /// The incident a breach was recorded as (one per position: its alerts share it).
    public var incident: String?
    public var createdAt: Int64
    public var acknowledgedAt: Int64?
    public var acknowledgedBy: String?
    public var escalatedAt: Int64?

    public init(id: UUID = UUID(), caseID: UUID, alert: Alert, incident: String? = nil, createdAt: Int64) {
        self.id = id; self.caseID = caseID; self.alert = alert; self.incident = incident; self.createdAt = createdAt
    }

    public var kind: Alert.Kind { alert.kind }
    public var order: String? { alert.order }
    public var zone: Int? { alert.zone }
    public var device: String { alert.device }
    public var at: ZonedDateTime { alert.at }
    public var distanceMeters: Int? { alert.distanceMeters }
    public var accuracyMeters: Int? { alert.accuracyMeters }
}

/// A zone or proximity breach, recorded as an incident whose evidence is the device's track.
public struct Breach: Sendable {
    public var caseID: UUID
    public var device: String
    /// The track's span in epoch milliseconds, both ends included.
    public var from: Int64
    public var to: Int64
    /// The incident, made from the track in time order.
    public var incident: @Sendable ([StoredPing]) -> Incident

    public init(caseID: UUID, device: String, from: Int64, to: Int64, incident: @escaping @Sendable ([StoredPing]) -> Incident) {
        self.caseID = caseID; self.device = device; self.from = from; self.to = to; self.incident = incident
    }
}

/// The track and the alerts. Pings of a batch, the alerts they raise and the incidents recorded
/// for breaches are written in one transaction, before the sender is told they were taken.
public struct MonitoringStore: Sendable {
    let db: any Database
    /// Where the track is written and read (chosen once at start; the driver's path by default).
    public let track: any TrackStorage

    public init(db: any Database, track: any TrackStorage = DriverTrack()) { self.db = db; self.track = track }

    /// Stores pings, alerts and the breach incidents together; all or nothing. Each breach's
    /// incident is made from the device's track as read inside the same transaction, after the
    /// pings are written, so the track holds the group's own pings before the breach.
    /// `receivedAt`: when the pings arrived, if not now (the benchmark's history).
    public func save(pings: [StoredPing], alerts: [StoredAlert], breaches: [Breach], by subject: String,
                     receivedAt: Int64? = nil) async throws {
        try await track.save(TrackGroup(pings: pings, alerts: alerts, breaches: breaches, by: subject,
                                        receivedAt: receivedAt ?? nowMilliseconds()), on: db)
    }

    /// The inserts of a group's breach incidents and alerts.
    /// With the alerts, the events that raised them: the outbox the delivery worker sends from,
    /// written in the same transaction, so no stored alert goes without its messages. A panic
    /// alert was raised by the person who pressed (`subject`); the others by the monitoring.
    static func inserts(incidents: [IncidentModel], alerts: [AlertModel], by subject: String, on sql: any SQLDatabase) throws -> [SQLInsertBuilder] {
        var inserts: [SQLInsertBuilder] = []
        if !incidents.isEmpty {
            inserts.append(ListedRows.insert(incidents, on: sql))
        }
        if !alerts.isEmpty {
            inserts.append(ListedRows.insert(alerts, on: sql))
            inserts.append(AlertEventRow.insert(try alerts.map { AlertEvent.raised(try $0.value(), by: $0.kind == Alert.Kind.panic.rawValue ? subject : "monitoring") }, on: sql))
        }
        return inserts
    }

    /// The SHA-256 of a batch of pings, recorded in the audit log with the batch: one line per
    /// ping, in the order stored, of case id, device, time in epoch milliseconds, UTC offset in
    /// seconds, latitude, longitude, accuracy (shortest round-trip decimals; empty when absent)
    /// and event, separated by `|`, each line ending in a newline.
    static func trackHash(_ pings: [StoredPing]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(pings.count * 112)
        func field(_ value: String) { text.append(contentsOf: value.utf8); text.append(UInt8(ascii: "|")) }
        func number(_ value: Double?) { if let value { text.append(contentsOf: value.description.utf8) }; text.append(UInt8(ascii: "|")) }
        for p in pings {
            field(p.caseID.apiString); field(p.device); field(String(p.at.epochMilliseconds)); field(String(p.at.offsetSeconds))
            number(p.lat); number(p.lon); number(p.accuracy)
            text.append(contentsOf: (p.event?.rawValue ?? "").utf8); text.append(UInt8(ascii: "\n"))
        }
        return SHA256Hex.of(text)
    }

    /// The last stored ping of each of a case's devices, to rebuild the engine's state after a restart.
    public func lastPings(caseID: UUID, devices: [String]) async throws -> [StoredPing] {
        try await lastPings(devices.map { (caseID, $0) })
    }

    /// The last stored ping of each of these cases' devices, if it has one (on a SQLite file
    /// all read in one trip to the track's writer).
    public func lastPings(_ devices: [(caseID: UUID, device: String)]) async throws -> [StoredPing] {
        try await track.read(devices.map { TrackAsk(caseID: $0.caseID, device: $0.device, lastOnly: true) }, on: db).compactMap(\.last)
    }

    /// The time of the latest silence reported for each of a case's devices, so that after a
    /// restart a device still silent is not reported silent again.
    public func latestSilences(caseID: UUID) async throws -> [String: Int64] {
        try await latestSilences(of: caseID)[caseID] ?? [:]
    }

    /// `latestSilences(caseID:)` of every case, by case, in one query.
    public func latestSilences() async throws -> [UUID: [String: Int64]] {
        try await latestSilences(of: nil)
    }

    private func latestSilences(of caseID: UUID?) async throws -> [UUID: [String: Int64]] {
        var query = try AuditChain.sqlDatabase(db).select().column("case_id").column("device")
            .column(SQLFunction("max", args: SQLColumn("at_ms")), as: "latest")
            .from(AlertModel.schema).where("kind", .equal, SQLBind("silent"))
        if let caseID { query = query.where("case_id", .equal, SQLBind(caseID)) }
        var latest: [UUID: [String: Int64]] = [:]
        for row in try await query.groupBy("case_id").groupBy("device").all() {
            latest[try row.decode(column: "case_id", as: UUID.self), default: [:]][try row.decode(column: "device", as: String.self)] =
                try row.decode(column: "latest", as: Int64.self)
        }
        return latest
    }

    /// A device's track between two instants, in time order. Read with SQL, not Fluent: it is
    /// read for every breach, while a batch is being stored.
    public func track(caseID: UUID, device: String, from: Int64, to: Int64) async throws -> [StoredPing] {
        try await track.read([TrackAsk(caseID: caseID, device: device, from: from, to: to)], on: db)[0]
    }

    /// Where `trackQuery` reads: the track, or the journal (every row, or the rows with these numbers).
    enum TrackSource: Sendable { case track, journal(rows: [Int64]?) }

    /// A device's track between two instants: at_ms, at_offset, lat, lon, accuracy and event, in
    /// that order (the track writer reads the columns by position), in time order; or its last
    /// ping.
    static func trackQuery(caseID: UUID, device: String, from: Int64, to: Int64, in source: TrackSource = .track, lastOnly: Bool = false,
                           on sql: any SQLDatabase) -> SQLSelectBuilder {
        var query = sql.select().columns("at_ms", "at_offset", "lat", "lon", "accuracy", "event")
        switch source {
        case .track: query = query.from(PingModel.schema)
        case .journal(rows: nil): query = query.from(TrackRows.journal)
        case .journal(rows: let rows?): query = query.from(TrackRows.journal).where("seq", .in, SQLBind.group(rows))
        }
        query = query.where("case_id", .equal, SQLBind(caseID)).where("device", .equal, SQLBind(device))
            .where("at_ms", .greaterThanOrEqual, SQLBind(from)).where("at_ms", .lessThanOrEqual, SQLBind(to))
        if lastOnly { return query.orderBy("at_ms", .descending).limit(1) }
        return query.orderBy("at_ms")
    }

    public func alerts(caseID: UUID, scope: CaseScope, openOnly: Bool = false) async throws -> [StoredAlert] {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        let query = AlertModel.query(on: db).filter(\.$caseID == caseID)
        if openOnly { query.filter(\.$acknowledgedAt == nil) }
        return try await query.sort(\.$at).sort(\.$createdAt).all().map { try $0.value() }
    }

    /// The alerts of one kind raised in a case since `since` (epoch ms), newest first: a few rows
    /// by the case's index, not the case's whole alert history.
    public func recentAlerts(caseID: UUID, kind: Alert.Kind, since: Int64) async throws -> [StoredAlert] {
        try await AlertModel.query(on: db).filter(\.$caseID == caseID).filter(\.$kind == kind.rawValue).filter(\.$createdAt >= since)
            .sort(\.$createdAt, .descending).limit(100).all().map { try $0.value() }
    }

    /// Where the person who raised an alert by hand was, when her phone shared it: the point of
    /// her track at the alert's instant (a victim's panic alert; nil for the monitoring's own).
    public func position(of alert: StoredAlert) async throws -> StoredPing? {
        guard alert.kind == .panic else { return nil }
        return try await track(caseID: alert.caseID, device: alert.device, from: alert.at.epochMilliseconds,
                               to: alert.at.epochMilliseconds).last
    }

    /// The alert of this kind raised since then, if `id` is one.
    public func raised(_ id: UUID, kind: Alert.Kind, since: Int64) async throws -> StoredAlert? {
        try await AlertModel.query(on: db).filter(\.$id == id).filter(\.$kind == kind.rawValue).filter(\.$createdAt >= since).first()?.value()
    }
}

extension PingModel {
    var value: StoredPing {
        StoredPing(caseID: caseID, ping: Ping(device: device, at: ZonedDateTime(epochMilliseconds: at, offsetSeconds: offset),
                                              lat: lat, lon: lon, accuracy: accuracy, event: event.flatMap(Ping.Event.init(rawValue:))))
    }
}

extension AlertModel {
    convenience init(_ alert: StoredAlert) {
        self.init()
        id = alert.id; caseID = alert.caseID; kind = alert.kind.rawValue; order = alert.order; zone = alert.zone; device = alert.device
        at = alert.at.epochMilliseconds; offset = alert.at.offsetSeconds; distance = alert.distanceMeters
        accuracy = alert.accuracyMeters; incident = alert.incident; createdAt = alert.createdAt
    }

    func value() throws -> StoredAlert {
        guard let kind = Alert.Kind(rawValue: kind) else { throw DomainError.conflict("an alert of an unknown kind \"\(kind)\" is stored") }
        let raised = Alert(kind: kind, order: order, zone: zone, device: device, at: ZonedDateTime(epochMilliseconds: at, offsetSeconds: offset),
                           distanceMeters: distance, accuracyMeters: accuracy)
        var alert = StoredAlert(id: try requireID(), caseID: caseID, alert: raised, incident: incident, createdAt: createdAt)
        alert.acknowledgedAt = acknowledgedAt; alert.acknowledgedBy = acknowledgedBy; alert.escalatedAt = escalatedAt
        return alert
    }
}
