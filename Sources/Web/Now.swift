import Foundation

/// Now, in milliseconds since 1970 (the stores' time).
package func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
