import Domain
import Fluent
import Foundation
import Store
import Vapor

/// Follows the audit log from where this instance started and tells its listeners what changed
/// in which case: at once after a request of this instance that changed a case (before it is
/// answered), and every `QORGAU_CHANGE_POLL_MS` for what other instances or the command line
/// wrote. The audit log's order is its commit order (appends are serialised on its head row), so
/// nothing committed is passed over.
actor CaseChangeFollower {
    /// `local`: the change was made by this instance (and so is for it to tell the others);
    /// `upTo`: the audit record the changes were read up to.
    typealias Listener = @Sendable (_ changes: [CaseChange], _ local: Bool, _ upTo: Int64) async -> Void

    private var cursor: Int64?
    private var listeners: [Listener] = []
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func listen(_ listener: @escaping Listener) { listeners.append(listener) }

    /// Starts following from the log's head, if not already following: what was written before
    /// is already in what the listeners read at their start. Returns where it follows from.
    @discardableResult
    func prime(db: any Database) async -> Int64? {
        guard cursor == nil else { return cursor }
        do { cursor = try await AuditStore(db: db).head().seq } catch {
            logger.debug("changes: the audit log cannot be read yet (\(String(describing: type(of: error))))")
        }
        return cursor
    }

    /// Reads what was written since the last read and tells the listeners, returning once a read
    /// that began after the call has ended. One read at a time; the callers that arrive during a
    /// read share the next one, so many requests answered at once cost one read, not a queue.
    func catchUp(db: any Database, local: Bool) async {
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

struct CaseChangeFollowerKey: StorageKey { typealias Value = CaseChangeFollower }

extension Application {
    /// This instance's follower of case changes, made in `configure`.
    var caseChanges: CaseChangeFollower { storage[CaseChangeFollowerKey.self]! }

    /// Reads the log for changes every `interval` seconds until shutdown: other instances' and the
    /// command line's writes reach this instance's listeners within that.
    func followChanges(every interval: Double) async {
        let follower = caseChanges, db = self.db
        await follower.prime(db: db)
        // what was written while no server followed (a whole index after an upgrade: minutes at
        // 100,000 cases), in the background: the server and its monitoring start at once
        catchUpProjections()
        guard interval > 0 else { return }
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                await follower.catchUp(db: db, local: false)
            }
        }
        lifecycle.use(TaskStopper(task: task))
    }
}

/// Cancels a background task when the application shuts down.
struct TaskStopper: LifecycleHandler {
    let task: Task<Void, Never>
    func shutdown(_ application: Application) { task.cancel() }
}

extension Route {
    /// Marks a route of many small writes whose changes no listener needs before the answer
    /// (pings, new incidents): they reach the listeners with the next poll, within
    /// `QORGAU_CHANGE_POLL_MS`, and the answers do not wait for the log to be read (measured: a
    /// read after every incident cost the API a fifth of its incidents per second).
    @discardableResult
    func followsChangesLater() -> Route {
        userInfo[CaseChangeMiddleware.quietKey] = true
        return self
    }
}

/// Lets a request's changes reach the listeners before it is answered: a new order is enforced
/// by the time its 201 arrives, a case moved to another unit has its alerts routed there. Every
/// request that may write (not GET or HEAD) reads the log after it is handled, whether it
/// succeeded or not: one indexed read of the few records written since.
struct CaseChangeMiddleware: AsyncMiddleware {
    static let quietKey = "qorgau.followsChangesLater"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD].contains(request.method), request.route?.userInfo[Self.quietKey] as? Bool != true else {
            return try await next.respond(to: request)
        }
        let follower = request.application.caseChanges
        await follower.prime(db: request.db) // from before this request's write, should it be the first
        do {
            let response = try await next.respond(to: request)
            await follower.catchUp(db: request.db, local: true)
            return response
        } catch {
            await follower.catchUp(db: request.db, local: true)
            throw error
        }
    }
}
