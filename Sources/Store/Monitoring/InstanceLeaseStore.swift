import Fluent
import Foundation
import SQLKit

/// The instances' leases on PostgreSQL, stamped by the database's clock so that instances whose
/// clocks differ still agree on whose lease has run out.
public struct InstanceLeaseStore: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Lease: Sendable, Decodable, Equatable {
        public var id: String
        public var address: String
    }

    /// Renews this instance's lease (taking it the first time) and returns every lease renewed
    /// within `seconds`, this one included; leases run out an hour ago are cleared away.
    public func renew(id: String, address: String, seconds: Double) async throws -> [Lease] {
        let sql = try sqlDatabase
        try await sql.raw("""
            INSERT INTO instance_leases (id, address, started_at, renewed_at) VALUES (\(bind: id), \(bind: address), now(), now())
            ON CONFLICT (id) DO UPDATE SET renewed_at = now(), address = excluded.address
            """).run()
        try await sql.raw("DELETE FROM instance_leases WHERE renewed_at < now() - interval '1 hour'").run()
        return try await sql.raw("""
            SELECT id, address FROM instance_leases WHERE renewed_at > now() - make_interval(secs => \(bind: seconds))
            ORDER BY id
            """).all(decoding: Lease.self)
    }

    /// Gives the lease up at once (an instance stopping): its cases go to the others now.
    public func release(id: String) async throws {
        try await sqlDatabase.raw("DELETE FROM instance_leases WHERE id = \(bind: id)").run()
    }

    private var sqlDatabase: any SQLDatabase {
        get throws {
            guard let sql = db as? any SQLDatabase else { throw ConfigurationError("instance leases need PostgreSQL") }
            return sql
        }
    }
}
