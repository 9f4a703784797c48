import Fluent
import SQLKit

/// On SQLite, the track's journal: every ping as it arrives, appended in order of arrival, before
/// the track's writer moves it into `pings` with the rest of its device's run (`JournalTails`).
/// Its columns are the track's but the id (given when a ping moves into the track), declared alike
/// so SQLite stores each value as the track would;
/// `seq` is the row's number (SQLite's rowid, kept by VACUUM; never used again once its row is
/// deleted, so a number names one row while the writer runs). PostgreSQL writes the track
/// directly and has no journal.
struct CreatePingJournal: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        // the track's columns as the track declares them (name, type and NOT NULL), without its key
        let columns = try await sql.raw("SELECT name, type, \"notnull\" FROM pragma_table_info('pings') WHERE name <> 'id' ORDER BY cid").all().map {
            try $0.decode(column: "name", as: String.self) + " " + $0.decode(column: "type", as: String.self)
                + (try $0.decode(column: "notnull", as: Int.self) == 1 ? " NOT NULL" : "")
        }
        try await sql.raw("CREATE TABLE IF NOT EXISTS ping_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, \(unsafeRaw: columns.joined(separator: ", ")))").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("DROP TABLE IF EXISTS ping_journal").run()
    }
}
