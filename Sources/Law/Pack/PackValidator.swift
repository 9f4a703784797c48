import Domain
import Foundation

/// The rules a pack must keep beyond its YAML shape, each problem with the path to the node.
struct PackValidator {
    struct Problem {
        var path: [String]
        var message: String
    }

    static let sanctionTypes: Set<String> = ["fine", "correctionalWorks", "communityService", "arrest", "imprisonment"]
    static let units: Set<String> = ["mrp", "hours", "days", "weeks", "months", "dailyRates"]
    static let flags: Set<String> = ["againstWill", "violence"]

    let pack: JurisdictionPack
    let expectedCode: String

    func firstProblem() -> Problem? { problems().first }

    func problems() -> [Problem] {
        var found: [Problem] = []
        func fail(_ path: [String], _ message: String) { found.append(Problem(path: path, message: message)) }

        if pack.code != expectedCode { fail(["code"], "code \(pack.code) does not match the file name \(expectedCode).yaml") }
        if TimeZone(identifier: pack.timeZone) == nil { fail(["timeZone"], "unknown time zone \(pack.timeZone)") }
        if pack.categories.isEmpty { fail(["categories"], "at least one offence category is required") }
        if let unit = pack.unit {
            for (i, value) in unit.values.enumerated() where value.value <= 0 {
                fail(["unit", "values", "\(i)", "value"], "a unit value must be positive")
            }
            let starts = unit.values.map(\.from)
            if Set(starts).count != starts.count { fail(["unit", "values"], "two values start on the same date") }
        }
        for (category, _) in pack.mandatoryPayment?.byCategory ?? [:] where !pack.categories.contains(category) {
            fail(["mandatoryPayment", "byCategory", category], "unknown category \(category)")
        }
        var seen: Set<String> = []
        for (i, current) in pack.offences.enumerated() {
            let at = ["offences", "\(i)"]
            if !seen.insert(current.id).inserted { fail(at + ["id"], "duplicate offence id \(current.id)") }
            if !current.id.hasPrefix(pack.code + ".") { fail(at + ["id"], "offence id \(current.id) must start with \(pack.code).") }
            if !pack.categories.contains(current.category) { fail(at + ["category"], "unknown category \(current.category)") }
            let starts = current.allWordings.map(\.citation.inForce.value)
            if zip(starts, starts.dropFirst()).contains(where: { $0 >= $1 }) {
                fail(at + ["wordings"], "wordings must start in time order, each before the next and before the current one")
            }
            for (w, offence) in current.allWordings.enumerated() {
                let at = w == starts.count - 1 ? at : at + ["wordings", "\(w)"]
                if offence.conductElement == nil { fail(at + ["elements"], "one episode element must list the kinds of conduct") }
                for (name, figure) in offence.parameters where figure.value <= 0 {
                    fail(at + ["parameters", name], "parameter \(name) must be positive")
                }
                for (j, element) in offence.elements.enumerated() {
                    validate(element, at: at + ["elements", "\(j)"], offence: offence, fail: fail)
                }
                if offence.sanctions.isEmpty { fail(at + ["sanctions"], "at least one sanction is required") }
                for (j, sanction) in offence.sanctions.enumerated() {
                    validate(sanction, at: at + ["sanctions", "\(j)"], fail: fail)
                }
                if let limitation = offence.limitation, limitation.years == nil, limitation.months == nil {
                    fail(at + ["limitation"], "a limitation needs years or months")
                }
                if let from = offence.limitation?.runsFrom, !["episode", "lastEpisode"].contains(from.value) {
                    fail(at + ["limitation", "runsFrom"], "runsFrom is episode or lastEpisode, not \(from.value)")
                }
            }
        }
        for (i, measure) in pack.measures.enumerated() where measure.relationships?.value.isEmpty == true {
            fail(["measures", "\(i)", "relationships"], "a measure covers at least one relationship (leave it out to cover anyone)")
        }
        if let rule = pack.mandatoryPayment, rule.dueDays == nil {
            fail(["mandatoryPayment"], "a mandatory payment needs dueDays: the days it is due in")
        }
        for (key, figure) in [("dueFrom", pack.mandatoryPayment?.dueFrom), ("unitValueOn", pack.mandatoryPayment?.unitValueOn)] {
            if let figure, !["verdict", "final"].contains(figure.value) {
                fail(["mandatoryPayment", key], "\(key) is verdict or final, not \(figure.value)")
            }
        }
        if let appeal = pack.verdicts?.appealDays, appeal.value < 0 { fail(["verdicts", "appealDays"], "appealDays cannot be negative") }
        for (i, check) in (pack.timeZoneChecks ?? []).enumerated() {
            if let problem = check.problem(in: pack.timeZone) { fail(["timeZoneChecks", "\(i)"], problem) }
        }
        for (i, norm) in pack.alsoConsider.enumerated() {
            for flag in norm.flags ?? [] where !Self.flags.contains(flag) {
                fail(["alsoConsider", "\(i)", "flags"], "unknown flag \(flag) (known: \(Self.flags.sorted().joined(separator: ", ")))")
            }
        }
        for (i, offence) in (pack.administrativeOffences ?? []).enumerated() {
            for (j, sanction) in offence.sanctions.enumerated() {
                validate(sanction, at: ["administrativeOffences", "\(i)", "sanctions", "\(j)"], fail: fail)
            }
        }
        if let pattern = pack.registrationNumberPattern, (try? NSRegularExpression(pattern: pattern.value)) == nil {
            fail(["registrationNumberPattern"], "not a valid regular expression")
        }
        return found
    }

