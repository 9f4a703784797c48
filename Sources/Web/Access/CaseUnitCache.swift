import Foundation
import Vapor

/// The units of cases recently checked, for a few seconds, so that the scope check of a busy
/// case does not cost a database read per request. A case's unit changes only when it is
/// transferred: this instance forgets it at once, another within `lifetime`.
final class CaseUnitCache: @unchecked Sendable {
    static let lifetime: Int64 = 5_000
    static let capacity = 50_000

    private let lock = NSLock()
    private var entries: [UUID: (unit: String?, until: Int64)] = [:]

    /// `.some(unit)` when known, nil when it must be read.
    func get(_ caseID: UUID, now: Int64) -> String?? {
        lock.withLock {
            guard let entry = entries[caseID], entry.until > now else { return nil }
            return .some(entry.unit)
        }
    }

    func put(_ caseID: UUID, unit: String?, now: Int64) {
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[caseID] = (unit, now + Self.lifetime)
        }
    }

    func forget(_ caseID: UUID) { lock.withLock { entries[caseID] = nil } }
}

struct CaseUnitCacheKey: StorageKey { typealias Value = CaseUnitCache }

extension Application {
    var caseUnitCache: CaseUnitCache {
        if let cache = storage[CaseUnitCacheKey.self] { return cache }
        let cache = CaseUnitCache()
        storage[CaseUnitCacheKey.self] = cache
        return cache
    }
}
