import Fluent
import Foundation
import SQLKit

/// The units (police departments, courts, the Fund's offices) as a list with names in each
/// language and a region, instead of free strings. A unit's code is the string users and cases
/// already carry, so every existing unit is entered here under its own code.
struct CreateUnits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("units")
            .field("code", .string, .identifier(auto: false))
            .field("name_ru", .string, .required)
            .field("name_kk", .string, .required)
            .field("name_en", .string, .required)
            .field("region", .string)
            .field("created_at_ms", .int64, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await sql.raw("""
            INSERT INTO units (code, name_ru, name_kk, name_en, created_at_ms)
            SELECT unit, unit, unit, unit, \(bind: now) FROM (SELECT unit FROM users WHERE unit IS NOT NULL UNION SELECT unit FROM cases WHERE unit IS NOT NULL) AS known
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("units").delete()
    }
}
