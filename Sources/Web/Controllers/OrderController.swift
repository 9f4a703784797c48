import Cases
import Domain
import Law
import Store
import Vapor

/// `/api/v1/cases/{caseId}/orders`: issue, list, read, extend, revoke, history; and
/// `/api/v1/cases/{caseId}/violations`: the incidents that broke an order, with the condition.
struct OrderController {
    let packs: PackLibrary

    struct OrderResponse: Content {
        var id: String
        var caseId: String
        var ref: String
        var version: Int
        var status: ProtectiveOrder.Status
        var type: OrderType
        var issuedAt: ZonedDateTime
        var validUntil: ZonedDateTime
        var revokedAt: ZonedDateTime?
        var issuer: String
        var conditions: OrderConditions

        init(_ s: OrderStore.Stored) {
            let o = s.order
            id = s.id.apiString; caseId = s.caseID.apiString; ref = o.id; version = s.version
            status = o.status(at: ZonedDateTime(Date(), offsetSeconds: 0)); type = o.type; issuedAt = o.issuedAt
            validUntil = o.validUntil; revokedAt = o.revokedAt; issuer = o.issuer; conditions = o.conditions
        }

        /// What a victim reads of an order: its zones by kind (home, work, school, or other for a
        /// kind written freely, which may name the place) and days, without where they are, as
        /// her diary says them ("your home"); a zone drawn around another victim of the case (her
        /// shelter, her work) stays hidden, as that victim's places do.
        init(_ s: OrderStore.Stored, for principal: Principal) {
            self.init(s)
            guard principal.role == .victim else { return }
            conditions.zones = conditions.zones?.map { zone in
                var kindOnly = zone
                if !PersonForms.placeKinds.contains(zone.kind) { kindOnly.kind = "other" }
                kindOnly.lat = nil; kindOnly.lon = nil; kindOnly.radiusMeters = nil; kindOnly.polygon = nil; kindOnly.holes = nil
                return kindOnly
            }
        }
    }

    func service(_ req: Request) throws -> LifecycleService {
        LifecycleService(db: req.db, packs: packs, principal: try req.principal)
    }

    func create(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let stored = try await service(req).issueOrder(caseID, try req.jsonBody())
        return try OrderResponse(stored).created(at: "/api/v1/cases/\(caseID.apiString)/orders/\(stored.id.apiString)")
    }

    func list(req: Request) async throws -> PageResponse<OrderResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let principal = try req.principal
        let orders = try await OrderStore(db: req.db).list(caseID: caseID, scope: principal.scope)
        return PageResponse(items: orders.map { OrderResponse($0, for: principal) }, nextCursor: nil)
    }

    func get(req: Request) async throws -> OrderResponse {
        let (caseID, id) = try ids(req)
        let principal = try req.principal
        return OrderResponse(try await OrderStore(db: req.db).get(id, caseID: caseID, scope: principal.scope), for: principal)
    }

    /// Body: `{"validUntil": "…", "reason": "…"}`.
    func extend(req: Request) async throws -> OrderResponse {
        let (caseID, id) = try ids(req)
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let until = body["validUntil"].dateTime()
        let reason = body["reason"].string(maxLength: 2000)
        try body.throwIfInvalid()
        let extended = try await service(req).extendOrder(caseID, id, until: until!, reason: reason!)
        return OrderResponse(extended)
    }

    /// Body: `{"zones": [{"kind", "lat", "lon", "radiusMeters"} | {"kind", "polygon": [{"lat", "lon"}, …], "holes": [[…]] (opt)}, …],
    /// "reason": "…"}`: the zones replaced as a whole (an empty list removes them).
    func setZones(req: Request) async throws -> OrderResponse {
        let (caseID, id) = try ids(req)
        return OrderResponse(try await service(req).setZones(caseID, id, try req.jsonBody()))
    }

    /// Body: `{"at": "…" (opt, now by default), "reason": "…"}`.
    func revoke(req: Request) async throws -> OrderResponse {
        let (caseID, id) = try ids(req)
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let at = FieldReader().past(body["at"], required: false)
        let reason = body["reason"].string(maxLength: 2000)
        try body.throwIfInvalid()
        let revoked = try await service(req).revokeOrder(caseID, id, at: at, reason: reason!)
        return OrderResponse(revoked)
    }

    func history(req: Request) async throws -> PageResponse<RecordVersionResponse> {
        let (caseID, id) = try ids(req)
        let versions = try await OrderStore(db: req.db).history(id, caseID: caseID, scope: req.principal.scope)
        return PageResponse(items: versions.map(RecordVersionResponse.init), nextCursor: nil)
    }

    struct ViolationResponse: Content {
        var incident: String
        var order: String
        var condition: String
    }

    func violations(req: Request) async throws -> PageResponse<ViolationResponse> {
        let caseID = try req.uuid("caseID", what: "case")
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: req.principal.scope)
        let incidents = try await req.incidents.readable(file.incidents, caseID: caseID)
        var found = OrderViolations.find(incidents: incidents, orders: file.protectiveOrders)
        // to a victim, no zone's breach: an entry she places anywhere would otherwise answer whether
        // that point lies in a zone, perhaps drawn around another victim's shelter
        if try req.principal.role == .victim { found = found.filter { !$0.condition.hasPrefix("zone:") } }
        return PageResponse(items: found.map { ViolationResponse(incident: $0.incident, order: $0.order, condition: $0.condition) },
                            nextCursor: nil)
    }

    private func ids(_ req: Request) throws -> (UUID, UUID) {
        (try req.uuid("caseID", what: "case"), try req.uuid("orderID", what: "order"))
    }
}
