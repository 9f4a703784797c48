import Domain
import Foundation
import Store
import Vapor

/// Monitoring fixtures: pings for the fixture case file's bracelet (respondent "r", order "o1",
/// home zone of 300 m around 43.22, 76.85, in force from 2025-10-23 to its revocation on 2025-11-15).
public enum MonitoringProbe {
    public static func ping(_ at: String, _ lat: Double, _ lon: Double, device: String = "bracelet-1", accuracy: Double = 8) -> [String: Any] {
        ["device": device, "at": at, "lat": lat, "lon": lon, "accuracy": accuracy]
    }

    /// Far from the zone, then inside it: one zone alert. Returns the alert's id.
    public static func raiseZoneAlert(_ app: Application, caseID: UUID) async throws -> String {
        let gateway = try await app.makeUser(.gateway)
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: gateway.token)
        headers.contentType = .json
        let body = ["pings": [ping("2025-10-25T10:00:00+05:00", 43.30, 76.95), ping("2025-10-25T10:01:00+05:00", 43.2201, 76.8501)]]
        _ = try await app.testing().sendRequest(.POST, "/api/v1/monitoring/pings", headers: headers, body: Fixtures.buffer(body))
        let alerts = try await MonitoringStore(db: app.db).alerts(caseID: caseID, scope: .all)
        guard let alert = alerts.first else { throw TestSetupError("no alert was raised") }
        return alert.id.uuidString.lowercased()
    }
}
