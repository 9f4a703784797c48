import Crypto
import Domain
import Fluent
import Foundation
import SQLKit

/// A ping as stored: the track of a device, kept as evidence.
public struct StoredPing: Sendable, Equatable, Codable {
    public var caseID: UUID
    public var device: String
    public var at: ZonedDateTime
    public var lat: Double?
    public var lon: Double?
    public var accuracy: Double?
    public var event: String?

    public init(caseID: UUID, device: String, at: ZonedDateTime, lat: Double?, lon: Double?, accuracy: Double?, event: String?) {
        self.caseID = caseID; self.device = device; self.at = at; self.lat = lat; self.lon = lon
        self.accuracy = accuracy; self.event = event
    }
}

/// An alert as stored, with what officers did about it.
public struct StoredAlert: Sendable, Equatable, Codable {
    public var id: UUID
    public var caseID: UUID
    public var kind: String
    public var order: String?
    public var zone: Int?
    public var device: String
    public var at: ZonedDateTime
    public var distanceMeters: Int?
    public var accuracyMeters: Int?
    public var incident: String?
    public var createdAt: Int64
    public var acknowledgedAt: Int64?
    public var acknowledgedBy: String?
    public var escalatedAt: Int64?

    public init(id: UUID = UUID(), caseID: UUID, kind: String, order: String?, zone: Int?, device: String, at: ZonedDateTime,
                distanceMeters: Int?, accuracyMeters: Int?, incident: String?, createdAt: Int64) {
        self.id = id; self.caseID = caseID; self.kind = kind; self.order = order; self.zone = zone; self.device = device
        self.at = at; self.distanceMeters = distanceMeters; self.accuracyMeters = accuracyMeters; self.incident = incident
        self.createdAt = createdAt
    }
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
    /// On a SQLite file: stores each group, its breaches and audit records in one trip.
    let trackWriter: SQLiteTrackWriter?

    public init(db: any Database, trackWriter: SQLiteTrackWriter? = nil) { self.db = db; self.trackWriter = trackWriter }

    /// Stores pings, alerts and the breach incidents together; all or nothing. Each breach's
    /// incident is made from the device's track as read inside the same transaction, after the
    /// pings are written, so the track holds the group's own pings before the breach.
    /// `receivedAt`: when the pings arrived, if not now (the benchmark's history).
    public func save(pings: [StoredPing], alerts: [StoredAlert], breaches: [Breach], by subject: String,
                     receivedAt: Int64? = nil) async throws {
        let now = receivedAt ?? nowMilliseconds()
        let alertRows = alerts.map(AlertModel.init)
        let alertEntries = try alertRows.map { try AuditEntry.row($0, "alert.raised", actor: subject) }
        /// The incidents' rows, from each breach's track.
        @Sendable func incidents(tracks: [[StoredPing]]) throws -> [IncidentModel] {
            try zip(breaches, tracks).map { breach, track in
                let row = try IncidentModel(caseID: breach.caseID, incident: breach.incident(track), by: subject, at: now)
                row.id = UUID()
                return row
            }
        }
        @Sendable func audit(trackHash: String, incidents: [IncidentModel]) throws -> [AuditEntry] {
            (pings.isEmpty ? [] : [AuditEntry(actor: subject, action: "track.stored", recordHash: trackHash, detail: "\(pings.count) pings")])
                + (try incidents.map { try .row($0, "incident.logged", actor: subject) }) + alertEntries
        }
        if let trackWriter, let sql = db as? any SQLDatabase {
            let trackHash = pings.isEmpty ? "" : Self.trackHash(pings)
            return try await trackWriter.write(pings, receivedAt: now) { read in
                let incidentRows = try incidents(tracks: try breaches.map { breach in
                    try read(Self.trackStatement(caseID: breach.caseID, device: breach.device, from: breach.from, to: breach.to, on: sql),
                             breach.caseID, breach.device)
                })
                let statements = try Self.inserts(incidents: incidentRows, alerts: alertRows, on: sql).map {
                    try SQLiteTrackWriter.statement($0.query, on: sql)
                }
                return (statements, try audit(trackHash: trackHash, incidents: incidentRows))
            }
        }
        try await db.auditedTransaction { tx in
            async let hash = pings.isEmpty ? "" : Self.trackHash(pings) // while the rows are written
            if !pings.isEmpty { try await TrackRows.insert(pings, receivedAt: now, on: tx) }
            var tracks: [[StoredPing]] = []
            for breach in breaches {
                tracks.append(try await MonitoringStore(db: tx).track(caseID: breach.caseID, device: breach.device, from: breach.from, to: breach.to))
            }
            let incidentRows = try incidents(tracks: tracks)
            if let sql = tx as? any SQLDatabase {
                for insert in try Self.inserts(incidents: incidentRows, alerts: alertRows, on: sql) { try await insert.run() }
            }
            return ((), try audit(trackHash: await hash, incidents: incidentRows))
        }
    }

