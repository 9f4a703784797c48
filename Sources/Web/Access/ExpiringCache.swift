import Foundation

/// What this instance learnt from the database, trusted for `lifetime` milliseconds: live tokens
/// and case units, so that a busy client does not cost a read per request. Whatever changes who
/// may do what clears this instance's entries at once; another instance notices within `lifetime`.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    let lifetime: Int64
    let capacity: Int
    private let lock = NSLock()
    private var entries: [Key: (value: Value, until: Int64)] = [:]

    init(lifetime: Int64 = 5_000, capacity: Int) { self.lifetime = lifetime; self.capacity = capacity }

    func get(_ key: Key, now: Int64) -> Value? {
        lock.withLock {
            guard let entry = entries[key] else { return nil }
            if entry.until <= now { entries[key] = nil; return nil }
            return entry.value
        }
    }

    /// Remembers a value until `lifetime` from now, or `notAfter` if sooner (a token's expiry).
    func put(_ key: Key, _ value: Value, now: Int64, notAfter: Int64 = .max) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (value, min(now + lifetime, notAfter))
        }
    }

    func forget(_ key: Key) { lock.withLock { entries[key] = nil } }
    func clear() { lock.withLock { entries.removeAll() } }
}
