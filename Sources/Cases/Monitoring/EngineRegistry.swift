import Domain
import Foundation
import Monitoring
import Store

/// The engines of the cases this instance owns, and where each watched device's pings go (to a
/// case, and through the cluster to the instance that owns it). A value the hub changes under its
/// lock; reading the database is the hub's.
struct EngineRegistry {
    var cluster = MonitoringCluster.single
    /// The engines of the cases this instance watches.
    var watched: [UUID: MonitoringEngine] = [:]
    /// Every watched device of every case, owned here or not: where to send its pings.
    var caseOfDevice: [String: UUID] = [:]
    var devicesOfCase: [UUID: [String]] = [:]
    var unitOfCase: [UUID: String?] = [:]

    /// Whether the routing has been read since the last `forget`.
    var loaded = false
    /// Whether a load takes each respondent's zones from his last stored ping as already alerted
    /// (at start) or not (after a reload, when an order may have been missed).
    var restoreZones = true
    /// The owned cases whose engines are not built yet: at start pings are routed at once and the
    /// engines built after, a thousand cases at a time between groups of pings, or at once for a
    /// case a ping arrives for. `generation` stops a builder whose load was superseded.
    var pendingEngines = Set<UUID>()
    var pendingRestoreZones = true
    var generation = 0

    /// What a start restores of a case's engine: each device's last stored ping, and when each
    /// was last reported silent.
    struct Restored {
        var lastPings: [StoredPing] = []
        var silences: [String: Int64] = [:]
    }

    /// Forgets every engine and route: they are read again at the next use.
    mutating func forget() {
        loaded = false
        pendingEngines = []
        watched = [:]
        caseOfDevice = [:]
        devicesOfCase = [:]
        unitOfCase = [:]
    }

    /// Drops the engines of these cases, to be built again from what is stored at their next ping
    /// (after their pings could not be stored: the engines had moved on from what the database
    /// holds). Each device's zones are taken from its last stored ping.
    mutating func rebuild(_ cases: Set<UUID>) {
        let owned = cases.filter { watched.removeValue(forKey: $0) != nil }
        guard !owned.isEmpty else { return }
        if pendingEngines.isEmpty { pendingRestoreZones = true }
        pendingEngines.formUnion(owned)
    }

    /// Where every monitored device's pings go, as the database has it; the owned cases' engines
    /// to be built. Returns the new generation, for the builder.
    mutating func route(_ monitored: [UUID: (unit: String?, devices: [String])]) -> Int {
        for (caseID, routing) in monitored {
            devicesOfCase[caseID] = routing.devices
            for device in routing.devices { caseOfDevice[device] = caseID }
            unitOfCase[caseID] = routing.unit
            if cluster.owns(caseID), watched[caseID] == nil { pendingEngines.insert(caseID) }
        }
        pendingRestoreZones = restoreZones
        loaded = true
        restoreZones = true
        generation += 1
        return generation
    }

    /// The cases are placed anew among the instances: the engines of cases this instance no
    /// longer owns are dropped, those it now owns are to be built. Returns the new generation.
    mutating func place(in cluster: MonitoringCluster) -> Int {
        self.cluster = cluster
        for caseID in watched.keys where !cluster.owns(caseID) { watched[caseID] = nil }
        if pendingEngines.isEmpty { pendingRestoreZones = true } // the previous owner alerted what it alerted
        pendingEngines = pendingEngines.filter(cluster.owns)
        for caseID in devicesOfCase.keys where cluster.owns(caseID) && watched[caseID] == nil { pendingEngines.insert(caseID) }
        generation += 1
        return generation
    }

    /// Which instance each ping goes to: indices of the batch by owner (unknown devices stay here,
    /// to be refused with their reason; all stay here while the lease is not held).
    func plan(_ batch: [Result<Ping, PingRefusal>], leaseHeld: Bool) -> [String: [Int]] {
        guard leaseHeld else { return [cluster.selfID: Array(batch.indices)] }
        var plan: [String: [Int]] = [:]
        for (index, item) in batch.enumerated() {
            let owner = (try? item.get()).flatMap { caseOfDevice[$0.device] }.map(cluster.owner(of:)) ?? cluster.selfID
            plan[owner, default: []].append(index)
        }
        return plan
    }

    /// Keeps a case's devices and, if this instance owns it, its engine: made anew or updated
    /// with the case file, and given what `restoring` holds (at start; nil keeps the state).
    mutating func install(_ caseID: UUID, file: CaseFile, restoring: Restored?) {
        for device in devicesOfCase[caseID] ?? [] where caseOfDevice[device] == caseID { caseOfDevice[device] = nil }
        devicesOfCase[caseID] = (file.devices ?? []).map(\.id)
        for device in file.devices ?? [] { caseOfDevice[device.id] = caseID }
        unitOfCase[caseID] = file.case.unit
        guard cluster.owns(caseID) else { return }
        // an engine built after a start or a reload restores as that load would have
        let zones = pendingEngines.remove(caseID) != nil ? pendingRestoreZones : restoreZones
        var engine = watched[caseID].map { $0.updated(with: file) } ?? MonitoringEngine(file: file)
        if let restoring {
            for ping in restoring.lastPings.sorted(by: { $0.at.epochMilliseconds < $1.at.epochMilliseconds }) {
                engine.restore(ping.ping, zones: zones)
            }
            for (device, at) in restoring.silences { engine.restoreSilence(device: device, reportedAt: at) }
        }
        watched[caseID] = engine
    }

    /// What to restore of the engines of those of `cases` this instance owns, read for all of
    /// them at once (one trip per table, not three per case).
    func restored(_ cases: [(UUID, CaseFile)], from store: MonitoringStore) async throws -> [UUID: Restored] {
        let owned = cases.filter { cluster.owns($0.0) }
        guard !owned.isEmpty else { return [:] }
        let devices = owned.flatMap { caseID, file in Set((file.devices ?? []).map(\.id)).sorted().map { (caseID, $0) } }
        var restored: [UUID: Restored] = [:]
        for ping in try await store.lastPings(devices) { restored[ping.caseID, default: Restored()].lastPings.append(ping) }
        let silences = owned.count == 1 ? [owned[0].0: try await store.latestSilences(caseID: owned[0].0)] : try await store.latestSilences()
        let ownedIDs = Set(owned.map(\.0))
        for (caseID, latest) in silences where ownedIDs.contains(caseID) {
            restored[caseID, default: Restored()].silences = latest
        }
        return restored
    }
}
