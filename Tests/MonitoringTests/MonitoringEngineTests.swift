import Domain
import Foundation
import Monitoring
import Testing

@Suite struct MonitoringEngineTests {
    // Her home at (43.2200, 76.8500), a 300 m zone; a school as a polygon; keep 500 m from her.
    let file = CaseFile(
        jurisdiction: "KZ", case: CaseHeader(openedAt: ZonedDateTime("2025-10-01T09:00:00+05:00")!),
        persons: [Person(id: "v", role: .victim, name: "V"), Person(id: "r", role: .respondent, name: "R")],
        protectiveOrders: [ProtectiveOrder(
            id: "o1", type: .protectiveOrder, issuedAt: ZonedDateTime("2025-10-01T00:00:00+05:00")!,
            validUntil: ZonedDateTime("2025-10-31T00:00:00+05:00")!, issuer: "police",
            conditions: OrderConditions(noContact: true, minDistanceMeters: 500, zones: [
                Zone(kind: "home", lat: 43.2200, lon: 76.8500, radiusMeters: 300),
                Zone(kind: "school", polygon: [GeoPoint(lat: 43.2400, lon: 76.9000), GeoPoint(lat: 43.2400, lon: 76.9040),
                                               GeoPoint(lat: 43.2430, lon: 76.9040), GeoPoint(lat: 43.2430, lon: 76.9000)]),
            ]))],
        devices: [Device(id: "bracelet", person: "r", kind: .bracelet, intervalSeconds: 60),
                  Device(id: "phone", person: "v", kind: .phone, intervalSeconds: 60)])

    func line(_ device: String, _ minute: Int, _ lat: Double, _ lon: Double, accuracy: Double = 5) -> String {
        let at = ZonedDateTime(epochMilliseconds: 1_760_000_000_000 + Int64(minute) * 60_000, offsetSeconds: 18_000)
        return #"{"device": "\#(device)", "at": "\#(at)", "lat": \#(lat), "lon": \#(lon), "accuracy": \#(accuracy)}"#
    }

    func replay(_ lines: [String]) -> Replay.Result {
        var replay = Replay(file: file)
        return replay.run(jsonLines: lines.joined(separator: "\n"), now: Date(timeIntervalSince1970: 1_770_000_000))
    }

    @Test func enteringHerHomeZoneRaisesOneAlertDespiteJitterOnTheBoundary() {
        // ~330 m north of the centre (outside), then ~290 m (inside), then jitter around the line.
        let result = replay([line("bracelet", 0, 43.2230, 76.8500), line("bracelet", 1, 43.2226, 76.8500),
                             line("bracelet", 2, 43.2228, 76.8500), line("bracelet", 3, 43.2226, 76.8500),
                             line("bracelet", 4, 43.2290, 76.8500), line("bracelet", 5, 43.2200, 76.8500)])
        #expect(result.alerts.map(\.kind) == [.zone, .zone])
        #expect(result.alerts.map(\.zone) == [0, 0])
        #expect(result.alerts.first?.accuracyMeters == 5)
        #expect(result.refused.isEmpty)
    }

    @Test func aDeviceThatStopsWhileTheTrackGoesOnIsReportedSilentAsTheLiveServerWould() {
        // her phone sends once; his bracelet, far away, goes on every minute for ten minutes
        let result = replay([line("phone", 0, 43.2600, 76.9500)] + (0...10).map { line("bracelet", $0, 43.3000, 76.9900) })
        #expect(result.alerts.map(\.kind) == [.silent])
        #expect(result.alerts.first?.device == "phone")
        #expect(abs((result.alerts.first?.at.epochMilliseconds ?? 0) - (1_760_000_000_000 + 180_000)) <= 1, "three intervals after its last ping")
        let ended = replay([line("bracelet", 0, 43.3000, 76.9900), line("phone", 5, 43.2600, 76.9500)])
        #expect(ended.alerts.map(\.device) == ["bracelet"], "and at the track's end")
    }

    @Test func accuracyCountsTowardsTheZone() {
        // 320 m from the centre with 30 m accuracy could be inside: alert, and say so.
        let result = replay([line("bracelet", 0, 43.22288, 76.8500, accuracy: 30)])
        #expect(result.alerts.map(\.kind) == [.zone])
        #expect(result.alerts.first?.accuracyMeters == 30)
    }

    @Test func aPolygonZone() {
        let result = replay([line("bracelet", 0, 43.2415, 76.9020)])
        #expect(result.alerts.map(\.zone) == [1])
    }

    @Test func comingWithinTheDistanceOfHerCurrentPosition() {
        let result = replay([line("phone", 0, 43.2600, 76.9500), line("bracelet", 1, 43.2640, 76.9500),
                             line("bracelet", 2, 43.2620, 76.9500)])
        #expect(result.alerts.map(\.kind) == [.proximity])
        #expect((result.alerts.first?.distanceMeters ?? 0) > 200)
    }

    @Test func silenceDeviceEventsAndRefusals() {
        let result = replay([
            line("bracelet", 0, 43.30, 76.95), line("bracelet", 10, 43.30, 76.95),
            #"{"device": "bracelet", "at": "2025-10-09T14:05:00+05:00", "event": "strapTamper"}"#,
            line("bracelet", 10, 43.30, 76.95), line("ghost", 11, 43.30, 76.95), line("bracelet", 12, 95, 76.95),
            #"{"device": "bracelet", "at": "2030-01-01T00:00:00+05:00", "lat": 43.3, "lon": 76.95}"#, "not json",
        ])
        #expect(result.alerts.map(\.kind) == [.silent, .tamper])
        #expect(result.refused.map(\.line) == [4, 5, 6, 7, 8])
        #expect(result.refused[0].reason.contains("out of order"))
        #expect(result.refused[1].reason.contains("unknown device"))
        #expect(result.refused[2].reason.contains("/lat"))
        #expect(result.refused[3].reason.contains("future"))
    }

    @Test func noAlertOutsideTheOrdersTerm() {
        var late = file
        late.protectiveOrders[0].revokedAt = ZonedDateTime("2025-10-05T00:00:00+05:00")
        var replay = Replay(file: late)
        let result = replay.run(jsonLines: line("bracelet", 0, 43.2200, 76.8500), now: Date(timeIntervalSince1970: 1_770_000_000))
        #expect(result.alerts.isEmpty) // the pings are on 2025-10-09, after the revocation
    }
}
