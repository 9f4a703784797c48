import Foundation
import Store
import Vapor

/// This instance's lease among those sharing one PostgreSQL. It is renewed every fifth of a lease
/// (a heartbeat); each renewal reads whose leases hold and hands the members to the monitoring,
/// which takes the cases of an instance that stopped renewing, and gives up those of one that
/// joined. Instances announce joining and leaving on the cluster line, so the others read the
/// leases at once instead of at their next heartbeat.
final class InstanceLeases: @unchecked Sendable, LifecycleHandler {
    let me: MonitoringCluster.Member
    private let seconds: Double
    private let app: Application
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var tell: (@Sendable (ClusterMessage) async -> Void)?
    private var halted = false
    private var members: [MonitoringCluster.Member] = []

    init(app: Application, address: String, seconds: Double) {
        self.app = app
        self.me = .init(id: app.monitoring.instanceID.uuidString.lowercased(), address: address)
        self.seconds = seconds
    }

    /// Takes the lease and keeps renewing it; returns once the first renewal has placed the cases.
    func start(telling tell: @escaping @Sendable (ClusterMessage) async -> Void) async throws {
        lock.withLock { self.tell = tell }
        try await renew()
        await tell(ClusterMessage(origin: app.monitoring.instanceID, kind: .members))
        let heartbeat = seconds / 5, logger = app.logger
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(heartbeat))
                do { try await self?.renew() } catch {
                    // the lease runs out on its own: the others take the cases
                    logger.warning("monitoring: the instance's lease could not be renewed (\(String(describing: type(of: error))))")
                }
            }
        }
        lock.withLock { self.task = task }
    }

    /// Renews the lease and hands the members whose leases hold to the monitoring.
    func renew() async throws {
        guard !lock.withLock({ halted }) else { return }
        let sent = ContinuousClock.now // the database stamps the lease at or after this
        let leases = try await InstanceLeaseStore(db: app.db).renew(id: me.id, address: me.address, seconds: seconds)
        let members = leases.map { MonitoringCluster.Member(id: $0.id, address: $0.address) }
        let cluster = MonitoringCluster(members: members, selfID: me.id)
        try await app.monitoring.renewLease(cluster, heldUntil: sent + .seconds(seconds), db: app.db)
        let owned = await app.monitoring.ownedCaseCount
        OperationsMetrics.recordCluster(instances: cluster.count, owned: owned)
        let changed = lock.withLock { defer { self.members = cluster.members }; return self.members != cluster.members }
        if changed {
            app.logger.notice("monitoring: \(cluster.count) instance(s) hold leases (\(cluster.members.map(\.address).joined(separator: ", "))); this one watches \(owned) case(s)")
        }
    }

    /// Stops renewing without giving the lease up, as a crash would (for tests).
    func halt() async {
        lock.withLock { halted = true; return task }?.cancel()
        await app.monitoring.loseLease()
    }

    /// At shutdown the lease is given up and the others told, so they take the cases at once.
    func shutdownAsync(_ application: Application) async {
        await halt()
        do {
            try await InstanceLeaseStore(db: application.db).release(id: me.id)
            if let tell = lock.withLock({ self.tell }) { await tell(ClusterMessage(origin: app.monitoring.instanceID, kind: .members)) }
        } catch {
            application.logger.warning("monitoring: the instance's lease could not be given up; it runs out in \(seconds) s")
        }
    }
}

struct InstanceLeasesKey: StorageKey { typealias Value = InstanceLeases }
