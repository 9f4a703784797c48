import Domain
import Fluent
import Foundation
import Logging
import Store

/// Follows the audit log from where this instance started and tells its listeners what changed
/// in which case: at once after a request of this instance that changed a case (before it is
/// answered), and every `QORGAU_CHANGE_POLL_MS` for what other instances or the command line
/// wrote. The audit log's order is its commit order (appends are serialised on its head row), so
/// nothing committed is passed over.
package actor CaseChangeFollower {
    /// `local`: the change was made by this instance (and so is for it to tell the others);
    /// `upTo`: the audit record the changes were read up to.
    package typealias Listener = @Sendable (_ changes: [CaseChange], _ local: Bool, _ upTo: Int64) async -> Void

    private var cursor: Int64?
    private var listeners: [Listener] = []
    private let logger: Logger

    package init(logger: Logger) { self.logger = logger }

    package func listen(_ listener: @escaping Listener) { listeners.append(listener) }

    /// Starts following from the log's head, if not already following: what was written before
    /// is already in what the listeners read at their start. Returns where it follows from.
    @discardableResult
    package func prime(db: any Database) async -> Int64? {
        guard cursor == nil else { return cursor }
        do { cursor = try await AuditStore(db: db).head().seq } catch {
            logger.debug("changes: the audit log cannot be read yet (\(String(describing: type(of: error))))")
        }
        return cursor
    }

    /// Reads what was written since the last read and tells the listeners, returning once a read
    /// that began after the call has ended. One read at a time; the callers that arrive during a
    /// read share the next one, so many requests answered at once cost one read, not a queue.
    package func catchUp(db: any Database, local: Bool) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            waiting.append(done)
            waitingLocal = waitingLocal || local
            if !reading {
                reading = true
                Task { await self.drain(db: db) }
            }
        }
    }

    private var reading = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var waitingLocal = false

    private func drain(db: any Database) async {
        while !waiting.isEmpty {
            let batch = waiting, local = waitingLocal
            waiting = []
            waitingLocal = false
            await read(db: db, local: local)
            for done in batch { done.resume() }
        }
        reading = false
    }

    private func read(db: any Database, local: Bool) async {
        if cursor == nil { await prime(db: db); return }
        guard var from = cursor else { return }
        do {
            var all = false
            while !all {
                let read = try await AuditStore(db: db).changes(after: from)
                (from, all) = (read.last, read.all)
                cursor = from
                if !read.changes.isEmpty { for listener in listeners { await listener(read.changes, local, from) } }
            }
        } catch {
            logger.warning("changes: the audit log could not be read: \(String(describing: type(of: error)))")
        }
    }
}
