import Domain

/// Checks an order against the protective measures its jurisdiction's pack defines: the type
/// must be one of them, and the term within the verified bounds.
public struct OrderRules: Sendable {
    public let pack: JurisdictionPack

    public init(pack: JurisdictionPack) { self.pack = pack }

    public func problems(_ order: ProtectiveOrder, pointer: String = "") -> [ValidationProblem] {
        guard let measure = pack.measures.first(where: { $0.orderType == order.type }) else {
            let known = pack.measures.map(\.orderType.rawValue).joined(separator: ", ")
            return [.init(pointer: pointer + "/type", message: "\(order.type.rawValue) is not a measure of \(pack.code) (its measures: \(known))")]
        }
        let days = LegalDayCalendar(timeZone: pack.timeZone)
        let issued = days.date(of: order.issuedAt), until = days.date(of: order.validUntil)
        var found: [ValidationProblem] = []
        if let min = measure.minMonths, min.verified, until < LegalDayCalendar.adding(months: min.value, to: issued) {
            found.append(.init(pointer: pointer + "/validUntil",
                               message: "\(measure.title.en) last at least \(min.value) months (\(min.source)); \(until) is sooner",
                               code: .orderTooShort, values: ["min": String(min.value), "source": min.source]))
        }
        if let max = measure.maxMonths, max.verified, until > LegalDayCalendar.adding(months: max.value, to: issued) {
            found.append(.init(pointer: pointer + "/validUntil",
                               message: "\(measure.title.en) last at most \(max.value) months (\(max.source)); \(until) is later",
                               code: .orderTooLong, values: ["max": String(max.value), "source": max.source]))
        }
        if let term = measure.termDays, term.verified, until > issued.adding(days: term.value) {
            found.append(.init(pointer: pointer + "/validUntil",
                               message: "\(measure.title.en) last \(term.value) days (\(term.source)); \(until) is later"))
        }
        return found
    }

    /// An order of the same type whose days overlap the new one's (each from its issue to its
    /// revocation or end): one in force is extended, not issued twice.
    public static func duplicate(of order: ProtectiveOrder, among orders: [ProtectiveOrder]) -> ProtectiveOrder? {
        orders.first { other in
            other.type == order.type && other.id != order.id
                && other.issuedAt.epochMilliseconds < order.endsAt.epochMilliseconds && order.issuedAt.epochMilliseconds < other.endsAt.epochMilliseconds
        }
    }

    /// The problem a duplicate is refused with: the existing order named by its reference and days.
    public static func duplicateProblem(_ existing: ProtectiveOrder) -> ValidationProblem {
        ValidationProblem(pointer: "/type", message: "order \(existing.id) of this type is in force over these days, until \(existing.validUntil): extend it instead",
                          code: .duplicateOrder, values: ["order": existing.id, "issuedAt": existing.issuedAt.description,
                                                          "until": existing.validUntil.description])
    }
}

/// The checks of a whole case file that need its jurisdiction's pack.
public enum CaseFileRules {
    public static func problems(_ file: CaseFile, packs: PackLibrary) -> [ValidationProblem] {
        guard let pack = packs[file.jurisdiction] else { return [] }
        let rules = OrderRules(pack: pack)
        let proceedings = ProceedingRules(pack: pack)
        func at(_ prefix: String, _ problems: [ValidationProblem]) -> [ValidationProblem] {
            problems.map { ValidationProblem(pointer: prefix + $0.pointer, message: $0.message) }
        }
        return file.protectiveOrders.enumerated().flatMap { rules.problems($1, pointer: "/protectiveOrders/\($0)") }
            + file.administrativeCases.enumerated().flatMap { at("/administrativeCases/\($0)", proceedings.problems($1)) }
            + file.criminalProceedings.enumerated().flatMap { at("/criminalProceedings/\($0)", proceedings.problems($1)) }
            + RiskRules.problems(file)
    }

    /// What the pack says about a file's records without refusing them: values outside its
    /// unverified bounds, each with the figure it names.
    public static func warnings(_ file: CaseFile, packs: PackLibrary) -> [ValidationProblem] {
        guard let pack = packs[file.jurisdiction] else { return [] }
        let rules = ProceedingRules(pack: pack)
        func at(_ prefix: String, _ problems: [ValidationProblem]) -> [ValidationProblem] {
            problems.map { var p = $0; p.pointer = prefix + p.pointer; return p }
        }
        return file.administrativeCases.enumerated().flatMap { at("/administrativeCases/\($0)", rules.findings($1).warnings) }
            + file.criminalProceedings.enumerated().flatMap { at("/criminalProceedings/\($0)", rules.findings($1).warnings) }
            + file.verdicts.enumerated().flatMap { index, verdict in
                let check = try? SentenceChecker(pack: pack).check(file, verdict: verdict.id)
                return (check?.warnings ?? []).map { ValidationProblem(pointer: "/verdicts/\(index)/punishment", message: $0) }
            }
            + judgedTwice(file)
    }

    /// Episodes two verdicts judged (ne bis in idem): said of the later verdict, naming the episodes.
    static func judgedTwice(_ file: CaseFile) -> [ValidationProblem] {
        let incidents = Dictionary(file.criminalProceedings.map { ($0.id, $0.incidents) }, uniquingKeysWith: { first, _ in first })
        var judged: [String: String] = [:]
        var found: [ValidationProblem] = []
        let order = file.verdicts.indices.sorted { file.verdicts[$0].decidedAt.epochMilliseconds < file.verdicts[$1].decidedAt.epochMilliseconds }
        for index in order {
            let verdict = file.verdicts[index]
            let again = (incidents[verdict.proceeding] ?? []).filter { judged[$0] != nil && judged[$0] != verdict.proceeding }
            if !again.isEmpty {
                found.append(ValidationProblem(pointer: "/verdicts/\(index)",
                                               message: "episodes \(again.joined(separator: ", ")) were already judged by an earlier verdict: "
                                                   + "a second verdict on the same acts needs checking (ne bis in idem)"))
            }
            for incident in incidents[verdict.proceeding] ?? [] where judged[incident] == nil { judged[incident] = verdict.proceeding }
        }
        return found
    }
}
