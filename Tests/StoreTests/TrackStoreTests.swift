import Domain
import Fluent
import Foundation
@testable import Store
import Testing
import TestSupport

/// The track table: pings stored as sent, read back the same by SQL and by Fluent, the batch's
/// audit hash as documented, and the rows' time-ordered ids.
@Suite struct TrackStoreTests {
    /// Pings of two devices, every fifth an event without a position, some without accuracy,
    /// with coordinates whose decimals need every bit of a double.
    static func pings(caseID: UUID, count: Int) -> [StoredPing] {
        (0..<count).map { i in
            let at = ZonedDateTime(epochMilliseconds: 1_760_000_000_000 + Int64(i / 2) * 60_000 + Int64(i % 2), offsetSeconds: 18_000)
            let device = i % 2 == 0 ? "bracelet-7" : "телефон-1"
            if i % 5 == 4 { return StoredPing(caseID: caseID, device: device, at: at, lat: nil, lon: nil, accuracy: nil, event: "tamper") }
            return StoredPing(caseID: caseID, device: device, at: at, lat: 43.2 + Double(i) / 3e4 + 1e-13, lon: -76.9 - Double(i) / 7e4,
                              accuracy: i % 3 == 0 ? nil : Double(i % 40) + 0.5, event: nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func storedPingsReadBackAsSent(_ database: TestDatabase) async throws {
        try await withQorgauApp(database) { app in
            let caseID = try await CaseStore(db: app.db).create(
                jurisdiction: "KZ", header: CaseHeader(openedAt: ZonedDateTime("2025-10-01T09:00:00+05:00")!), by: .commandLine).id
            let sent = Self.pings(caseID: caseID, count: 1_234) // more than one statement's worth
            let store = MonitoringStore(db: app.db)
            try await store.save(pings: sent, alerts: [], incidents: [], by: "gateway")

            for device in ["bracelet-7", "телефон-1"] {
                let track = try await store.track(caseID: caseID, device: device, from: 0, to: .max)
                #expect(track == sent.filter { $0.device == device })
            }
            let last = try await store.lastPings(caseID: caseID, devices: ["bracelet-7", "телефон-1"])
            #expect(last == [sent[sent.count - 2], sent[sent.count - 1]])
        }
    }

    @Test func theBatchHashIsOverTheDocumentedLines() {
        let caseID = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!
        let pings = Self.pings(caseID: caseID, count: 7)
        // the format in `trackHash`'s documentation, written out the plain way
        let text = pings.map { p in
            [p.caseID.uuidString.lowercased(), p.device, String(p.at.epochMilliseconds), String(p.at.offsetSeconds),
             p.lat.map { "\($0)" } ?? "", p.lon.map { "\($0)" } ?? "", p.accuracy.map { "\($0)" } ?? "", p.event ?? ""]
                .joined(separator: "|") + "\n"
        }.joined()
        #expect(MonitoringStore.trackHash(pings) == SHA256Hex.of(text))
        #expect(MonitoringStore.trackHash(pings) == "7db20ea2de972798984ec24dac03954929ab2bba17879b1de518ed78e5ff2592")
    }

    @Test func trackRowIdsAreDistinctTimeOrderedVersion7() {
        let ms: Int64 = 1_760_000_000_123
        let ids = TimeOrderedID.batch(count: 10_000, at: ms) + TimeOrderedID.batch(count: 10_000, at: ms)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let u = id.uuid
            let stamp = [u.0, u.1, u.2, u.3, u.4, u.5].reduce(Int64(0)) { $0 << 8 | Int64($1) }
            #expect(stamp == ms)
            #expect(u.6 >> 4 == 7)
            #expect(u.8 >> 6 == 0b10)
        }
        let first = ids.prefix(10_000).map(\.uuidString)
        #expect(first == first.sorted(), "a batch's ids follow one another, so its rows append to the index")
    }
}
