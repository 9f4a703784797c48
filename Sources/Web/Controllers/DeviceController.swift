import Cases
import Domain
import Foundation
import Store
import Vapor

/// `/api/v1/cases/{caseID}/devices`: a case's monitoring devices with their last report;
/// registered, replaced and returned through `DeviceService`.
struct DeviceController {
    struct DeviceResponse: Content {
        var id: String
        var person: String
        var kind: DeviceKind
        var intervalSeconds: Int
        /// The device's last report, when it has made one.
        var lastPingAt: ZonedDateTime?
        var lastAccuracyMeters: Double?

        init(_ device: Device, last: StoredPing? = nil) {
            id = device.id; person = device.person; kind = device.kind; intervalSeconds = device.intervalSeconds
            lastPingAt = last?.at; lastAccuracyMeters = last?.accuracy
        }
    }

    func list(req: Request) async throws -> PageResponse<DeviceResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let devices = try await DeviceService(db: req.db, principal: try req.principal).list(caseID)
        let last = try await MonitoringStore(db: req.db, track: req.application.track)
            .lastPings(caseID: caseID, devices: devices.map(\.id))
        return PageResponse(items: devices.map { device in DeviceResponse(device, last: last.first { $0.device == device.id }) }, nextCursor: nil)
    }

    func register(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let device = try await DeviceService(db: req.db, principal: try req.principal).register(caseID, try req.jsonBody())
        return try await DeviceResponse(device).encodeResponse(status: .created, for: req)
    }

    /// Body: `{"id": "…new device…", "reason": "…"}`.
    func replace(req: Request) async throws -> DeviceResponse {
        let caseID = try req.uuid("caseID", what: "case")
        let deviceID = req.parameters.get("deviceID") ?? ""
        return DeviceResponse(try await DeviceService(db: req.db, principal: try req.principal).replace(caseID, deviceID, try req.jsonBody()))
    }

    /// Body: `{"reason": "…"}`.
    func remove(req: Request) async throws -> HTTPStatus {
        let caseID = try req.uuid("caseID", what: "case")
        let deviceID = req.parameters.get("deviceID") ?? ""
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let reason = body["reason"].string(maxLength: 2000)
        try body.throwIfInvalid()
        try await DeviceService(db: req.db, principal: try req.principal).remove(caseID, deviceID, reason: reason!)
        return .noContent
    }
}
