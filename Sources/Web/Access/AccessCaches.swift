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

extension Request {
    /// Forgets every cached token: after anything that changes who may do what.
    func forgetCachedTokens() { application.tokenCache.clear() }
}
