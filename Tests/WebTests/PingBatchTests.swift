import Domain
import Foundation
import Monitoring
import Testing
@testable import Web

/// The fast way of reading a batch (`PingScanner`) takes exactly what the field reader takes.
@Suite struct PingBatchTests {
    /// A ping as JSON with, now and then, one thing wrong or odd about it.
    static func ping(_ n: Int, _ g: inout SeededGenerator) -> [String: Any] {
        var ping: [String: Any] = ["device": "d\(n % 7)", "at": "2025-10-25T10:\(String(format: "%02d", n % 60)):00+05:00",
                                   "lat": Double.random(in: -90...90, using: &g), "lon": Double.random(in: -180...180, using: &g),
                                   "accuracy": Double(Int.random(in: 0...50, using: &g))]
        switch Int.random(in: 0..<60, using: &g) {
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
        case 13: ping["device"] = "телефон-\(n)"
        case 14: ping["device"] = "gateway/\(n)" // written with an escape, \/
        case 15: ping["device"] = "say \"hi\"\t\(n)"
        case 16: ping["device"] = String(repeating: "ж", count: 200)
        case 17: ping["device"] = String(repeating: "ж", count: 201)
        case 18: ping["lat"] = -0.0
        case 19: ping["lat"] = 1e-5
        case 20: ping["lon"] = 1e-300
        case 21: ping["lat"] = 43.123456789012345
        case 22: ping["accuracy"] = 100_000
        case 23: ping["accuracy"] = 100_000.5
        case 24: ping["at"] = "2025-10-25T10:00:00Z"
        case 25: ping["device"] = ""
        case 26: ping["lat"] = true
        case 27: ping["event"] = "panic" // stored with her press, never taken from a device
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
                let options: JSONSerialization.WritingOptions = round % 3 == 0 ? [.prettyPrinted] : []
                let data = try JSONSerialization.data(withJSONObject: ["pings": pings], options: options)
                let slow = try PingBatch.read(JSONNode(JSONDocument.parse(data), log: ProblemLog()))
                let read = try PingBatch.read(data)
                #expect(read.map(\.description) == slow.map(\.description))
                if let decoded = PingScanner.pings(data) {
                    fast += 1
                    #expect(slow.allSatisfy { if case .success = $0 { true } else { false } }, "\(pings)")
                    #expect(decoded == slow.compactMap { try? $0.get() })
                }
            }
        }
        #expect(fast > 300, "most batches are read the fast way (\(fast))")
    }

    /// Batches written by hand, as no encoder would: each is read the fast way only if the field
    /// reader reads it the same, and the fast way gives up on every doubt.
    @Test(arguments: [
        (#"{"pings":[]}"#, true),
        (#" { "pings" : [ { "device" : "b-1" , "at" : "2025-10-25T10:00:00+05:00" , "lat" : 43.25 , "lon" : 76.95 } ] } "#, true),
        ("{\n\t\"pings\":[{\"at\":\"2025-10-25T10:00:00+05:00\",\"lon\":7.695E1,\"lat\":4325e-2,\"device\":\"b\"}]}\r\n", true),
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","event":"lowBattery"}]}"#, true),
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":1,"lat":2,"lon":3}]}"#, false), // twice
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":01.5,"lon":3}]}"#, false), // not JSON
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":.5,"lon":3}]}"#, false),
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":1.,"lon":3}]}"#, false),
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":+1,"lon":3}]}"#, false),
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":-0,"lon":3}]}"#, false), // the field reader drops the sign
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":1e-200,"lon":3}]}"#, false),
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":1,"lon":3},]}"#, false),
        (#"{"pings":[{"device":"b\u0031","at":"2025-10-25T10:00:00+05:00","lat":1,"lon":3}]}"#, false),
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":1,"lon":3}],"more":1}"#, false),
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":1,"lon":3}]}x"#, false),
        (#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","lat":1,"lon":3}"#, false),
        (#"{"pings":[{}]}"#, false),
        (#"[]"#, false),
    ])
    func handWrittenBatches(_ text: String, fast: Bool) throws {
        let data = Data(text.utf8)
        #expect((PingScanner.pings(data) != nil) == fast)
        let slow = try? PingBatch.read(JSONNode(JSONDocument.parse(data), log: ProblemLog()))
        let read = try? PingBatch.read(data)
        #expect(read?.map(\.description) == slow?.map(\.description))
        if let pings = PingScanner.pings(data) { #expect(slow?.map(\.description) == pings.map { "ok \($0)" }) }
    }

    /// A panic is raised by the victim's press, which stores her position with the event itself: a
    /// device cannot send one, the fast way and the field reader alike.
    @Test func aDeviceCannotSendAPanic() throws {
        let data = Data(#"{"pings":[{"device":"b","at":"2025-10-25T10:00:00+05:00","event":"panic"}]}"#.utf8)
        #expect(PingScanner.pings(data) == nil)
        let read = try PingBatch.read(data)
        #expect(read.map(\.description) == [#"refused b: /event: unknown event "panic" (expected one of: strapTamper, lowBattery)"#])
    }

    @Test func bytesThatAreNotUTF8AreLeftToTheFieldReader() {
        var data = Data(#"{"pings":[{"device":"b"#.utf8)
        data.append(0xFF)
        data.append(contentsOf: Data(#"","at":"2025-10-25T10:00:00+05:00","lat":1,"lon":3}]}"#.utf8))
        #expect(PingScanner.pings(data) == nil)
        #expect(throws: ValidationFailure.self) { try PingBatch.read(data) }
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
