import Foundation

/// Readers for the lifecycle sections of the case file.
extension FieldReader {
    /// An order; `requireID` is false for API bodies.
    public func order(_ n: JSONNode, requireID: Bool = true) -> ProtectiveOrder? {
        guard n.object() != nil else { return nil }
        let id = requireID ? n["id"].string(maxLength: 200) : (n["id"].string(required: false, maxLength: 200) ?? "")
        let type = n["type"].word(OrderType.self)
        let issuedAt = past(n["issuedAt"])
        let validUntil = n["validUntil"].dateTime()
        if let issuedAt, let validUntil, validUntil.instant <= issuedAt.instant {
            n["validUntil"].fail("\(validUntil) is not after issuedAt \(issuedAt)", code: .notAfterStart)
        }
        let issuer = n["issuer"].string(maxLength: 500)
        let conditions = self.conditions(n["conditions"])
        let revokedAt = past(n["revokedAt"], required: false)
        if let issuedAt, let revokedAt, revokedAt.instant < issuedAt.instant {
            n["revokedAt"].fail("\(revokedAt) is before issuedAt \(issuedAt)")
        }
        guard let id, let type, let issuedAt, let validUntil, let issuer, let conditions else { return nil }
        return ProtectiveOrder(id: id, type: type, issuedAt: issuedAt, validUntil: validUntil, issuer: issuer,
                               conditions: conditions, revokedAt: revokedAt)
    }

    func conditions(_ n: JSONNode) -> OrderConditions? {
        guard n.object() != nil else { return nil }
        let noContact = n["noContact"].bool()
        let distance = n["minDistanceMeters"].double(required: false, in: 1...100_000)
        let zones = self.zones(n["zones"], required: false)
        guard let noContact else { return nil }
        return OrderConditions(noContact: noContact, minDistanceMeters: distance, zones: zones)
    }

    /// An order's zones: at most 50, each checked by `zone` (every zone is checked at every ping).
    public func zones(_ n: JSONNode, required: Bool = true) -> [Zone]? {
        if case .array(let items)? = n.value, items.count > Self.maxZones {
            n.fail("an order has at most \(Self.maxZones) zones", code: .tooMany, values: ["max": String(Self.maxZones)])
            return nil
        }
        return n.array(required: required) { zone($0) }
    }

    public static let maxZones = 50
    /// Corners of a polygon or of a cut-out, and cut-outs of a polygon, at most.
    public static let maxCorners = 1_000, maxHoles = 20

    /// A polygon the monitoring can test: less than 180° of longitude across, and clear of the
    /// poles (`Geo.polygon(_:contains:)` takes longitudes relative to the first corner).
    static func checkExtent(_ ring: [GeoPoint], _ n: JSONNode) {
        if ring.contains(where: { abs($0.lat) >= 89 }) {
            n.fail("a polygon may not reach a pole (latitude beyond ±89°)", code: .polygonPole)
            return
        }
        let relative = ring.map { Geo.longitudeDelta(ring[0].lon, $0.lon) }
        if (relative.max() ?? 0) - (relative.min() ?? 0) >= 180 {
            n.fail("a polygon must span less than 180° of longitude", code: .polygonTooWide)
            return
        }
        if enclosedSquareMeters(ring, relative: relative) < 1 {
            n.fail("a polygon must enclose an area: its corners are on one line or repeated", code: .polygonEmpty)
        }
    }

    /// The area a ring encloses, near enough (the shoelace formula on metres east and north of its
    /// first corner): a zone of no area protects nothing, and says the corners were mistyped.
    static func enclosedSquareMeters(_ ring: [GeoPoint], relative longitudes: [Double]) -> Double {
        let metresPerDegree = 111_195.0, east = cos(ring[0].lat * .pi / 180) * metresPerDegree
        let points = zip(ring, longitudes).map { (x: $1 * east, y: ($0.lat - ring[0].lat) * metresPerDegree) }
        var twice = 0.0
        for (a, b) in zip(points, points.dropFirst() + [points[0]]) { twice += a.x * b.y - b.x * a.y }
        return abs(twice) / 2
    }

    /// A circle (`lat`, `lon`, `radiusMeters`) or a `polygon` of at least three points, not both.
    public func zone(_ z: JSONNode) -> Zone? {
        guard z.object() != nil else { return nil }
        let from = z["from"].dateTime(required: false), until = z["until"].dateTime(required: false)
        if let from, let until, until.instant <= from.instant { z["until"].fail("\(until) is not after from \(from)", code: .notAfterStart) }
        func days(_ zone: Zone?) -> Zone? {
            guard var zone else { return nil }
            zone.from = from; zone.until = until
            return zone
        }
        return days(shape(z))
    }

