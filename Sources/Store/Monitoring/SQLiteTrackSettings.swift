import Foundation
import SQLiteKit
import NIOConcurrencyHelpers

/// The settings of a connection that writes many rows in one transaction (the track, an import),
/// applied once per connection: for speed only, so a refused one does not stop a write.
///
/// The pool gives no hook at connecting, so they are applied by the first such transaction on a
/// connection, and the connection is remembered (weakly: a new connection at the address
/// of a closed one is a new connection).
enum SQLiteTrackSettings {
    /// The multi-row insert's statement journal in memory rather than in a temporary file, and a
    /// page cache of 64 MiB rather than 2, so the track's indexes stay in memory instead of being
    /// read back and spilled to the log in the middle of a transaction.
    static let pragmas = ["PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -65536"]

    private final class Seen: @unchecked Sendable { weak var connection: SQLiteConnection? }
    private static let configured = NIOLockedValueBox<[ObjectIdentifier: Seen]>([:])

    static func apply(to connection: SQLiteConnection) async {
        let key = ObjectIdentifier(connection)
        let isNew = configured.withLockedValue { seen in
            if seen[key]?.connection === connection { return false }
            seen = seen.filter { $0.value.connection != nil } // forget closed connections
            let entry = Seen()
            entry.connection = connection
            seen[key] = entry
            return true
        }
        guard isNew else { return }
        for pragma in pragmas { try? await connection.query(pragma, []) { _ in } }
    }
}
