import Cases
import Foundation
import Store
import Vapor

/// What keeps password guessing slow and cheap for everyone else. A source is a network (an IPv4
/// /24, an IPv6 /64: one client holds a whole /64), as `RefusalAudit.network(of:)` says.
/// - each source may try `perMinute` passwords a minute (sign-in, token, password change), more
///   are answered 429 before any hash is computed;
/// - five wrong passwords from one source for one account shut that source out of that account
///   for 15 minutes, while the account stays open to its owner elsewhere (the stored lock, for
///   all sources together, comes only after `UserStore.lockAfterFailures`);
/// - bcrypt runs on threads of its own, at most `hashers` at once and `queue` waiting, so hashing
///   never takes the threads that answer every other request; beyond that the answer is 503.
final class SignInLimiter: SignInGuard, @unchecked Sendable {
    static let failuresPerSource = 5
    static let sourceLock: Int64 = 15 * 60_000
    var failuresPerSource: Int { Self.failuresPerSource }
    var sourceLockMs: Int64 { Self.sourceLock }

    let perMinute: Int
    let queue: Int
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Int64)] = [:]
    private var failures: [String: (count: Int, lockedUntil: Int64)] = [:]
    private var waiting = 0
    private var swept: Int64 = 0
    private let pool: NIOThreadPool

    init(perMinute: Int, hashers: Int = max(1, System.coreCount / 2), queue: Int = 64) {
        self.perMinute = perMinute
        self.queue = queue
        pool = NIOThreadPool(numberOfThreads: hashers)
        pool.start()
    }

    func shutdown() async { try? await pool.shutdownGracefully() }

    /// Takes one attempt from the source's allowance; false when it has none left.
    func allow(source: String, now: Int64) -> Bool {
        let source = RefusalAudit.network(of: source)
        return lock.withLock {
            sweep(now)
            let capacity = Double(perMinute)
            var bucket = buckets[source] ?? (capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + Double(now - bucket.at) * capacity / 60_000)
            bucket.at = now
            guard bucket.tokens >= 1 else { buckets[source] = bucket; return false }
            bucket.tokens -= 1
            buckets[source] = bucket
            return true
        }
    }

    /// Forgets full buckets and ended locks, at most every 10 seconds (the lock is held: not on
    /// every request however many sources there are).
    private func sweep(_ now: Int64) {
        guard now - swept > 10_000, buckets.count + failures.count > 10_000 else { return }
        swept = now
        buckets = buckets.filter { now - $0.value.at < 60_000 }
        failures = failures.filter { $0.value.lockedUntil > now || $0.value.count > 0 && now - $0.value.lockedUntil < Self.sourceLock }
    }

    /// Whether this source is shut out of this account.
    func isLocked(account: String, source: String, now: Int64) -> Bool {
        let key = account + "\u{1}" + RefusalAudit.network(of: source)
        return lock.withLock { (failures[key]?.lockedUntil ?? 0) > now }
    }

    /// Counts a wrong password; true when it shut the source out of the account.
    @discardableResult
    func fail(account: String, source: String, now: Int64) -> Bool {
        let key = account + "\u{1}" + RefusalAudit.network(of: source)
        return lock.withLock {
            sweep(now)
            var entry = failures[key] ?? (0, 0)
            entry.count += 1
            let locks = entry.count >= Self.failuresPerSource
            if locks { entry = (0, now + Self.sourceLock) }
            failures[key] = entry
            return locks
        }
    }

    func succeed(account: String, source: String) {
        let key = account + "\u{1}" + RefusalAudit.network(of: source)
        _ = lock.withLock { failures.removeValue(forKey: key) }
    }

    /// Runs a bcrypt computation on the hashing threads; 503 when too many already wait.
    func hash<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = lock.withLock { () -> Bool in
            guard waiting < queue else { return false }
            waiting += 1
            return true
        }
        guard admitted else {
            throw Abort(.serviceUnavailable, headers: ["Retry-After": "5"], reason: "too many sign-ins at once: try again in a few seconds")
        }
        defer { lock.withLock { waiting -= 1 } }
        return try await pool.runIfActive(work)
    }
}

struct SignInLimiterKey: StorageKey { typealias Value = SignInLimiter }

extension Request {
    /// The source an attempt is counted against: the peer's address.
    var sourceAddress: String { remoteAddress?.ipAddress ?? "local" }

    /// Takes one password attempt from this source's allowance, or answers 429.
    func spendPasswordAttempt() throws {
        guard let limiter = application.storage[SignInLimiterKey.self] else { return }
        guard limiter.allow(source: sourceAddress, now: nowMilliseconds()) else {
            throw Abort(.tooManyRequests, headers: ["Retry-After": "60"],
                        reason: "too many password attempts from this address: wait a minute")
        }
    }
}