    /// A zone's place: a circle or a polygon with its cut-outs.
    func shape(_ z: JSONNode) -> Zone? {
        let kind = z["kind"].string(maxLength: 100)
        if z["polygon"].isPresent {
            if z["lat"].isPresent || z["radiusMeters"].isPresent { z.fail("a zone is a circle or a polygon, not both") }
            let points = z["polygon"].array { p -> GeoPoint? in
                guard p.object() != nil, let lat = p["lat"].double(in: -90...90), let lon = p["lon"].double(in: -180...180)
                else { return nil }
                return GeoPoint(lat: lat, lon: lon)
            }
            if let points, points.count < 3, z["polygon"].elements(required: false)?.count ?? 0 < 3 {
                z["polygon"].fail("a polygon needs at least 3 points", code: .polygonPoints)
            }
            if let points, points.count >= 3 { Self.checkExtent(points, z["polygon"]) }
            if let points, points.count > Self.maxCorners {
                z["polygon"].fail("a polygon has at most \(Self.maxCorners) corners", code: .tooMany, values: ["max": String(Self.maxCorners)])
                return nil
            }
            if case .array(let holes)? = z["holes"].value, holes.count > Self.maxHoles {
                z["holes"].fail("a polygon has at most \(Self.maxHoles) cut-outs", code: .tooMany, values: ["max": String(Self.maxHoles)])
                return nil
            }
            let holes = z["holes"].array(required: false) { h -> [GeoPoint]? in
                let ring = h.array { p -> GeoPoint? in
                    guard p.object() != nil, let lat = p["lat"].double(in: -90...90), let lon = p["lon"].double(in: -180...180)
                    else { return nil }
                    return GeoPoint(lat: lat, lon: lon)
                }
                if let ring, ring.count < 3 { h.fail("a hole needs at least 3 points", code: .polygonPoints) }
                if let ring, ring.count >= 3 { Self.checkExtent(ring, h) }
                if let ring, ring.count > Self.maxCorners {
                    h.fail("a cut-out has at most \(Self.maxCorners) corners", code: .tooMany, values: ["max": String(Self.maxCorners)])
                    return nil
                }
                return ring.flatMap { $0.count >= 3 ? $0 : nil }
            }
            guard let kind, let points, points.count >= 3 else { return nil }
            if z["holes"].isPresent, holes == nil { return nil }
            return Zone(kind: kind, polygon: points, holes: holes.flatMap { $0.isEmpty ? nil : $0 })
        }
        if z["holes"].isPresent { z["holes"].fail("only a polygon has holes") }
        let lat = z["lat"].double(in: -90...90)
        let lon = z["lon"].double(in: -180...180)
        let radius = z["radiusMeters"].double(in: 1...100_000)
        guard let kind, let lat, let lon, let radius else { return nil }
        return Zone(kind: kind, lat: lat, lon: lon, radiusMeters: radius)
    }

    public func administrativeCase(_ n: JSONNode) -> AdministrativeCase? {
        guard n.object() != nil else { return nil }
        let id = n["id"].string(maxLength: 200)
        let article = n["article"].string(maxLength: 100)
        let incidents = n["incidents"].array { $0.string() }
        let decidedAt = past(n["decidedAt"])
        var sanction: AdministrativeSanction?
        let s = n["sanction"]
        if s.object() != nil, let type = s["type"].word(AdministrativeSanctionType.self) {
            switch type {
            case .fine: sanction = s["mrp"].int(in: 1...10_000).map { .init(type: .fine, mrp: $0) }
            case .arrest: sanction = s["days"].int(in: 1...365).map { .init(type: .arrest, days: $0) }
            case .warning: sanction = .init(type: .warning)
            }
        }
        guard let id, let article, let incidents, let decidedAt, let sanction else { return nil }
        return AdministrativeCase(id: id, article: article, incidents: incidents, decidedAt: decidedAt, sanction: sanction)
    }

    public func proceeding(_ n: JSONNode) -> CriminalProceeding? {
        guard n.object() != nil else { return nil }
        let id = n["id"].string(maxLength: 200)
        let article = n["article"].string(maxLength: 100)
        let registeredAt = past(n["registeredAt"])
        let number = n["registrationNumber"].string(required: false, maxLength: 100)
        let incidents = n["incidents"].array { $0.string() }
        let stage = n["stage"].word(ProceedingStage.self)
        guard let id, let article, let registeredAt, let incidents, let stage else { return nil }
        return CriminalProceeding(id: id, article: article, registeredAt: registeredAt, registrationNumber: number,
                                  incidents: incidents, stage: stage)
    }

