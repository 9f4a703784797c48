import Foundation
import Store
import Vapor

/// Bearer tokens recently seen alive, for a few seconds, so that a busy client does not cost a
/// database read per request. Revoking a token, disabling a user, changing a password or a grant
/// clears this instance's cache at once; another instance notices within `lifetime`.
final class TokenCache: @unchecked Sendable {
    /// How long a token once found alive is trusted without asking the database again.
    static let lifetime: Int64 = 5_000
    static let capacity = 10_000

    private let lock = NSLock()
    private var entries: [String: (signedIn: SignedIn, until: Int64)] = [:]

    func get(_ secret: String, now: Int64) -> SignedIn? {
        lock.withLock {
            guard let entry = entries[secret] else { return nil }
            if entry.until <= now { entries[secret] = nil; return nil }
            return entry.signedIn
        }
    }

    func put(_ secret: String, _ signedIn: SignedIn, now: Int64, expiresAt: Int64) {
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[secret] = (signedIn, min(now + Self.lifetime, expiresAt))
        }
    }

    func clear() { lock.withLock { entries.removeAll() } }
}

struct TokenCacheKey: StorageKey { typealias Value = TokenCache }

extension Application {
    var tokenCache: TokenCache {
        if let cache = storage[TokenCacheKey.self] { return cache }
        let cache = TokenCache()
        storage[TokenCacheKey.self] = cache
        return cache
    }
}

extension Request {
    /// Forgets every cached token: after anything that changes who may do what.
    func forgetCachedTokens() { application.tokenCache.clear() }
}
