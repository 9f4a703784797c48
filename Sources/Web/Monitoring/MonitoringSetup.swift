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
        lifecycle.use(MonitoringSweepStopper(task: task))
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

/// Stops the sweep when the application shuts down.
struct MonitoringSweepStopper: LifecycleHandler {
    let task: Task<Void, Never>
    func shutdown(_ application: Application) { task.cancel() }
}

/// Refreshes the live engine after anything that changes a case's orders or devices.
extension Request {
    func refreshMonitoring(_ caseID: UUID) async throws {
        try await application.monitoring.refresh(caseID, db: db)
    }
}
