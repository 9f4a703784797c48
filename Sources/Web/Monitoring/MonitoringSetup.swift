import Cases
import Domain
import Foundation
import Store
import Vapor

struct MonitoringHubKey: StorageKey { typealias Value = MonitoringHub }
/// The track's own writer on a SQLite file, closed at shutdown.
struct TrackWriterKey: StorageKey { typealias Value = SQLiteTrackWriter }
struct TrackStorageKey: StorageKey { typealias Value = any TrackStorage }

extension Application {
    /// Where the track is written and read, chosen once at start (`configure`): the track's own
    /// writer on a SQLite file, the driver's path otherwise.
    package var track: any TrackStorage { storage[TrackStorageKey.self] ?? DriverTrack() }

    /// This instance's live monitoring.
    package var monitoring: MonitoringHub {
        if let hub = storage[MonitoringHubKey.self] { return hub }
        let hub = MonitoringHub(track: track)
        storage[MonitoringHubKey.self] = hub
        return hub
    }

    /// Rebuilds the engines from the database and, unless `sweepSeconds` is 0, sweeps for silent
    /// devices and unacknowledged alerts every `sweepSeconds`.
    func startMonitoring(sweepSeconds: Double, escalateAfter: TimeInterval) async throws {
        let config = qorgauConfig
        try await joinInstances(address: config.instances.address ?? "http://\(ProcessInfo.processInfo.hostName):\(config.port)",
                                leaseSeconds: config.instances.leaseSeconds, channel: config.notifyChannel)
        await followChanges(every: config.changePollSeconds) // from before the engines are built: nothing falls between
        try await monitoring.load(db: db)
        guard sweepSeconds > 0 else { return }
        let hub = monitoring, db = self.db, logger = self.logger
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(sweepSeconds))
                do { _ = try await hub.sweep(db: db, escalateAfter: escalateAfter) } catch {
                    logger.error("monitoring sweep failed: \(String(describing: type(of: error)))")
                }
            }
        }
        lifecycle.use(TaskStopper(task: task))
    }
}

extension Application {
    /// Takes this instance's place among those sharing the database: on PostgreSQL it listens for
    /// the others' alerts and changed cases, takes a lease, and owns the cases that fall to it
    /// among the instances whose leases hold. `address` is where the others reach this one.
    func joinInstances(address: String, leaseSeconds: Double, channel: String) async throws {
        let hub = monitoring
        guard case .postgres(let url) = qorgauConfig.database else {
            await hub.join(.single, notify: nil)
            return
        }
        let line = ClusterChannel(app: self, url: url, channel: channel)
        let leases = InstanceLeases(app: self, address: address, seconds: leaseSeconds)
        storage[InstanceLeasesKey.self] = leases
        let db = self.db, logger = self.logger
        try await line.start(receive: { message in
            if message.kind == .members, message.origin != hub.instanceID {
                do { try await leases.renew() } catch { logger.warning("monitoring: the leases could not be read (\(String(describing: type(of: error)))))") }
            } else {
                await hub.receive(message, db: db)
            }
        }, reconnected: { try? await hub.reload(db: db) })
        lifecycle.use(line)
        await hub.join(.single, notify: { message in await line.send(message) })
        try await leases.start(telling: { message in await line.send(message) })
        lifecycle.use(leases)
    }

    /// This instance's lease, when it shares the database with others.
    var instanceLeases: InstanceLeases? { storage[InstanceLeasesKey.self] }
}

extension Application {
    /// The monitoring follows every change to a case's orders, devices, persons, unit or status,
    /// wherever it was made: the engine enforces a new order, watches a new device, and routes the
    /// case's alerts to the unit it now belongs to.
    func followChangesInMonitoring() async {
        let hub = monitoring, db = self.db, logger = self.logger
        let watchedKinds: Set<CaseChange.Kind> = [.header, .orders, .records, .persons]
        await caseChanges.listen { changes, local, _ in
            for change in changes where !change.kinds.isDisjoint(with: watchedKinds) {
                do { try await hub.refresh(change.caseID, db: db, tellOthers: local) } catch {
                    logger.error("monitoring: a changed case could not be refreshed: \(String(describing: type(of: error)))")
                }
            }
        }
    }
}
