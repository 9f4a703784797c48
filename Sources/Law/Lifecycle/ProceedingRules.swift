import Domain
import Foundation

/// Checks administrative cases and criminal proceedings against the pack.
public struct ProceedingRules: Sendable {
    public let pack: JurisdictionPack

    public init(pack: JurisdictionPack) { self.pack = pack }

    /// An administrative case: its article must be an administrative offence of the pack, and its
    /// sanction one of that offence's, within its bounds.
    public func problems(_ adm: AdministrativeCase) -> [ValidationProblem] {
        guard let offence = pack.administrativeOffences?.first(where: { $0.id == adm.article }) else {
            let known = (pack.administrativeOffences ?? []).map(\.id).joined(separator: ", ")
            return [.init(pointer: "/article", message: "\(adm.article) is not an administrative offence of \(pack.code) (known: \(known))")]
        }
        let type = adm.sanction.type.rawValue
        guard let sanction = offence.sanctions.first(where: { $0.type == type }) else {
            let allowed = offence.sanctions.map(\.type).joined(separator: ", ")
            return [.init(pointer: "/sanction/type", message: "\(adm.article) does not provide \(type); its sanctions are: \(allowed)")]
        }
        let field = sanction.unit == "mrp" ? "mrp" : "days"
        guard let value = field == "mrp" ? adm.sanction.mrp : adm.sanction.days else { return [] }
        var found: [ValidationProblem] = []
        if let max = sanction.max, value > max.value {
            found.append(.init(pointer: "/sanction/\(field)",
                               message: "\(type) of \(value) \(field) is above the maximum of \(max.value) \(field) under \(adm.article)\(max.verified ? "" : " (unverified figure)")"))
        }
        if let min = sanction.min, value < min.value {
            found.append(.init(pointer: "/sanction/\(field)",
                               message: "\(type) of \(value) \(field) is below the minimum of \(min.value) \(field) under \(adm.article)"))
        }
        return found
    }

    /// A criminal proceeding: an offence of the pack, and a registration number of the pack's form.
    public func problems(_ proceeding: CriminalProceeding) -> [ValidationProblem] {
        var found: [ValidationProblem] = []
        if pack.offence(proceeding.article) == nil {
            found.append(.init(pointer: "/article", message: "\(proceeding.article) is not an offence of \(pack.code) (known: \(pack.offences.map(\.id).joined(separator: ", ")))"))
        }
        if let number = proceeding.registrationNumber, let pattern = pack.registrationNumberPattern,
           number.range(of: pattern.value, options: .regularExpression) == nil {
            found.append(.init(pointer: "/registrationNumber",
                               message: "\"\(number)\" is not a registration number of the form \(pattern.value) (\(pattern.source))"))
        }
        return found
    }
}
