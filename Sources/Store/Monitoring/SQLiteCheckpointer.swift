import Dispatch
import Foundation
import NIOConcurrencyHelpers
import VaporCSQLite

/// Copies the write-ahead log back into the database file on a connection and thread of its own,
/// so the track's writer does not do it inside a commit.
///
/// SQLite's automatic checkpoint runs in the commit that takes the log past 1,000 pages; with the
/// track's random index pages that is every few dozen groups, and it writes and syncs several
/// hundred scattered pages (3-8 ms here), which the group and every ping queued behind it wait
/// for. Here the writer's commit only asks for a checkpoint (`sqlite3_wal_hook`), and a passive one
/// runs beside the next commits: it copies what is committed without taking the writer's lock, and
/// the log starts again from the beginning at the first commit that finds it all copied (measured:
/// commits over 4 ms in a 20,000 pings/s phase went from 51-56 to 2-6). Should the
/// checkpointer fall far behind (the writer never idle), the writer checkpoints itself as SQLite
/// would.
final class SQLiteCheckpointer: @unchecked Sendable {
    /// Log pages after which a checkpoint is asked for (SQLite's automatic one is at 1,000).
    static let askAt: Int32 = 1_000
    /// Log pages after which the writer checkpoints in its own commit.
    static let writerTakesOverAt: Int32 = 20_000

    private let queue = DispatchQueue(label: "qorgau.track-checkpointer")
    /// Touched on `queue` only.
    private var handle: OpaquePointer?
    /// A checkpoint is queued and has not started.
    private let asked = NIOLockedValueBox(false)
    private let completed = NIOLockedValueBox(0)

    /// Checkpoints that copied pages back, so far.
    var checkpointsCompleted: Int { completed.withLockedValue { $0 } }

    init(path: String) throws {
        try queue.sync {
            let handle = try SQLiteTrackWriter.open(path)
            self.handle = handle
            // a first read opens the log; until then a checkpoint on this connection does nothing
            guard sqlite_nio_sqlite3_exec(handle, "SELECT count(*) FROM sqlite_master", nil, nil, nil) == SQLITE_OK else {
                throw SQLiteTrackWriterError(message: "the checkpointer cannot read: " + String(cString: sqlite_nio_sqlite3_errmsg(handle)))
            }
        }
    }

    /// Installs the hook on the writer's connection (on the writer's thread).
    func attach(to writer: OpaquePointer) {
        sqlite_nio_sqlite3_wal_hook(writer, { context, db, _, pages in
            guard let context else { return SQLITE_OK }
            if pages >= SQLiteCheckpointer.writerTakesOverAt {
                // PASSIVE never waits; a failure leaves the log to the next try
                _ = sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            } else if pages >= SQLiteCheckpointer.askAt {
                Unmanaged<SQLiteCheckpointer>.fromOpaque(context).takeUnretainedValue().ask()
            }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// A checkpoint soon; asks made while one is due are one ask.
    private func ask() {
        guard asked.withLockedValue({ wasAsked in defer { wasAsked = true }; return !wasAsked }) else { return }
        queue.async {
            self.asked.withLockedValue { $0 = false } // what is committed from now on needs another
            guard let handle = self.handle else { return }
            var copied: Int32 = -1
            if sqlite_nio_sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, &copied) == SQLITE_OK, copied > 0 {
                self.completed.withLockedValue { $0 += 1 }
            }
        }
    }

    /// Closes the connection (once the writer's hook is gone).
    func close() {
        queue.sync {
            sqlite_nio_sqlite3_close(handle)
            handle = nil
        }
    }

    deinit { sqlite_nio_sqlite3_close(handle) }
}
