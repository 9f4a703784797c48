import Domain

/// One respondent across cases, since repeat offenders move from victim to victim: in each case
/// where a respondent has this IIN, the orders, violations, victims and proceedings together.
/// Victims appear by name only: no address or position.
public struct RespondentView: Codable, Equatable, Sendable {
    public struct CaseEntry: Codable, Equatable, Sendable {
        public var caseId: String
        public var caseNumber: String?
        public var name: String
        public var victims: [String]
        public var orders: [OrderSummary]
        public var violations: [OrderViolation]
        public var administrativeCases: [AdministrativeCase]
        public var proceedings: [CriminalProceeding]
        public var verdicts: [Verdict]
    }

    public var iin: String
    public var cases: [CaseEntry]

    public static func of(iin: String, in cases: [CaseRef]) -> RespondentView {
        let entries = cases.compactMap { ref -> CaseEntry? in
            guard let respondent = ref.file.persons.first(where: { $0.role == .respondent && $0.iin == iin }) else { return nil }
            let file = ref.file
            return CaseEntry(caseId: ref.id, caseNumber: ref.number, name: respondent.name,
                             victims: file.persons.filter { $0.role == .victim }.map(\.name),
                             orders: file.protectiveOrders.map(OrderSummary.init),
                             violations: OrderViolations.find(incidents: file.incidents, orders: file.protectiveOrders),
                             administrativeCases: file.administrativeCases, proceedings: file.criminalProceedings,
                             verdicts: file.verdicts)
        }
        return RespondentView(iin: iin, cases: entries)
    }
}

/// An order without its zones' coordinates, which would show where the victim lives and works.
public struct OrderSummary: Codable, Equatable, Sendable {
    public var id: String
    public var type: OrderType
    public var issuedAt: ZonedDateTime
    public var validUntil: ZonedDateTime
    public var revokedAt: ZonedDateTime?
    public var noContact: Bool
    public var minDistanceMeters: Double?
    public var zoneKinds: [String]

    public init(_ order: ProtectiveOrder) {
        id = order.id; type = order.type; issuedAt = order.issuedAt; validUntil = order.validUntil
        revokedAt = order.revokedAt; noContact = order.conditions.noContact
        minDistanceMeters = order.conditions.minDistanceMeters; zoneKinds = (order.conditions.zones ?? []).map(\.kind)
    }
}
