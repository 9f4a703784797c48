import Cases
import Domain
import Foundation
import Law
import Store
import Vapor

/// The zones of an order set from the monitoring page: a circle from a point (typed, clicked on
/// the map, or one of the victim's places) and a radius, or a polygon by its corners with holes;
/// a zone removed. Each is saved through the same service as `PUT …/orders/{id}/zones`, as a new
/// version of the order with its reason, and reaches the monitoring at once by the change signal.
/// A refusal is said beside the field it concerns, in the page's language.
struct ZoneForms {
    let packs: PackLibrary

    /// What the form holds, as posted.
    struct Posted: Decodable {
        var order: String?; var kind: String?; var shape: String?
        var lat: String?; var lon: String?; var radius: String?; var place: String?
        var corners: String?; var holes: String?; var reason: String?
    }

    /// The form on the page: its values, and an error per field (empty when none).
    struct State: Encodable {
        var order = ""; var kind = "home"; var shape = "circle"
        var lat = ""; var lon = ""; var radius = "300"; var place = ""
        var corners = ""; var holes = ""; var reason = ""
        /// The zone whose removal came back refused ("o1/0"), to say it beside that zone.
        var removing = ""
        var errors: [String: String] = [:]
        /// The add form failed (a removal's refusal is said beside that zone alone).
        var failed: Bool { errors.keys.contains { $0 != "remove" } }

        init() {}
        init(_ posted: Posted) {
            order = posted.order ?? ""; kind = posted.kind ?? "home"; shape = posted.shape == "polygon" ? "polygon" : "circle"
            lat = posted.lat ?? ""; lon = posted.lon ?? ""; radius = posted.radius ?? ""; place = posted.place ?? ""
            corners = posted.corners ?? ""; holes = posted.holes ?? ""; reason = posted.reason ?? ""
        }

