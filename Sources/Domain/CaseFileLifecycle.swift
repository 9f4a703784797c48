/// The lifecycle sections of the case file: orders, administrative cases, proceedings, verdicts, devices.

public struct ProtectiveOrder: Equatable, Sendable, Codable {
    public var id: String
    public var type: OrderType
    public var issuedAt: ZonedDateTime
    public var validUntil: ZonedDateTime
    public var issuer: String
    public var conditions: OrderConditions
    /// When the order was revoked, if it was; it protects until then.
    public var revokedAt: ZonedDateTime?

    public init(id: String, type: OrderType, issuedAt: ZonedDateTime, validUntil: ZonedDateTime, issuer: String,
                conditions: OrderConditions, revokedAt: ZonedDateTime? = nil) {
        self.id = id; self.type = type; self.issuedAt = issuedAt; self.validUntil = validUntil
        self.issuer = issuer; self.conditions = conditions; self.revokedAt = revokedAt
    }

    /// The end of protection: the order's term, or its revocation if earlier.
    public var endsAt: ZonedDateTime {
        if let revokedAt, revokedAt.epochMilliseconds < validUntil.epochMilliseconds { return revokedAt }
        return validUntil
    }

    public enum Status: String, Codable, Sendable { case pending, active, expired, revoked }

    public func status(at time: ZonedDateTime) -> Status {
        let t = time.epochMilliseconds
        if t < issuedAt.epochMilliseconds { return .pending }
        if let revokedAt, t >= revokedAt.epochMilliseconds { return .revoked }
        return t < validUntil.epochMilliseconds ? .active : .expired
    }
}

public struct OrderConditions: Equatable, Sendable, Codable {
    public var noContact: Bool
    public var minDistanceMeters: Double?
    public var zones: [Zone]?

    public init(noContact: Bool, minDistanceMeters: Double? = nil, zones: [Zone]? = nil) {
        self.noContact = noContact; self.minDistanceMeters = minDistanceMeters; self.zones = zones
    }
}

/// A fixed exclusion zone: a circle (`lat`, `lon`, `radiusMeters`) or a polygon of at least
/// three points (a school's grounds, a block).
public struct Zone: Equatable, Sendable, Codable {
    public var kind: String
    public var lat: Double?
    public var lon: Double?
    public var radiusMeters: Double?
    public var polygon: [GeoPoint]?
    /// Areas cut out of a polygon (a courtyard that is not hers, a neighbour's plot).
    public var holes: [[GeoPoint]]?
    /// When the zone was added to the order after its issue, and when it was taken off: an order
    /// changed later binds from the change on, and what was before stays as it was (opt).
    public var from: ZonedDateTime?
    public var until: ZonedDateTime?

    /// Whether the zone was part of its order at this instant (the order's own term aside).
    public func inForce(at ms: Int64) -> Bool {
        (from.map { $0.epochMilliseconds <= ms } ?? true) && (until.map { ms < $0.epochMilliseconds } ?? true)
    }

    /// The same place, whatever its days.
    public func sameArea(as other: Zone) -> Bool {
        kind == other.kind && lat == other.lat && lon == other.lon && radiusMeters == other.radiusMeters
            && polygon == other.polygon && holes == other.holes
    }

    public init(kind: String, lat: Double, lon: Double, radiusMeters: Double) {
        self.kind = kind; self.lat = lat; self.lon = lon; self.radiusMeters = radiusMeters
    }

    public init(kind: String, polygon: [GeoPoint], holes: [[GeoPoint]]? = nil) {
        self.kind = kind; self.polygon = polygon; self.holes = holes
    }

    /// Metres from a point to the zone's boundary: negative inside, as the monitoring measures it
    /// (a circle from its centre less the radius; a polygon to its nearest edge, outline or hole).
    public func signedDistance(lat pointLat: Double, lon pointLon: Double) -> Double? {
        if let polygon {
            let point = GeoPoint(lat: pointLat, lon: pointLon)
            let edge = ([polygon] + (holes ?? [])).map { Geo.distanceToPolygonEdge($0, point) }.min() ?? .infinity
            return contains(lat: pointLat, lon: pointLon) ? -edge : edge
        }
        guard let lat, let lon, let radiusMeters else { return nil }
        return Geo.distanceMeters(pointLat, pointLon, lat, lon) - radiusMeters
    }

    /// Whether a point lies in the zone (in a polygon and in none of its holes).
    public func contains(lat pointLat: Double, lon pointLon: Double) -> Bool {
        if let polygon {
            let point = GeoPoint(lat: pointLat, lon: pointLon)
            return Geo.polygon(polygon, contains: point) && !(holes ?? []).contains { Geo.polygon($0, contains: point) }
        }
        guard let lat, let lon, let radiusMeters else { return false }
        return Geo.distanceMeters(pointLat, pointLon, lat, lon) <= radiusMeters
    }
}

public struct GeoPoint: Equatable, Hashable, Sendable, Codable {
    public var lat: Double
    public var lon: Double

    public init(lat: Double, lon: Double) { self.lat = lat; self.lon = lon }
}

