import Cases
import Fluent
import Foundation
import Law
import NIOConcurrencyHelpers
import Store
import Vapor

/// `qorgau audit verify` run in the background for the auditor's page: the chain, the audited
/// rows, the evidence files and the projections, its report kept in `audit_verifications`. The
/// server waits for a run in progress before it stops, so the database is not closed under it.
final class AuditVerificationJobs: LifecycleHandler, @unchecked Sendable {
    private let lock = NIOLock()
    private var running: [UUID: Task<Void, Never>] = [:]

    /// Starts a run recorded as `id`, on the database and evidence of `app` as they are now.
    func start(_ id: UUID, app: Application) {
        let db = app.db, blobs = app.blobs, packs = app.packs, logger = app.logger
        lock.withLock {
            running[id] = Task { [weak self] in
                let store = AuditVerificationStore(db: db)
                do {
                    let projections = Projections(db: db, packs: packs)
                    let report = try await AuditVerifier(db: db, blobs: blobs, projections: [
                        ("worklists", { try await projections.worklistDisagreements(on: packs.reportingDay()) }),
                    ]).verify()
                    try await store.finish(id, report: report, now: nowMilliseconds())
                    logger.notice("audit verification finished", metadata: ["intact": "\(report.intact)", "problems": "\(report.problems.count)"])
                } catch {
                    logger.error("audit verification failed: \(error)")
                    try? await store.fail(id, because: String(describing: error), now: nowMilliseconds())
                }
                self?.lock.withLock { self?.running[id] = nil }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        for task in lock.withLock({ Array(running.values) }) { await task.value }
    }
}

struct AuditVerificationJobsKey: StorageKey { typealias Value = AuditVerificationJobs }

extension Application {
    var auditVerifications: AuditVerificationJobs { storage[AuditVerificationJobsKey.self]! }
}
