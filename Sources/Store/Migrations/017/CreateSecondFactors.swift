import Fluent

/// Second factors (TOTP), their recovery codes, sign-ins awaiting a code, and on each user since
/// when they have one.
struct CreateSecondFactors: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("second_factors")
            .field("user_id", .string, .identifier(auto: false))
            .field("sealed_secret", .string, .required)
            .field("confirmed_at_ms", .int64)
            .field("last_step", .int64, .required)
            .field("failures", .int, .required, .sql(.default(0)))
            .field("locked_until_ms", .int64)
            .field("created_at_ms", .int64, .required)
            .create()
        try await database.schema("recovery_codes")
            .field("code_hash", .string, .identifier(auto: false))
            .field("user_id", .string, .required)
            .field("used_at_ms", .int64)
            .create()
        try await database.schema("sign_in_challenges")
            .field("secret_hash", .string, .identifier(auto: false))
            .field("user_id", .uuid, .required)
            .field("created_at_ms", .int64, .required)
            .field("failures", .int, .required)
            .create()
        try await database.schema("users").field("second_factor_at_ms", .int64).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("second_factor_at_ms").update()
        try await database.schema("sign_in_challenges").delete()
        try await database.schema("recovery_codes").delete()
        try await database.schema("second_factors").delete()
    }
}
