import Domain
import Foundation
import Store
import Vapor

/// `POST /api/v1/deliveries/{id}/receipt`: an SMS or voice gateway reports what became of a
/// message it was handed (`{id}` in its template is the delivery's id): `{"status": "delivered"}`
/// or `{"status": "undelivered", "reason": "…"}`. For gateway tokens; the answer says only the
/// delivery's state, nothing of its case.
struct DeliveryReceiptController {
    struct Answer: Content { var id: String; var state: String }

    func receipt(req: Request) async throws -> Answer {
        guard let id = req.parameters.get("deliveryID").flatMap(UUID.init(uuidString:)) else {
            throw ValidationFailure(pointer: "/deliveryID", message: "must be the delivery's id, a UUID")
        }
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let status = body["status"].string(maxLength: 20)
        if let status, !["delivered", "undelivered"].contains(status) { body["status"].fail("must be delivered or undelivered") }
        let reason = body["reason"].string(required: false, maxLength: 200)
        try body.throwIfInvalid()
        guard let delivery = try await DeliveryStore(db: req.db).receipt(id, delivered: status == "delivered", at: nowMilliseconds(), reason: reason) else {
            throw Abort(.notFound, reason: "no delivery by that id")
        }
        return Answer(id: delivery.idempotencyKey, state: delivery.state.rawValue)
    }
}