public struct AdministrativeCase: Equatable, Sendable, Codable {
    public var id: String
    public var article: String
    public var incidents: [String]
    public var decidedAt: ZonedDateTime
    public var sanction: AdministrativeSanction

    public init(id: String, article: String, incidents: [String], decidedAt: ZonedDateTime, sanction: AdministrativeSanction) {
        self.id = id; self.article = article; self.incidents = incidents; self.decidedAt = decidedAt; self.sanction = sanction
    }
}

public struct AdministrativeSanction: Equatable, Sendable, Codable {
    public var type: AdministrativeSanctionType
    public var mrp: Int?
    public var days: Int?

    public init(type: AdministrativeSanctionType, mrp: Int? = nil, days: Int? = nil) {
        self.type = type; self.mrp = mrp; self.days = days
    }
}

public struct CriminalProceeding: Equatable, Sendable, Codable {
    public var id: String
    public var article: String
    public var registeredAt: ZonedDateTime
    public var registrationNumber: String?
    public var incidents: [String]
    public var stage: ProceedingStage

    public init(id: String, article: String, registeredAt: ZonedDateTime, registrationNumber: String? = nil,
                incidents: [String], stage: ProceedingStage) {
        self.id = id; self.article = article; self.registeredAt = registeredAt
        self.registrationNumber = registrationNumber; self.incidents = incidents; self.stage = stage
    }
}

public struct Verdict: Equatable, Sendable, Codable {
    public var id: String
    public var proceeding: String
    public var decidedAt: ZonedDateTime
    public var court: String
    public var outcome: VerdictOutcome
    public var punishment: Punishment?
    public var mandatoryPayment: MandatoryPayment?
    /// The day the verdict entered into force, when known; otherwise the pack's appeal period
    /// after `decidedAt` says when it did (or will).
    public var enteredIntoForce: LocalDate?

    public init(id: String, proceeding: String, decidedAt: ZonedDateTime, court: String, outcome: VerdictOutcome,
                punishment: Punishment? = nil, mandatoryPayment: MandatoryPayment? = nil, enteredIntoForce: LocalDate? = nil) {
        self.id = id; self.proceeding = proceeding; self.decidedAt = decidedAt; self.court = court
        self.outcome = outcome; self.punishment = punishment; self.mandatoryPayment = mandatoryPayment
        self.enteredIntoForce = enteredIntoForce
    }
}

/// One principal punishment and its measure: `mrp` (KZ fines and correctional works), `hours`,
/// `days`, `months` (imprisonment), or for fines elsewhere `dailyRates` or `amount` in the currency.
public struct Punishment: Equatable, Sendable, Codable {
    public var type: PunishmentType
    public var hours: Int?
    public var mrp: Int?
    public var days: Int?
    public var months: Int?
    public var dailyRates: Int?
    public var amount: Int?

    public init(type: PunishmentType, hours: Int? = nil, mrp: Int? = nil, days: Int? = nil, months: Int? = nil,
                dailyRates: Int? = nil, amount: Int? = nil) {
        self.type = type; self.hours = hours; self.mrp = mrp; self.days = days; self.months = months
        self.dailyRates = dailyRates; self.amount = amount
    }

    public static let measureFields = ["hours", "mrp", "days", "months", "dailyRates", "amount"]

    /// The measures a punishment type may be given in.
    public static func allowedFields(for type: PunishmentType) -> [String] {
        switch type {
        case .fine: ["mrp", "dailyRates", "amount"]
        case .correctionalWorks: ["mrp"]
        case .communityService: ["hours"]
        case .arrest: ["days"]
        case .imprisonment: ["months"]
        }
    }

    /// The measure that is set, as (field, value).
    public var measure: (field: String, value: Int)? {
        let values: [(String, Int?)] = [("hours", hours), ("mrp", mrp), ("days", days), ("months", months),
                                        ("dailyRates", dailyRates), ("amount", amount)]
        return values.first { $0.1 != nil }.map { ($0.0, $0.1!) }
    }

    public init(type: PunishmentType, field: String, value: Int) {
        self.init(type: type)
        switch field {
        case "hours": hours = value
        case "mrp": mrp = value
        case "days": days = value
        case "months": months = value
        case "dailyRates": dailyRates = value
        default: amount = value
        }
    }
}

public struct MandatoryPayment: Equatable, Sendable, Codable {
    public var mrp: Int
    public var paidAt: ZonedDateTime?
    /// The payment document's number (a payment order), when the Fund recorded it.
    public var document: String?

    public init(mrp: Int, paidAt: ZonedDateTime? = nil, document: String? = nil) { self.mrp = mrp; self.paidAt = paidAt; self.document = document }
}

public struct Device: Equatable, Sendable, Codable {
    public var id: String
    public var person: String
    public var kind: DeviceKind
    public var intervalSeconds: Int

    public init(id: String, person: String, kind: DeviceKind, intervalSeconds: Int) {
        self.id = id; self.person = person; self.kind = kind; self.intervalSeconds = intervalSeconds
    }
}
