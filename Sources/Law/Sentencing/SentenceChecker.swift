import Domain

/// Checks a verdict against its offences' sanctions: exactly one principal punishment of an
/// allowed type within its bounds, its amount in money at the unit value of the offence date,
/// and the mandatory payment of the gravest category among the offences.
public struct SentenceChecker: Sendable {
    public let pack: JurisdictionPack
    let legalDays: LegalDayCalendar

    public init(pack: JurisdictionPack) {
        self.pack = pack
        self.legalDays = LegalDayCalendar(timeZone: pack.timeZone)
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noSuchVerdict(String)
        case noSuchProceeding(String)

        public var description: String {
            switch self {
            case .noSuchVerdict(let id): "no verdict \"\(id)\" in the case file"
            case .noSuchProceeding(let id): "the verdict's proceeding \"\(id)\" is not in the case file"
            }
        }
    }

    public func check(_ file: CaseFile, verdict id: String) throws(Failure) -> SentenceCheck {
        guard let verdict = file.verdicts.first(where: { $0.id == id }) else { throw .noSuchVerdict(id) }
        guard let proceeding = file.criminalProceedings.first(where: { $0.id == verdict.proceeding }) else {
            throw .noSuchProceeding(verdict.proceeding)
        }
        // dated as the assessment dates it: by the last act of the offence's conduct that was charged
        let charged = Set(proceeding.incidents)
        let conduct = Set(pack.offence(proceeding.article)?.allWordings.flatMap { $0.conductElement?.kinds ?? [] } ?? [])
        let acts = file.incidents.filter { charged.contains($0.id) && (conduct.isEmpty || conduct.contains($0.kind)) }
        let days = (acts.isEmpty ? file.incidents.filter { charged.contains($0.id) } : acts).map { legalDays.date(of: $0.occurredAt) }
        let offenceDate = days.max() ?? legalDays.date(of: verdict.decidedAt)
        return check(punishment: verdict.punishment, payment: verdict.mandatoryPayment, outcome: verdict.outcome,
                     offences: [proceeding.article], offenceDate: offenceDate,
                     verdictDate: legalDays.date(of: verdict.decidedAt), verdictID: verdict.id)
    }

    public func check(punishment: Punishment?, payment: MandatoryPayment?, outcome: VerdictOutcome, offences ids: [String],
                      offenceDate: LocalDate, verdictDate: LocalDate, verdictID: String = "") -> SentenceCheck {
        var problems: [String] = [], warnings: [String] = [], unverified: [String] = []
        let offences = ids.compactMap { pack.offence($0) }
        for id in ids where pack.offence(id) == nil { problems.append("offence \(id) is not in the \(pack.code) pack") }
        var result = SentenceCheck(verdict: verdictID, offences: ids, valid: false, problems: [], warnings: [],
                                   punishment: punishment, amount: nil, mandatoryPayment: nil, unverified: [])
        if outcome == .acquitted {
            if punishment != nil { problems.append("an acquittal carries no punishment") }
            if payment != nil { problems.append("an acquittal carries no mandatory payment") }
            result.problems = problems
            result.valid = problems.isEmpty
            return result
        }
        guard let offence = offences.max(by: { rank($0.category) < rank($1.category) }) else {
            result.problems = problems
            return result
        }
        if let punishment {
            checkPunishment(punishment, offence, offenceDate, &problems, &warnings, &unverified, &result)
        } else {
            problems.append("a guilty verdict needs exactly one principal punishment")
        }
        checkPayment(payment, offences, verdictDate, &problems, &warnings, &unverified, &result)
        result.problems = problems
        result.warnings = warnings
        result.unverified = unverified
        result.valid = problems.isEmpty
        return result
    }

    private func rank(_ category: String) -> Int { pack.categories.firstIndex(of: category) ?? -1 }

