import Domain
import Foundation
import Monitoring
import Testing
@testable import Web

/// The fast way of reading a batch (JSONDecoder) takes exactly what the field reader takes.
@Suite struct PingBatchTests {
    /// A ping as JSON with, now and then, one thing wrong or odd about it.
    static func ping(_ n: Int, _ g: inout SeededGenerator) -> [String: Any] {
        var ping: [String: Any] = ["device": "d\(n % 7)", "at": "2025-10-25T10:\(String(format: "%02d", n % 60)):00+05:00",
                                   "lat": Double.random(in: -90...90, using: &g), "lon": Double.random(in: -180...180, using: &g),
                                   "accuracy": Double(Int.random(in: 0...50, using: &g))]
        switch Int.random(in: 0..<40, using: &g) {
        case 0: ping["lat"] = 91.5
        case 1: ping["lon"] = "76.9"
        case 2: ping["accuracy"] = NSNull()
        case 3: ping["at"] = "yesterday"
        case 4: ping["device"] = "  "
        case 5: ping["event"] = "strapTamper"
        case 6: ping["event"] = "fell off"
        case 7: ping.removeValue(forKey: "lat")
        case 8: ping["device"] = 42
        case 9: ping["event"] = NSNull()
        case 10: ping.removeValue(forKey: "accuracy")
        case 11: ping["lat"] = 43 // an integer
        case 12: ping["extra"] = ["ignored": true]
        default: break
        }
        return ping
    }

    @Test func theFastWayTakesWhatTheFieldReaderTakes() throws {
        var g = SeededGenerator(seed: 7)
        var fast = 0
        for size in [1, 2, 3, 5, 8] {
            for round in 0..<200 {
                let pings = (0..<size).map { Self.ping(round * size + $0, &g) }
                let data = try JSONSerialization.data(withJSONObject: ["pings": pings])
                let slow = try PingBatch.read(JSONNode(JSONDocument.parse(data), log: ProblemLog()))
                let read = try PingBatch.read(data)
                #expect(read.map(\.description) == slow.map(\.description))
                if let decoded = PingBatch.decoded(data) {
                    fast += 1
                    #expect(slow.allSatisfy { if case .success = $0 { true } else { false } }, "\(pings)")
                    #expect(decoded == slow.compactMap { try? $0.get() })
                }
            }
        }
        #expect(fast > 300, "most batches are read the fast way (\(fast))")
    }
}

extension Result where Success == Ping, Failure == PingRefusal {
    var description: String {
        switch self {
        case .success(let ping): "ok \(ping)"
        case .failure(let refusal): "refused \(refusal.device): \(refusal.reason)"
        }
    }
}
