import Fluent
import SQLKit

/// On PostgreSQL the track keeps no foreign key to `cases`. PostgreSQL checks a foreign key by
/// locking the case's row (`FOR KEY SHARE`) for every inserted ping: a write to the case's page and
/// a WAL record per ping, which doubled the time to store a group of 400 pings (5.8-7.2 ms without,
/// 11.9-13.4 ms with, 2 million pings and 100,000 cases) and grew the log the commits wait on.
///
/// What the key guarded holds without it: a ping is stored only for a device the monitoring
/// engines route to a case they loaded from `cases`, and cases are never deleted. SQLite checks
/// the key by reading the index alone, without a write, and keeps it (dropping it there would
/// mean copying the whole table).
struct DropTrackCaseReference: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        let names = try await sql.raw("""
            SELECT conname FROM pg_constraint WHERE conrelid = 'pings'::regclass AND confrelid = 'cases'::regclass AND contype = 'f'
            """).all().map { try $0.decode(column: "conname", as: String.self) }
        for name in names { try await sql.raw("ALTER TABLE pings DROP CONSTRAINT \(ident: name)").run() }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("ALTER TABLE pings ADD CONSTRAINT pings_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases (id)").run()
    }
}