    private func validate(_ element: Element, at path: [String], offence: Offence, fail: ([String], String) -> Void) {
        for key in (element.requires ?? [:]).keys where !Self.flags.contains(key) {
            fail(path + ["requires"], "unknown flag \(key) (known: \(Self.flags.sorted().joined(separator: ", ")))")
        }
        switch element.scope {
        case .episode:
            if element.kinds == nil, element.requires == nil { fail(path, "an episode element needs kinds or requires") }
            if element.minimumEpisodes != nil || element.impacts != nil || element.anyOf != nil {
                fail(path, "minimumEpisodes, impacts and anyOf belong to course elements")
            }
        case .course:
            let thresholds = [element.minimumEpisodes] + (element.anyOf ?? []).map(\.minimumEpisodes)
            for case .parameter(let name)? in thresholds where offence.parameters[name] == nil {
                fail(path + ["minimumEpisodes"], "unknown parameter \(name)")
            }
            if element.minimumEpisodes == nil, element.impacts == nil, element.anyOf == nil {
                fail(path, "a course element needs minimumEpisodes, impacts or anyOf")
            }
            for rule in [element.impacts] + (element.anyOf ?? []).map(\.impacts) {
                for repeated in rule?.repeated ?? [] where repeated.episodes < 2 {
                    fail(path + ["impacts", "repeated"], "a repeated impact needs at least 2 episodes; list it under met otherwise")
                }
            }
        }
    }

    private func validate(_ sanction: Sanction, at path: [String], fail: ([String], String) -> Void) {
        if !Self.sanctionTypes.contains(sanction.type) {
            fail(path + ["type"], "unknown sanction type \(sanction.type) (known: \(Self.sanctionTypes.sorted().joined(separator: ", ")))")
        }
        if sanction.max == nil, sanction.type != "fine" { fail(path, "only a fine may be unlimited (no max)") }
        if sanction.max != nil, !Self.units.contains(sanction.unit) {
            fail(path + ["unit"], "unknown unit \(sanction.unit) (known: \(Self.units.sorted().joined(separator: ", ")))")
        }
        if let min = sanction.min, let max = sanction.max, min.value > max.value {
            fail(path + ["min"], "min \(min.value) is above max \(max.value)")
        }
    }
}
