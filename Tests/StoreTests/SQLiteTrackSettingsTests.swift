import Foundation
import NIOPosix
@testable import Store
import SQLiteKit
import Testing

/// The track's SQLite settings are applied to a connection the first time it stores pings, and
/// only then: after that a transaction storing pings asks nothing more of SQLite than the rows.
@Suite struct SQLiteTrackSettingsTests {
    static func value(_ pragma: String, on connection: SQLiteConnection) async throws -> Int? {
        try await connection.query("PRAGMA \(pragma)").first?.column(pragma)?.integer
    }

    @Test func appliedOncePerConnection() async throws {
        let first = try await SQLiteConnection.open(storage: .memory, threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton.any())
        let second = try await SQLiteConnection.open(storage: .memory, threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton.any())
        #expect(try await Self.value("cache_size", on: first) != -65536)

        await SQLiteTrackSettings.apply(to: first)
        #expect(try await Self.value("cache_size", on: first) == -65536)
        #expect(try await Self.value("temp_store", on: first) == 2) // MEMORY

        // set otherwise behind its back: a connection already seen is not asked again
        _ = try await first.query("PRAGMA cache_size = -2000")
        await SQLiteTrackSettings.apply(to: first)
        #expect(try await Self.value("cache_size", on: first) == -2000)

        // another connection is
        await SQLiteTrackSettings.apply(to: second)
        #expect(try await Self.value("cache_size", on: second) == -65536)
        try await first.close()
        try await second.close()
    }
}