    private func checkPunishment(_ punishment: Punishment, _ offence: Offence, _ offenceDate: LocalDate,
                                 _ problems: inout [String], _ warnings: inout [String], _ unverified: inout [String],
                                 _ result: inout SentenceCheck) {
        let type = punishment.type.rawValue
        guard let sanction = offence.sanctions.first(where: { $0.type == type }) else {
            let allowed = offence.sanctions.map(\.type).joined(separator: ", ")
            problems.append("\(offence.id) does not provide \(type); its punishments are: \(allowed)")
            return
        }
        guard let (field, value) = punishment.measure else {
            problems.append("the punishment has no measure (\(sanction.unit))")
            return
        }
        let expectedField = sanction.max == nil ? "amount" : sanction.unit
        guard field == expectedField else {
            problems.append("\(offence.id) measures \(type) in \(expectedField), not \(field)")
            return
        }
        // Only a verified bound refuses; an unverified one warns, naming the figure.
        if let max = sanction.max {
            if !max.verified { unverified.append("sanction.\(type).max") }
            if value > max.value {
                let message = "\(type) of \(value) \(field) is above the maximum of \(max.value) \(field) under \(offence.id)"
                if max.verified { problems.append(message) } else { warnings.append(message + Self.unverifiedNote("sanction.\(type).max", max)) }
            }
        }
        if let min = sanction.min {
            if !min.verified { unverified.append("sanction.\(type).min") }
            if value < min.value {
                let message = "\(type) of \(value) \(field) is below the minimum of \(min.value) \(field) (\(min.source))"
                if min.verified { problems.append(message) } else { warnings.append(message + Self.unverifiedNote("sanction.\(type).min", min)) }
            }
        }
        if field == "mrp" { result.amount = money(value, on: offenceDate, unverified: &unverified) }
    }

    private func checkPayment(_ payment: MandatoryPayment?, _ offences: [Offence], _ verdictDate: LocalDate,
                              _ problems: inout [String], _ warnings: inout [String], _ unverified: inout [String],
                              _ result: inout SentenceCheck) {
        guard let rule = pack.mandatoryPayment else {
            if payment != nil { problems.append("\(pack.code) has no mandatory payment") }
            return
        }
        let gravest = offences.map(\.category).max { rank($0) < rank($1) }!
        guard let figure = rule.byCategory[gravest] else { return }
        if !figure.verified { unverified.append("mandatoryPayment.\(gravest)") }
        var check = PaymentCheck(category: gravest, expectedUnits: figure.value, orderedUnits: payment?.mrp, amount: nil)
        if let day = rule.unitValueOn, !day.verified { unverified.append("mandatoryPayment.unitValueOn") }
        if let payment {
            check.amount = money(payment.mrp, on: verdictDate, unverified: &unverified)
            if payment.mrp != figure.value {
                let message = "the mandatory payment for a \(gravest) is \(figure.value) \(pack.unit?.id ?? ""), not \(payment.mrp) (\(rule.citation))"
                if figure.verified { problems.append(message) } else { warnings.append(message + "; the pack's figure is unverified") }
            }
        } else {
            let message = "a guilty verdict collects a mandatory payment of \(figure.value) \(pack.unit?.id ?? "") (\(rule.citation))"
            if figure.verified { problems.append(message) } else { warnings.append(message) }
        }
        result.mandatoryPayment = check
    }

    /// Says that a bound a record falls outside is not verified, so the record stands.
    static func unverifiedNote(_ name: String, _ figure: Figure<Int>) -> String {
        "; the pack's figure \(name) is \(figure.basis == "placeholder" ? "a placeholder" : "unverified") (\(figure.source)), so the record stands"
    }

    /// Units converted at the unit value in force on `date` (KZ CC art. 41(1): the day of the offence).
    func money(_ units: Int, on date: LocalDate, unverified: inout [String]) -> Money? {
        guard let unit = pack.unit, let value = unit.value(on: date) else { return nil }
        if !value.verified { unverified.append("\(unit.id).\(value.from.year)") }
        return Money(units: units, unit: unit.id, unitValue: value.value, valueDate: date, currency: pack.currency,
                     total: units * value.value)
    }
}
