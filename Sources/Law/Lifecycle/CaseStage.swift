import Domain

/// Where a case stands on its path, from what has been recorded: incidents only, under a
/// protective order, with administrative sanctions, a criminal proceeding before or in court,
/// decided, or closed. Derived, never stored, so it can never disagree with the records.
public enum CaseStage: String, Codable, Sendable {
    case incidents, protected, administrativeSanction, preTrial, inCourt, decided, paid, closed

    public static func of(_ file: CaseFile, status: CaseStatus, at time: ZonedDateTime) -> CaseStage {
        if status == .closed { return .closed }
        let stages = Set(file.criminalProceedings.map(\.stage))
        if !file.verdicts.isEmpty || stages.contains(.decided) {
            let owed = file.verdicts.filter { $0.outcome == .guilty && $0.mandatoryPayment != nil }
            return !owed.isEmpty && owed.allSatisfy({ $0.mandatoryPayment?.paidAt != nil }) ? .paid : .decided
        }
        if stages.contains(.inCourt) { return .inCourt }
        if stages.contains(.preTrial) { return .preTrial }
        if !file.administrativeCases.isEmpty { return .administrativeSanction }
        if file.protectiveOrders.contains(where: { $0.status(at: time) == .active }) { return .protected }
        return .incidents
    }
}
