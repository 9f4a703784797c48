import Domain
import Cases
import Fluent
import Foundation
import Store
import Vapor

/// This instance's lease among those sharing one PostgreSQL. It is renewed every fifth of a lease
/// (a heartbeat); each renewal reads whose leases hold and hands the members to the monitoring,
/// which takes the cases of an instance that stopped renewing, and gives up those of one that
/// joined. Instances announce joining and leaving on the cluster line, so the others read the
/// leases at once instead of at their next heartbeat.
///
/// The database, the monitoring and the logger are taken once at the start: a renewal still
/// running while the application shuts down must not ask the application for them again.
final class InstanceLeases: @unchecked Sendable, LifecycleHandler {
    let me: MonitoringCluster.Member
    private let seconds: Double
    private let db: any Database
    private let hub: MonitoringHub
    private let logger: Logger
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var tell: (@Sendable (ClusterMessage) async -> Void)?
    private var halted = false
    private var members: [MonitoringCluster.Member] = []

    init(app: Application, address: String, seconds: Double) {
        self.db = app.db
        self.hub = app.monitoring
        self.logger = app.logger
        self.me = .init(id: hub.instanceID.apiString, address: address)
        self.seconds = seconds
    }

    private var isHalted: Bool { lock.withLock { halted } }

    /// Takes the lease and keeps renewing it; returns once the first renewal has placed the cases.
    func start(telling tell: @escaping @Sendable (ClusterMessage) async -> Void) async throws {
        lock.withLock { self.tell = tell }
        try await renew()
        await tell(ClusterMessage(origin: hub.instanceID, kind: .members))
        let heartbeat = seconds / 5, logger = self.logger
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(heartbeat))
                guard let self, !self.isHalted else { return }
                do { try await self.renew() } catch {
                    // the lease runs out on its own: the others take the cases
                    logger.warning("monitoring: the instance's lease could not be renewed (\(String(describing: type(of: error))))")
                }
            }
        }
        lock.withLock { self.task = task }
    }

    /// Renews the lease and hands the members whose leases hold to the monitoring.
    func renew() async throws {
        guard !isHalted else { return }
        let sent = ContinuousClock.now // the database stamps the lease at or after this
        let leases = try await InstanceLeaseStore(db: db).renew(id: me.id, address: me.address, seconds: seconds)
        guard !isHalted else { return } // stopped while the database answered
        let members = leases.map { MonitoringCluster.Member(id: $0.id, address: $0.address) }
        let cluster = MonitoringCluster(members: members, selfID: me.id)
        try await hub.renewLease(cluster, heldUntil: sent + .seconds(seconds), db: db)
        let changed = lock.withLock { defer { self.members = cluster.members }; return self.members != cluster.members }
        if changed {
            let owned = await hub.ownedCaseCount
            logger.notice("monitoring: \(cluster.count) instance(s) hold leases (\(cluster.members.map(\.address).joined(separator: ", "))); this one watches \(owned) case(s)")
        }
    }

    /// Stops renewing without giving the lease up, as a crash would (for tests); returns once no
    /// renewal is running.
    func halt() async {
        let task = lock.withLock { halted = true; return self.task }
        task?.cancel()
        await task?.value
        await hub.loseLease()
    }

    /// At shutdown the lease is given up and the others told, so they take the cases at once.
    func shutdownAsync(_ application: Application) async {
        await halt()
        do {
            try await InstanceLeaseStore(db: db).release(id: me.id)
            if let tell = lock.withLock({ self.tell }) { await tell(ClusterMessage(origin: hub.instanceID, kind: .members)) }
        } catch {
            logger.warning("monitoring: the instance's lease could not be given up; it runs out in \(seconds) s")
        }
    }
}

struct InstanceLeasesKey: StorageKey { typealias Value = InstanceLeases }
