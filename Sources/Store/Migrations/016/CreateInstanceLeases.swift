import Fluent

/// The leases of the instances sharing one PostgreSQL: each renews its row every heartbeat, and
/// the cases of one whose row is older than a lease go to the others.
struct CreateInstanceLeases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("instance_leases")
            .field("id", .string, .identifier(auto: false))
            .field("address", .string, .required)
            .field("started_at", .datetime, .required)
            .field("renewed_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("instance_leases").delete()
    }
}
