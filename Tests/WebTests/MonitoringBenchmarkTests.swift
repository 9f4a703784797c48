import Benchmarks
import Foundation
import Testing
@testable import Web

/// `qorgau bench monitoring` on a small world: the API raises exactly the engine's alerts, and the
/// history stored before the phases lands in the track without changing any alert.
@Suite struct MonitoringBenchmarkTests {
    @Test func aSmallWorldThroughTheAPIRaisesTheEnginesAlertsOverAHistory() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qorgau-bench-test-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var bench = MonitoringBenchmark(database: .sqliteFile(folder.appendingPathComponent("bench.sqlite").path),
                                        cases: 40, pings: 20_000, batch: 200, clients: 2, loads: [2_000], pacedSeconds: 1)
        bench.history = 5_000
        let result = try await bench.run()
        #expect(result.engineAlerts > 0)
        #expect(result.sameAlerts)
        #expect(result.apiAlerts == result.engineAlerts)
        #expect(result.phases.map(\.transport) == ["socket", "socket", "post"])
        #expect(result.trackRows == 5_000 + result.pings, "every ping of the stream stored, after the history")
    }
}
