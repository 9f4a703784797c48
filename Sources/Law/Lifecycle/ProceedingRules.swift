import Domain
import Foundation

/// Checks administrative cases and criminal proceedings against the pack. Only a verified figure
/// refuses a record; a record outside an unverified bound is kept with a warning naming the figure.
public struct ProceedingRules: Sendable {
    public let pack: JurisdictionPack

    public init(pack: JurisdictionPack) { self.pack = pack }

    /// What refuses a record, and what is only said about it.
    public struct Findings: Sendable, Equatable {
        public var refusals: [ValidationProblem] = []
        public var warnings: [ValidationProblem] = []

        mutating func add(_ problem: ValidationProblem, verified: Bool) {
            if verified { refusals.append(problem) } else { warnings.append(problem) }
        }
    }

    public func problems(_ adm: AdministrativeCase) -> [ValidationProblem] { findings(adm).refusals }

    public func problems(_ proceeding: CriminalProceeding) -> [ValidationProblem] { findings(proceeding).refusals }

    /// An administrative case: its article must be an administrative offence of the pack, and its
    /// sanction one of that offence's, within its bounds.
    public func findings(_ adm: AdministrativeCase) -> Findings {
        var found = Findings()
        guard let offence = pack.administrativeOffences?.first(where: { $0.id == adm.article }) else {
            let known = (pack.administrativeOffences ?? []).map(\.id).joined(separator: ", ")
            found.refusals = [.init(pointer: "/article", message: "\(adm.article) is not an administrative offence of \(pack.code) (known: \(known))")]
            return found
        }
        let type = adm.sanction.type.rawValue
        guard let sanction = offence.sanctions.first(where: { $0.type == type }) else {
            let allowed = offence.sanctions.map(\.type).joined(separator: ", ")
            var problem = ValidationProblem(pointer: "/sanction/type", message: "\(adm.article) does not provide \(type); its sanctions are: \(allowed)")
            let verified = offence.sanctionKindsVerified ?? false
            if !verified {
                problem.message += "; that list is unverified, so the record stands"
                problem.code = .unverifiedBound
                problem.values = ["figure": "\(adm.article).sanctions", "bound": allowed, "value": type, "source": "the pack's list of sanctions"]
            }
            found.add(problem, verified: verified)
            return found
        }
        let field = sanction.unit == "mrp" ? "mrp" : "days"
        guard let value = field == "mrp" ? adm.sanction.mrp : adm.sanction.days else { return found }
        let figure = "\(adm.article).sanction.\(type)"
        if let max = sanction.max, value > max.value {
            found.add(Self.outside(pointer: "/sanction/\(field)", figure: figure + ".max", bound: max, value: value, unit: field,
                                   message: "\(type) of \(value) \(field) is above the maximum of \(max.value) \(field) under \(adm.article)"),
                      verified: max.verified)
        }
        if let min = sanction.min, value < min.value {
            found.add(Self.outside(pointer: "/sanction/\(field)", figure: figure + ".min", bound: min, value: value, unit: field,
                                   message: "\(type) of \(value) \(field) is below the minimum of \(min.value) \(field) under \(adm.article)"),
                      verified: min.verified)
        }
        return found
    }

    /// A criminal proceeding: an offence of the pack, and a registration number of the pack's form.
    public func findings(_ proceeding: CriminalProceeding) -> Findings {
        var found = Findings()
        if pack.offence(proceeding.article) == nil {
            found.refusals.append(.init(pointer: "/article", message: "\(proceeding.article) is not an offence of \(pack.code) (known: \(pack.offences.map(\.id).joined(separator: ", ")))"))
        }
        if let number = proceeding.registrationNumber, let pattern = pack.registrationNumberPattern,
           number.range(of: pattern.value, options: .regularExpression) == nil {
            var problem = ValidationProblem(pointer: "/registrationNumber",
                                            message: "\"\(number)\" is not a registration number of the form \(pattern.value) (\(pattern.source))")
            if !pattern.verified {
                problem.message += "; the form is unverified, so the record stands"
                problem.code = .unverifiedBound
                problem.values = ["figure": "registrationNumberPattern", "bound": pattern.value, "value": number, "source": pattern.source]
            }
            found.add(problem, verified: pattern.verified)
        }
        return found
    }

    /// A value outside a bound: a refusal when the bound is verified, else a warning with its code.
    static func outside(pointer: String, figure: String, bound: Figure<Int>, value: Int, unit: String, message: String) -> ValidationProblem {
        guard !bound.verified else { return ValidationProblem(pointer: pointer, message: message) }
        let what = bound.basis == "placeholder" ? "a placeholder" : "unverified"
        return ValidationProblem(pointer: pointer, message: message + "; the pack's figure \(figure) is \(what) (\(bound.source)), so the record stands",
                                 code: .unverifiedBound,
                                 values: ["figure": figure, "bound": String(bound.value), "value": String(value), "unit": unit, "source": bound.source])
    }
}