        enum CodingKeys: String, CodingKey { case order, kind, shape, lat, lon, radius, place, corners, holes, reason, removing, errors, failed }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(order, forKey: .order); try c.encode(kind, forKey: .kind); try c.encode(shape, forKey: .shape)
            try c.encode(lat, forKey: .lat); try c.encode(lon, forKey: .lon); try c.encode(radius, forKey: .radius)
            try c.encode(place, forKey: .place); try c.encode(corners, forKey: .corners); try c.encode(holes, forKey: .holes)
            try c.encode(reason, forKey: .reason); try c.encode(errors, forKey: .errors); try c.encode(failed, forKey: .failed)
            try c.encode(removing, forKey: .removing)
        }
    }

    /// `POST /cases/{id}/zones`: a zone added to the zones of the order the form names.
    func add(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let posted = req.form(Posted.self) ?? Posted()
        let ref = posted.order ?? ""
        var state = State(posted)
        let t = req.application.catalogs.words(req.pageLanguage)
        let service = LifecycleService(db: req.db, packs: packs, principal: try req.principal)
        guard !ref.isEmpty, let orderID = try? await service.orderID(caseID, ref) else {
            _ = try await CaseStore(db: req.db).get(caseID, scope: try req.principal.scope) // a case out of scope stays 404
            state.errors["order"] = t["zones_no_order"]
            return try await MonitoringPage(packs: packs).render(req, caseID: caseID, zoneForm: state, status: .unprocessableEntity)
        }
        let order = try await OrderStore(db: req.db).get(orderID, caseID: caseID, scope: try req.principal.scope).order
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: try req.principal.scope)
        // a place of hers chosen and no point typed: the place's point
        if state.shape == "circle", state.lat.isEmpty, state.lon.isEmpty, let place = Self.place(state.place, in: file) {
            state.lat = String(place.lat); state.lon = String(place.lon)
            if state.kind.isEmpty { state.kind = place.kind }
        }
        var zone: [String: Any] = ["kind": state.kind.isEmpty ? "other" : state.kind]
        if state.shape == "polygon" {
            let (corners, cornerErrors) = Self.points(state.corners, t: t)
            var rings: [[[String: Any]]] = []
            var holeErrors: [String] = []
            for block in state.holes.components(separatedBy: "\n\n").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !block.isEmpty {
                let (ring, errors) = Self.points(block, t: t)
                rings.append(ring); holeErrors += errors
            }
            if !cornerErrors.isEmpty { state.errors["corners"] = cornerErrors.joined(separator: "; ") }
            if !holeErrors.isEmpty { state.errors["holes"] = holeErrors.joined(separator: "; ") }
            zone["polygon"] = corners
            if !rings.isEmpty { zone["holes"] = rings }
        } else {
            zone["lat"] = Self.number(state.lat); zone["lon"] = Self.number(state.lon); zone["radiusMeters"] = Self.number(state.radius)
        }
        let json: [String: Any] = ["zones": try Self.zonesJSON(order) + [zone], "reason": LifecycleForms.required(state.reason)]
        return try await save(req, caseID: caseID, orderID: orderID, json: json, state: state, zoneIndex: (order.conditions.zones ?? []).count)
    }

    /// `POST /cases/{id}/orders/{ref}/zones/{zone}/remove`: a zone taken off the order, with the reason.
    func remove(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let ref = req.parameters.get("ref") ?? ""
        guard let index = req.parameters.get("zone").flatMap(Int.init) else { throw Abort(.notFound) }
        let posted = req.form(Posted.self) ?? Posted()
        var state = State()
        state.order = ref
        state.removing = "\(ref)/\(index)"
        let service = LifecycleService(db: req.db, packs: packs, principal: try req.principal)
        let orderID = try await service.orderID(caseID, ref)
        let order = try await OrderStore(db: req.db).get(orderID, caseID: caseID, scope: try req.principal.scope).order
        var zones = try Self.zonesJSON(order)
        guard zones.indices.contains(index) else { throw Abort(.notFound) }
        zones.remove(at: index)
        return try await save(req, caseID: caseID, orderID: orderID, json: ["zones": zones, "reason": LifecycleForms.required(posted.reason)],
                             state: state, zoneIndex: index)
    }

    private func save(_ req: Request, caseID: UUID, orderID: UUID, json: [String: Any], state: State, zoneIndex: Int) async throws -> Response {
        var state = state
        let t = req.application.catalogs.words(req.pageLanguage)
        if state.errors.isEmpty {
            do {
                _ = try await LifecycleService(db: req.db, packs: packs, principal: try req.principal)
                    .setZones(caseID, orderID, try LifecycleForms.node(json))
                return req.redirect(to: "/cases/\(caseID.apiString)/monitoring?saved=\(state.removing.isEmpty ? "added" : "removed")#zones")
            } catch let failure as ValidationFailure {
                for problem in failure.problems {
                    let field = state.removing.isEmpty ? Self.field(of: problem.pointer, zone: zoneIndex) : "remove"
                    state.errors[field] = [state.errors[field], problem.said(in: t)].compactMap { $0 }.joined(separator: "; ")
                }
            } catch DomainError.conflict(let why) {
                state.errors[state.removing.isEmpty ? "reason" : "remove"] = t["zones_order_revoked"] ?? why
            }
        }
        return try await MonitoringPage(packs: packs).render(req, caseID: caseID, zoneForm: state, status: .unprocessableEntity)
    }

    /// The form's field a problem of the body names: `/zones/2/polygon/1/lat` → corners.
    static func field(of pointer: String, zone: Int) -> String {
        let parts = pointer.split(separator: "/").map(String.init)
        if parts.first == "reason" { return "reason" }
        guard parts.count >= 3, parts[0] == "zones" else { return "reason" }
        switch parts[2] {
        case "polygon": return "corners"
        case "holes": return "holes"
        case "radiusMeters": return "radius"
        case "lat", "lon", "kind": return parts[2]
        default: return "lat"
        }
    }

    /// The order's zones as the body carries them.
    static func zonesJSON(_ order: ProtectiveOrder) throws -> [Any] {
        let data = try JSONEncoder().encode(order.conditions.zones ?? [])
        return try JSONSerialization.jsonObject(with: data) as? [Any] ?? []
    }

    /// A typed number ("43,22" as well as "43.22"); the text as it was when it is not one, so
    /// that the reader says so.
    static func number(_ text: String) -> Any {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        if trimmed.isEmpty { return NSNull() }
        return decimal(trimmed) ?? text
    }

    /// A plain decimal ("43.2201", "-5"): not "nan", "inf" or "0x1p5", which `Double` also reads.
    static func decimal(_ text: String) -> Double? {
        guard text.count <= 40, text.wholeMatch(of: /[+-]?[0-9]+(\.[0-9]+)?/) != nil else { return nil }
        return Double(text)
    }

    /// Corners typed one a line, "43.2201, 76.8502" (a comma, a semicolon or spaces between).
    static func points(_ text: String, t: [String: String]) -> ([[String: Any]], [String]) {
        var points: [[String: Any]] = [], errors: [String] = []
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let pieces: [String]
            if trimmed.contains(";") { pieces = trimmed.components(separatedBy: ";") }
            else if trimmed.contains(", ") { pieces = trimmed.components(separatedBy: ", ") }
            else if trimmed.filter({ $0 == "," }).count == 1, !trimmed.contains(" ") { pieces = trimmed.components(separatedBy: ",") }
            else { pieces = trimmed.split(whereSeparator: \.isWhitespace).map(String.init) }
            let numbers = pieces.map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".") }
                .filter { !$0.isEmpty }.compactMap(decimal)
            if numbers.count == 2 {
                points.append(["lat": numbers[0], "lon": numbers[1]])
            } else {
                errors.append((t["zones_bad_line"] ?? "").replacingOccurrences(of: "{line}", with: String(n + 1))
                    .replacingOccurrences(of: "{text}", with: String(trimmed.prefix(40))))
            }
        }
        return (points, errors)
    }

    /// The victim's place a choice names ("v/0": her first place), with its point.
    static func place(_ choice: String, in file: CaseFile) -> (lat: Double, lon: Double, kind: String)? {
        let parts = choice.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[1]),
              let person = file.persons.first(where: { $0.id == parts[0] && $0.role == .victim }),
              person.places.indices.contains(index), let lat = person.places[index].lat, let lon = person.places[index].lon else { return nil }
        return (lat, lon, person.places[index].kind)
    }
}
