import Domain
import Foundation
import Vapor

/// Bearer tokens found alive, by their secret; case units (`.some(nil)`: a case without a unit).
struct TokenCacheKey: StorageKey { typealias Value = ExpiringCache<String, SignedIn> }
struct CaseUnitCacheKey: StorageKey { typealias Value = ExpiringCache<UUID, String?> }

extension Application {
    /// Set up in `configure`, before any request.
    var tokenCache: ExpiringCache<String, SignedIn> { storage[TokenCacheKey.self]! }
    var caseUnitCache: ExpiringCache<UUID, String?> { storage[CaseUnitCacheKey.self]! }

    func setUpAccessCaches() {
        storage[TokenCacheKey.self] = ExpiringCache(capacity: 10_000)
        storage[CaseUnitCacheKey.self] = ExpiringCache(capacity: 50_000)
        storage[RefusalAuditKey.self] = RefusalAudit()
    }
}

extension Application {
    /// A case moved to another unit, or a grant given or withdrawn, wherever it was done, takes
    /// effect on this instance as soon as the change is read, not when the cache runs out.
    func followChangesInAccessCaches() async {
        let units = caseUnitCache, tokens = tokenCache
        await caseChanges.listen { changes, _, _ in
            for change in changes where change.kinds.contains(.header) { units.forget(change.caseID) }
            if changes.contains(where: { $0.kinds.contains(.access) }) { tokens.clear() }
        }
    }
}

extension Request {
    /// Forgets every cached token: after anything that changes who may do what.
    func forgetCachedTokens() { application.tokenCache.clear() }
}
