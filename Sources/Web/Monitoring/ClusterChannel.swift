import Cases
import FluentPostgresDriver
import Foundation
import PostgresNIO
import Vapor

/// The instances' line to each other: PostgreSQL LISTEN on a connection of its own, NOTIFY through
/// the database. Alerts raised on one instance reach the officers subscribed on every other; a
/// case changed on one is rebuilt on the instance that watches it. A lost connection is opened
/// again after a second, and then `reconnected` runs: whatever was said while it was down is lost,
/// so the caller rebuilds what it keeps from the database.
final class ClusterChannel: @unchecked Sendable, LifecycleHandler {
    private let url: String
    private let channel: String
    private let app: Application
    /// Taken at the start: a message sent while the application shuts down must not ask it again.
    private let db: any Database
    private let logger: Logger
    private let lock = NSLock()
    private var connection: PostgresConnection?
    private var task: Task<Void, Never>?

    init(app: Application, url: String, channel: String) {
        self.app = app; self.url = url; self.channel = channel
        self.db = app.db; self.logger = app.logger
    }

    /// Starts listening; returns once the first LISTEN is in place, so nothing sent after is missed.
    func start(receive: @escaping @Sendable (ClusterMessage) async -> Void,
               reconnected: @escaping @Sendable () async -> Void) async throws {
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        let logger = app.logger, eventLoop = app.eventLoopGroup.any(), channel = self.channel
        task = Task { [weak self] in
            var first = true
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 0, logger: logger).get()
                    self?.lock.withLock { self?.connection = connection }
                    try await connection.listen(on: channel) { notifications in
                        if first { first = false; readyContinuation.finish() } else { await reconnected() }
                        let decoder = JSONDecoder()
                        for try await notification in notifications {
                            guard let message = (try? decoder.decode(ClusterWire.self, from: Data(notification.payload.utf8)))?.message else { continue }
                            await receive(message)
                        }
                    }
                    try? await connection.close()
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("monitoring: the channel to the other instances was lost (\(String(describing: type(of: error)))); reconnecting")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            readyContinuation.finish()
        }
        for await _ in ready {}
    }

    /// Sends a message to every instance (this one ignores its own).
    func send(_ message: ClusterMessage) async {
        do {
            let payload = String(decoding: try JSONEncoder().encode(ClusterWire(message)), as: UTF8.self)
            guard let sql = db as? any SQLDatabase else { return }
            try await sql.raw("SELECT pg_notify(\(bind: channel), \(bind: payload))").run()
        } catch {
            logger.warning("monitoring: could not tell the other instances (\(String(describing: type(of: error))))")
        }
    }

    func shutdownAsync(_ application: Application) async {
        task?.cancel()
        let connection = lock.withLock { self.connection }
        try? await connection?.close()
    }
}
