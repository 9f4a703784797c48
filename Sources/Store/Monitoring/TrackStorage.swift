import Domain
import Fluent
import Foundation
import SQLKit

/// Where the track is written and read: chosen once at start, and the same for the ping
/// pipeline, the pages and the benchmarks. Two conform, and one test suite holds both to the
/// same behaviour (`TrackStorageConformanceTests`):
/// - `DriverTrack`: the database driver's own connections (PostgreSQL, and SQLite where no
///   writer of its own is open, as for the command line);
/// - `JournalTrack`: on a SQLite file, the track's own writer (`SQLiteTrackWriter`), each group
///   in one trip to SQLite.
public protocol TrackStorage: Sendable {
    /// Stores a group (its pings, the alerts they raised and the breach incidents) with its audit
    /// records in one transaction, all or nothing; returns once it is durable.
    func save(_ group: TrackGroup, on db: any Database) async throws
    /// Each ask's pings, in time order.
    func read(_ asks: [TrackAsk], on db: any Database) async throws -> [[StoredPing]]
}

/// One device's pings between two instants (inclusive), or its last one among them.
public struct TrackAsk: Sendable {
    public var caseID: UUID
    public var device: String
    public var from: Int64
    public var to: Int64
    public var lastOnly: Bool

    public init(caseID: UUID, device: String, from: Int64 = .min, to: Int64 = .max, lastOnly: Bool = false) {
        self.caseID = caseID; self.device = device; self.from = from; self.to = to; self.lastOnly = lastOnly
    }

    /// `MonitoringStore.trackQuery` for this ask.
    func query(in source: MonitoringStore.TrackSource = .track, on sql: any SQLDatabase) -> SQLSelectBuilder {
        MonitoringStore.trackQuery(caseID: caseID, device: device, from: from, to: to, in: source, lastOnly: lastOnly, on: sql)
    }
}

/// What one transaction stores: pings, the alerts they raised and the breaches to record as
/// incidents (each made from the track as read inside the transaction, so it holds the group's
/// own pings), by whom, received when.
public struct TrackGroup: Sendable {
    public var pings: [StoredPing]
    public var alerts: [StoredAlert]
    public var breaches: [Breach]
    public var subject: String
    public var receivedAt: Int64

    public init(pings: [StoredPing], alerts: [StoredAlert], breaches: [Breach], by subject: String, receivedAt: Int64) {
        self.pings = pings; self.alerts = alerts; self.breaches = breaches; self.subject = subject; self.receivedAt = receivedAt
    }

    /// The breach incidents' rows, from each breach's track.
    func incidents(tracks: [[StoredPing]]) throws -> [IncidentModel] {
        try zip(breaches, tracks).map { breach, track in
            let row = try IncidentModel(caseID: breach.caseID, incident: breach.incident(track), by: subject, at: receivedAt)
            row.id = UUID()
            return row
        }
    }

    /// The audit records: the pings' hash, each incident, each alert.
    func audit(trackHash: String, incidents: [IncidentModel], alerts: [AlertModel]) throws -> [AuditEntry] {
        (pings.isEmpty ? [] : [AuditEntry(actor: subject, action: "track.stored", recordHash: trackHash, detail: "\(pings.count) pings")])
            + (try incidents.map { try .row($0, "incident.logged", actor: subject) })
            + (try alerts.map { try AuditEntry.row($0, "alert.raised", actor: subject) })
    }

    var breachAsks: [TrackAsk] { breaches.map { TrackAsk(caseID: $0.caseID, device: $0.device, from: $0.from, to: $0.to) } }
}

/// The track through the database driver: any SQL database, any connection.
public struct DriverTrack: TrackStorage {
    public init() {}

