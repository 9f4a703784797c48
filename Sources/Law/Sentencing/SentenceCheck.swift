import Domain

/// The result of checking a verdict's punishment and mandatory payment against the pack.
public struct SentenceCheck: Codable, Equatable, Sendable {
    public var verdict: String
    public var offences: [String]
    /// True when no problem was found.
    public var valid: Bool
    /// What breaks the law, each naming the bound it breaks.
    public var problems: [String]
    /// What may be wrong but rests on unverified figures.
    public var warnings: [String]
    public var punishment: Punishment?
    /// A fine or correctional works in the statutory unit, converted at the unit value of the offence date.
    public var amount: Money?
    public var mandatoryPayment: PaymentCheck?
    public var unverified: [String]
}

/// An amount in the statutory unit and in the currency, and the unit value used.
public struct Money: Codable, Equatable, Sendable {
    public var units: Int
    public var unit: String
    public var unitValue: Int
    public var valueDate: LocalDate
    public var currency: String
    /// Whole currency units (tenge).
    public var total: Int
}

public struct PaymentCheck: Codable, Equatable, Sendable {
    public var category: String
    public var expectedUnits: Int
    public var orderedUnits: Int?
    public var amount: Money?
}
