import Cases
import Fluent
import Foundation
import Store
import Vapor

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
