import Domain
import Foundation
import Store
import Vapor

struct MonitoringHubKey: StorageKey { typealias Value = MonitoringHub }
struct TrackWriterKey: StorageKey { typealias Value = SQLiteTrackWriter }

extension Application {
    /// This instance's live monitoring.
    var monitoring: MonitoringHub {
        if let hub = storage[MonitoringHubKey.self] { return hub }
        let hub = MonitoringHub(trackWriter: storage[TrackWriterKey.self])
        storage[MonitoringHubKey.self] = hub
        return hub
    }

    /// Rebuilds the engines from the database and, unless `sweepSeconds` is 0, sweeps for silent
    /// devices and unacknowledged alerts every `sweepSeconds`.
    func startMonitoring(sweepSeconds: Double, escalateAfter: TimeInterval) async throws {
        let config = qorgauConfig
        try await joinInstances(config.cluster, channel: config.notifyChannel)
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
    /// the others' alerts and changed cases, and owns the cases the cluster assigns it.
    func joinInstances(_ cluster: MonitoringCluster, channel: String) async throws {
        let hub = monitoring
        guard case .postgres(let url) = qorgauConfig.database else {
            await hub.join(cluster, notify: nil)
            return
        }
        let line = ClusterChannel(app: self, url: url, channel: channel)
        let db = self.db
        try await line.start(receive: { message in await hub.receive(message, db: db) },
                             reconnected: { try? await hub.reload(db: db) })
        lifecycle.use(line)
        await hub.join(cluster, notify: { message in await line.send(message) })
    }
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