    public func verdict(_ n: JSONNode) -> Verdict? {
        guard n.object() != nil else { return nil }
        let id = n["id"].string(maxLength: 200)
        let proceeding = n["proceeding"].string(maxLength: 200)
        let decidedAt = past(n["decidedAt"])
        let court = n["court"].string(maxLength: 500)
        let outcome = n["outcome"].word(VerdictOutcome.self)
        let punishment = self.punishment(n["punishment"], required: outcome == .guilty)
        var payment: MandatoryPayment?
        if n["mandatoryPayment"].object(required: false) != nil {
            let p = n["mandatoryPayment"]
            let mrp = p["mrp"].int(in: 0...1000)
            let paidAt = past(p["paidAt"], required: false)
            let document = p["document"].string(required: false, maxLength: 100)
            payment = mrp.map { MandatoryPayment(mrp: $0, paidAt: paidAt, document: document) }
        }
        let final = n["enteredIntoForce"].date(required: false)
        if let final {
            checkPastDate(n["enteredIntoForce"], final)
            if let decidedAt, final < decidedAt.localDate {
                n["enteredIntoForce"].fail("a verdict enters into force on or after the day it is pronounced (\(decidedAt.localDate)), not \(final)",
                                           code: .beforeStart, values: ["value": final.description, "start": decidedAt.localDate.description])
            }
        }
        if outcome == .acquitted, n["punishment"].isPresent { n["punishment"].fail("an acquittal carries no punishment") }
        guard let id, let proceeding, let decidedAt, let court, let outcome else { return nil }
        if outcome == .guilty, punishment == nil { return nil }
        return Verdict(id: id, proceeding: proceeding, decidedAt: decidedAt, court: court, outcome: outcome,
                       punishment: punishment, mandatoryPayment: payment, enteredIntoForce: final)
    }

    /// Exactly one principal punishment, in one of the measures its type allows.
    func punishment(_ n: JSONNode, required: Bool) -> Punishment? {
        if case .array(let items)? = n.value {
            n.fail("exactly one principal punishment is allowed, not \(items.count)")
            return nil
        }
        guard n.object(required: required) != nil, let type = n["type"].word(PunishmentType.self) else { return nil }
        let allowed = Punishment.allowedFields(for: type)
        let given = Punishment.measureFields.filter { n[$0].isPresent }
        for field in given where !allowed.contains(field) {
            n[field].fail("a \(type.rawValue) punishment is measured in \(allowed.joined(separator: " or ")), not \(field)")
        }
        let usable = given.filter { allowed.contains($0) }
        guard usable.count <= 1 else {
            n.fail("give the punishment in one measure, not \(usable.joined(separator: " and "))")
            return nil
        }
        guard let field = usable.first ?? (given.isEmpty ? allowed.first : nil) else { return nil }
        guard let value = n[field].int(in: 1...1_000_000) else { return nil }
        return Punishment(type: type, field: field, value: value)
    }

    public func device(_ n: JSONNode) -> Device? {
        guard n.object() != nil else { return nil }
        // one spelling of an id (Unicode NFC): the database compares bytes, Swift's strings compare
        // canonically, and two spellings of one id must not be two devices in two cases
        let id = n["id"].string(maxLength: 200).map { $0.precomposedStringWithCanonicalMapping }
        let person = n["person"].string(maxLength: 200)
        let kind = n["kind"].word(DeviceKind.self)
        let interval = n["intervalSeconds"].int(in: 1...86_400)
        if let id, id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isWhitespace }) {
            n["id"].fail("a device id has no spaces, line breaks or control characters", code: .deviceIDFormat)
            return nil
        }
        guard let id, let person, let kind, let interval else { return nil }
        return Device(id: id, person: person, kind: kind, intervalSeconds: interval)
    }

    /// A risk assessment as a case file holds it. Whether the instrument and its answers are
    /// known, and the computed level is the instrument's, is checked against the instruments.
    public func riskAssessment(_ n: JSONNode) -> RiskAssessment? {
        guard n.object() != nil else { return nil }
        let id = n["id"].string(maxLength: 200)
        let instrument = n["instrument"].string(maxLength: 100)
        let assessedAt = past(n["assessedAt"])
        let assessor = n["assessor"].string(maxLength: 200)
        let answers = self.answers(n["answers"])
        let computed = n["computedLevel"].word(RiskLevel.self)
        let level = n["level"].word(RiskLevel.self)
        let reason = n["reason"].string(required: false, maxLength: 2000)
        let known = n["knownIncidents"].array(required: false) { $0.string(maxLength: 200) }
        if computed == .notAssessed { n["computedLevel"].fail("an assessment computes a level: low, medium, high or extreme") }
        if let computed, let level { checkRaise(n, computed: computed, level: level, reason: reason) }
        guard let id, let instrument, let assessedAt, let assessor, let answers, let computed, let level else { return nil }
        return RiskAssessment(id: id, instrument: instrument, assessedAt: assessedAt, assessor: assessor, answers: answers,
                              computedLevel: computed, level: level, reason: reason, knownIncidents: known)
    }

    /// `{"questionId": true|false, …}`.
    public func answers(_ n: JSONNode, required: Bool = true) -> [String: Bool]? {
        guard let object = n.object(required: required) else { return nil }
        var answers: [String: Bool] = [:]
        for key in object.keys.sorted() {
            if let answer = n[key].bool() { answers[key] = answer }
        }
        return answers.count == object.count ? answers : nil
    }

    /// An officer may raise the computed level, with a reason, but never lower it.
    public func checkRaise(_ n: JSONNode, computed: RiskLevel, level: RiskLevel, reason: String?) {
        if level < computed {
            n["level"].fail("the level may be raised above the computed \(computed.rawValue), never lowered to \(level.rawValue)")
        } else if level > computed, reason == nil {
            n["reason"].fail("raising the level above the computed \(computed.rawValue) needs a reason")
        }
    }
}