    public func save(_ group: TrackGroup, on db: any Database) async throws {
        let alertRows = group.alerts.map(AlertModel.init)
        try await db.auditedTransaction { tx in
            let pings = group.pings
            async let hash = pings.isEmpty ? "" : MonitoringStore.trackHash(pings) // while the rows are written
            if !pings.isEmpty { try await TrackRows.insert(pings, receivedAt: group.receivedAt, on: tx) }
            let incidentRows = try group.incidents(tracks: try await self.read(group.breachAsks, on: tx))
            let sql = try AuditChain.sqlDatabase(tx)
            for insert in try MonitoringStore.inserts(incidents: incidentRows, alerts: alertRows, by: group.subject, on: sql) {
                try await insert.run()
            }
            return ((), try group.audit(trackHash: await hash, incidents: incidentRows, alerts: alertRows))
        }
    }

    /// On a SQLite file, pings may wait in the journal before the track's writer moves them into
    /// the track (`JournalTails`): without the writer, the journal is read whole, and a row moved
    /// already (the same ping, in both tables until the journal's start is cut) counted once.
    public func read(_ asks: [TrackAsk], on db: any Database) async throws -> [[StoredPing]] {
        let sql = try AuditChain.sqlDatabase(db)
        var tracks: [[StoredPing]] = []
        for ask in asks {
            func read(_ source: MonitoringStore.TrackSource) async throws -> [StoredPing] {
                try await ask.query(in: source, on: sql).all().map { row in
                    StoredPing(caseID: ask.caseID, ping: Ping(
                        device: ask.device,
                        at: ZonedDateTime(epochMilliseconds: try row.decode(column: "at_ms", as: Int64.self),
                                          offsetSeconds: try row.decode(column: "at_offset", as: Int.self)),
                        lat: try row.decode(column: "lat", as: Double?.self), lon: try row.decode(column: "lon", as: Double?.self),
                        accuracy: try row.decode(column: "accuracy", as: Double?.self),
                        event: try row.decode(column: "event", as: String?.self).flatMap(Ping.Event.init(rawValue:))))
                }
            }
            var track = try await read(.track)
            if sql.dialect.name == "sqlite" {
                let stored = Set(track.map(\.at.epochMilliseconds))
                track += try await read(.journal(rows: nil)).filter { !stored.contains($0.at.epochMilliseconds) }
                track.sort { $0.at.epochMilliseconds < $1.at.epochMilliseconds }
                if ask.lastOnly { track = Array(track.suffix(1)) }
            }
            tracks.append(track)
        }
        return tracks
    }
}

/// The track through its own writer on a SQLite file: a group in one trip to SQLite.
public struct JournalTrack: TrackStorage {
    public let writer: SQLiteTrackWriter

    public init(writer: SQLiteTrackWriter) { self.writer = writer }

    public func save(_ group: TrackGroup, on db: any Database) async throws {
        let sql = try AuditChain.sqlDatabase(db)
        let alertRows = group.alerts.map(AlertModel.init)
        let trackHash = group.pings.isEmpty ? "" : MonitoringStore.trackHash(group.pings)
        try await writer.write(group.pings, receivedAt: group.receivedAt) { read in
            let incidentRows = try group.incidents(tracks: try group.breachAsks.map { ask in
                try read(Self.statement(ask, on: sql), ask.caseID, ask.device)
            })
            let statements = try MonitoringStore.inserts(incidents: incidentRows, alerts: alertRows, by: group.subject, on: sql).map {
                try SQLiteTrackWriter.statement($0.query, on: sql)
            }
            return (statements, try group.audit(trackHash: trackHash, incidents: incidentRows, alerts: alertRows))
        }
    }

    public func read(_ asks: [TrackAsk], on db: any Database) async throws -> [[StoredPing]] {
        let sql = try AuditChain.sqlDatabase(db)
        return try await writer.read(asks.map { ($0.caseID, $0.device, Self.statement($0, on: sql)) })
    }

    /// The ask as the writer runs it, over the track or the journal's waiting rows.
    static func statement(_ ask: TrackAsk, on sql: any SQLDatabase) -> SQLiteTrackWriter.TrackQuery {
        { source in try SQLiteTrackWriter.statement(ask.query(in: source, on: sql).query, on: sql) }
    }
}