    /// The inserts of a group's breach incidents and alerts.
    /// With the alerts, the events that raised them: the outbox the delivery worker sends from,
    /// written in the same transaction, so no stored alert goes without its messages.
    static func inserts(incidents: [IncidentModel], alerts: [AlertModel], on sql: any SQLDatabase) throws -> [SQLInsertBuilder] {
        var inserts: [SQLInsertBuilder] = []
        if !incidents.isEmpty {
            var insert = sql.insert(into: IncidentModel.schema).columns(IncidentRow.columns)
            for row in incidents { insert = insert.values(IncidentRow.values(row)) }
            inserts.append(insert)
        }
        if !alerts.isEmpty {
            var insert = sql.insert(into: AlertModel.schema).columns(AlertRow.columns)
            for row in alerts { insert = insert.values(try AlertRow.values(row)) }
            inserts.append(insert)
            inserts.append(AlertEventRow.insert(try alerts.map { AlertEvent.raised(try $0.value(), by: "monitoring") }, on: sql))
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
            field(p.caseID.lowercaseText); field(p.device); field(String(p.at.epochMilliseconds)); field(String(p.at.offsetSeconds))
            number(p.lat); number(p.lon); number(p.accuracy)
            text.append(contentsOf: (p.event ?? "").utf8); text.append(UInt8(ascii: "\n"))
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
        if let trackWriter {
            let sql = try AuditChain.sqlDatabase(db)
            return try await trackWriter.read(devices.map { caseID, device in
                (caseID, device, Self.trackStatement(caseID: caseID, device: device, from: .min, to: .max, lastOnly: true, on: sql))
            }).compactMap(\.last)
        }
        var last: [StoredPing] = []
        for (caseID, device) in devices {
            if let ping = try await pings(caseID: caseID, device: device, from: .min, to: .max, lastOnly: true).last { last.append(ping) }
        }
        return last
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
        try await pings(caseID: caseID, device: device, from: from, to: to, lastOnly: false)
    }

    /// The track between two instants, or its last ping in it. On a SQLite file, pings wait in
    /// the journal before they are moved into the track (`JournalTails`): the track's writer
    /// knows which rows wait; without it, the journal is read whole and a row moved already (the
    /// same ping, in both tables until the journal's start is cut) counted once.
    private func pings(caseID: UUID, device: String, from: Int64, to: Int64, lastOnly: Bool) async throws -> [StoredPing] {
        let sql = try AuditChain.sqlDatabase(db)
        if let trackWriter {
            return try await trackWriter.read(caseID: caseID, device: device,
                                              query: Self.trackStatement(caseID: caseID, device: device, from: from, to: to, lastOnly: lastOnly, on: sql))
        }
        func read(_ source: TrackSource) async throws -> [StoredPing] {
            let rows = try await Self.trackQuery(caseID: caseID, device: device, from: from, to: to, in: source, lastOnly: lastOnly, on: sql).all()
            return try rows.map { row in
                StoredPing(caseID: caseID, device: device,
                           at: ZonedDateTime(epochMilliseconds: try row.decode(column: "at_ms", as: Int64.self),
                                             offsetSeconds: try row.decode(column: "at_offset", as: Int.self)),
                           lat: try row.decode(column: "lat", as: Double?.self), lon: try row.decode(column: "lon", as: Double?.self),
                           accuracy: try row.decode(column: "accuracy", as: Double?.self), event: try row.decode(column: "event", as: String?.self))
            }
        }
        var track = try await read(.track)
        guard sql.dialect.name == "sqlite" else { return track }
        let stored = Set(track.map(\.at.epochMilliseconds))
        track += try await read(.journal(rows: nil)).filter { !stored.contains($0.at.epochMilliseconds) }
        track.sort { $0.at.epochMilliseconds < $1.at.epochMilliseconds }
        return lastOnly ? Array(track.suffix(1)) : track
    }

    /// Where `trackQuery` reads: the track, or the journal (every row, or the rows with these numbers).
    enum TrackSource: Sendable { case track, journal(rows: [Int64]?) }

    /// `trackQuery` as the track's writer runs it.
    static func trackStatement(caseID: UUID, device: String, from: Int64, to: Int64, lastOnly: Bool = false,
                               on sql: any SQLDatabase) -> SQLiteTrackWriter.TrackQuery {
        { source in
            try SQLiteTrackWriter.statement(trackQuery(caseID: caseID, device: device, from: from, to: to, in: source,
                                                       lastOnly: lastOnly, on: sql).query, on: sql)
        }
    }

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
    public func recentAlerts(caseID: UUID, kind: String, since: Int64) async throws -> [StoredAlert] {
        try await AlertModel.query(on: db).filter(\.$caseID == caseID).filter(\.$kind == kind).filter(\.$createdAt >= since)
            .sort(\.$createdAt, .descending).limit(100).all().map { try $0.value() }
    }

    /// Where the person who raised an alert by hand was, when her phone shared it: the point of
    /// her track at the alert's instant (a victim's panic alert; nil for the monitoring's own).
    public func position(of alert: StoredAlert) async throws -> StoredPing? {
        guard alert.kind == "panic" else { return nil }
        return try await track(caseID: alert.caseID, device: alert.device, from: alert.at.epochMilliseconds,
                               to: alert.at.epochMilliseconds).last
    }

    /// Whether an alert of this kind with this id was raised since `since`.
    public func wasRaised(_ id: UUID, kind: String, since: Int64) async throws -> Bool {
        try await AlertModel.query(on: db).filter(\.$id == id).filter(\.$kind == kind).filter(\.$createdAt >= since).count() > 0
    }

    /// Marks an alert seen by an officer, with what she did (`note`); acknowledging twice keeps
    /// the first. The acknowledgement ends the escalation chain.
    public func acknowledge(_ id: UUID, caseID: UUID, by subject: String, note: String? = nil, scope: CaseScope,
                            now: Int64? = nil) async throws -> (alert: StoredAlert, event: AlertEvent?) {
        let now = now ?? nowMilliseconds()
        let model = try await alertModel(id, caseID: caseID, scope: scope)
        guard model.acknowledgedAt == nil else { return (try model.value(), nil) }
        model.acknowledgedAt = now
        model.acknowledgedBy = subject
        let alert = try model.value()
        let event = AlertEvent.new(.acknowledged, of: alert, step: try await lastStep(of: id), by: subject, note: note, at: now)
        let taken = try await db.auditedTransaction { tx in
            let sql = try AuditChain.sqlDatabase(tx)
            let rows = try await sql.update(AlertModel.schema).set("acknowledged_at_ms", to: SQLBind(now))
                .set("acknowledged_by", to: SQLBind(subject))
                .where("id", .equal, SQLBind(id)).where("acknowledged_at_ms", .is, SQLLiteral.null).returning("id").all()
            guard !rows.isEmpty else { return (false, []) } // acknowledged meanwhile
            try await AlertEventRow.insert([event], on: sql).run()
            return (true, [try .row(model, "alert.acknowledged", actor: subject), event.auditEntry])
        }
        guard taken else { return (try await alertModel(id, caseID: caseID, scope: scope).value(), nil) }
        return (alert, event)
    }

    /// An alert of a case in scope (not found for one outside it).
    public func alert(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> StoredAlert {
        try await alertModel(id, caseID: caseID, scope: scope).value()
    }

    private func alertModel(_ id: UUID, caseID: UUID, scope: CaseScope) async throws -> AlertModel {
        try await CaseStore(db: db).requireCase(caseID, scope: scope)
        guard let model = try await AlertModel.query(on: db).filter(\.$id == id).filter(\.$caseID == caseID).first() else {
            throw DomainError.notFound("alert")
        }
        return model
    }

    /// The highest step of the chain an alert has reached.
    func lastStep(of alertID: UUID) async throws -> Int {
        try await AlertEventModel.query(on: db).filter(\.$alertID == alertID).max(\.$step) ?? 0
    }

    /// Moves the chain of every alert left unacknowledged one step on (raised → the supervisor →
    /// the unit head and the duty centre) when its last step was taken before `before` (epoch ms).
    /// Each step once, even with several instances sweeping: one raised or escalated event per
    /// alert and step, by a unique index.
    public func escalate(before: Int64, now: Int64) async throws -> [(alert: StoredAlert, event: AlertEvent)] {
        guard let sql = db as? any SQLDatabase else { return [] }
        struct Due: Decodable { var alert_id: UUID; var step: Int }
        // the newest step of each open alert, when it was taken before `before`
        let due = try await sql.raw("""
            SELECT e.alert_id, MAX(e.step) AS step FROM alert_events e JOIN alerts a ON a.id = e.alert_id
            WHERE a.acknowledged_at_ms IS NULL AND e.kind IN ('raised', 'escalated')
            GROUP BY e.alert_id HAVING MAX(e.step) < \(literal: AlertEvent.lastStep) AND MAX(e.at_ms) < \(bind: before)
            LIMIT 1000
            """).all(decoding: Due.self)
        var escalated: [(StoredAlert, AlertEvent)] = []
        for item in due {
            guard let model = try await AlertModel.find(item.alert_id, on: db), model.acknowledgedAt == nil else { continue }
            if let taken = try await escalate(model, to: item.step + 1, by: "monitoring", note: nil, now: now) { escalated.append(taken) }
        }
        return escalated
    }

    /// Escalates an alert by hand to the next step of its chain (nil when it is at the last step
    /// or acknowledged).
    public func escalate(_ id: UUID, caseID: UUID, by subject: String, note: String?, scope: CaseScope,
                         now: Int64? = nil) async throws -> (alert: StoredAlert, event: AlertEvent)? {
        let now = now ?? nowMilliseconds()
        let model = try await alertModel(id, caseID: caseID, scope: scope)
        let step = try await lastStep(of: id)
        guard model.acknowledgedAt == nil, step < AlertEvent.lastStep else { return nil }
        return try await escalate(model, to: step + 1, by: subject, note: note, now: now)
    }

    /// Writes the escalation to `step` (and the alert's first escalation time); nil when another
    /// instance or officer took that step first.
    private func escalate(_ model: AlertModel, to step: Int, by subject: String, note: String?, now: Int64)
        async throws -> (alert: StoredAlert, event: AlertEvent)? {
        let first = model.escalatedAt == nil
        if first { model.escalatedAt = now }
        let alert = try model.value()
        let event = AlertEvent.new(.escalated, of: alert, step: step, by: subject, note: note, at: now)
        let taken = try await db.auditedTransaction { tx in
            let sql = try AuditChain.sqlDatabase(tx)
            let inserted = try await AlertEventRow.insert([event], on: sql).ignoringConflicts().returning("id").all()
            guard !inserted.isEmpty else { return (false, []) }
            var entries = [event.auditEntry]
            if first {
                try await sql.update(AlertModel.schema).set("escalated_at_ms", to: SQLBind(now))
                    .where("id", .equal, SQLBind(try model.requireID())).where("escalated_at_ms", .is, SQLLiteral.null).run()
                entries.insert(try AuditEntry.row(model, "alert.escalated", actor: subject), at: 0)
            }
            return (true, entries)
        }
        return taken ? (alert, event) : nil
    }
}

extension PingModel {
    var value: StoredPing {
        StoredPing(caseID: caseID, device: device, at: ZonedDateTime(epochMilliseconds: at, offsetSeconds: offset),
                   lat: lat, lon: lon, accuracy: accuracy, event: event)
    }
}

/// The columns of `alerts` a new alert sets, in insert order, and a model's values for them.
enum AlertRow {
    static let columns = ["id", "case_id", "kind", "order_ref", "zone", "device", "at_ms", "at_offset", "distance_m",
                          "accuracy_m", "incident_ref", "created_at_ms"]

    static func values(_ m: AlertModel) throws -> [any SQLExpression] {
        [SQLBind(try m.requireID()), SQLBind(m.caseID), SQLBind(m.kind), SQLBind(m.order), SQLBind(m.zone), SQLBind(m.device),
         SQLBind(m.at), SQLBind(m.offset), SQLBind(m.distance), SQLBind(m.accuracy), SQLBind(m.incident), SQLBind(m.createdAt)]
    }
}

extension AlertModel {
    convenience init(_ alert: StoredAlert) {
        self.init()
        id = alert.id; caseID = alert.caseID; kind = alert.kind; order = alert.order; zone = alert.zone; device = alert.device
        at = alert.at.epochMilliseconds; offset = alert.at.offsetSeconds; distance = alert.distanceMeters
        accuracy = alert.accuracyMeters; incident = alert.incident; createdAt = alert.createdAt
    }

    func value() throws -> StoredAlert {
        var alert = StoredAlert(id: try requireID(), caseID: caseID, kind: kind, order: order, zone: zone, device: device,
                                at: ZonedDateTime(epochMilliseconds: at, offsetSeconds: offset), distanceMeters: distance,
                                accuracyMeters: accuracy, incident: incident, createdAt: createdAt)
        alert.acknowledgedAt = acknowledgedAt; alert.acknowledgedBy = acknowledgedBy; alert.escalatedAt = escalatedAt
        return alert
    }
}

extension MonitoringStore {
    /// Hands an open alert to one officer (or investigator) who may see its case: an officer of
    /// the case's unit, or one granted the case. Refused for anyone else, as for a disabled user.
    public func handOver(_ id: UUID, caseID: UUID, to target: UUID, by subject: String, note: String?, scope: CaseScope,
                         now: Int64? = nil) async throws -> (alert: StoredAlert, event: AlertEvent) {
        let now = now ?? nowMilliseconds()
        let alert = try await alert(id, caseID: caseID, scope: scope)
        guard alert.acknowledgedAt == nil else { throw DomainError.conflict("the alert is already acknowledged") }
        guard try await mayHandle(caseID, user: target) else {
            throw ValidationFailure(pointer: "/to", message: "must be an active officer or investigator who may see the case")
        }
        let event = AlertEvent.new(.handedOver, of: alert, step: try await lastStep(of: id), by: subject, target: target, note: note, at: now)
        try await db.auditedTransaction { tx in
            try await AlertEventRow.insert([event], on: try AuditChain.sqlDatabase(tx)).run()
            return ((), [event.auditEntry])
        }
        return (alert, event)
    }

    /// Whether this user may handle the case's alerts: active, and an officer of its unit or an
    /// officer or investigator granted it.
    func mayHandle(_ caseID: UUID, user: UUID) async throws -> Bool {
        guard let model = try await UserModel.find(user, on: db), !model.disabled,
              ["officer", "investigator"].contains(model.role) else { return false }
        if model.role == "officer", let unit = try await CaseStore(db: db).unit(of: caseID), unit != nil, unit == model.unit { return true }
        return try await CaseAccessModel.query(on: db).filter(\.$id.$caseID == caseID).filter(\.$id.$userID == user).first() != nil
    }

    /// The officers and investigators an alert of this case may be handed to.
    public func handlers(of caseID: UUID) async throws -> [(id: UUID, name: String)] {
        let unit = try await CaseStore(db: db).unit(of: caseID) ?? nil
        let granted = try await CaseAccessModel.query(on: db).filter(\.$id.$caseID == caseID).all().compactMap { $0.id?.userID }
        let query = UserModel.query(on: db).filter(\.$disabled == false).filter(\.$role ~~ ["officer", "investigator"])
        query.group(.or) { group in
            if let unit { group.group(.and) { $0.filter(\.$role == "officer").filter(\.$unit == unit) } }
            group.filter(\.$id ~~ granted)
        }
        return try await query.sort(\.$displayName).all().map { (try $0.requireID(), $0.displayName) }
    }
}
