import Domain
import Fluent
import Foundation
import Law
import Store

/// A risk assessment added to a case, from the API and the case's risk page alike: the answers
/// checked against the instrument, the level computed from them, raised (never lowered) only with
/// a reason, stored only if nobody assessed the case since the assessor looked (`expectedCount`).
public struct RiskService: Sendable {
    let db: any Database
    let packs: PackLibrary
    let risk: RiskLibrary
    let principal: Principal

    public init(db: any Database, packs: PackLibrary, risk: RiskLibrary, principal: Principal) {
        self.db = db; self.packs = packs; self.risk = risk; self.principal = principal
    }

    /// Throws `ValidationFailure` for wrong answers or level, `DomainError.conflict` when the case
    /// was assessed by someone else meanwhile.
    public func assess(_ caseID: UUID, instrument instrumentID: String, answers: [String: Bool], level requested: RiskLevel?,
                       reason: String?, expectedCount: Int) async throws -> RiskAssessment {
        let problems = RiskRules.problems(instrument: instrumentID, answers: answers, computed: nil, library: risk)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let computed = try risk.instrument(instrumentID).level(for: answers)
        let level = requested ?? computed
        if level < computed {
            throw ValidationFailure([ValidationProblem(
                pointer: "/level", message: "the level may be raised above the computed \(computed.rawValue), never lowered to \(level.rawValue)",
                code: .levelLowered, values: ["computed": computed.rawValue])])
        }
        if level > computed, (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationFailure([ValidationProblem(
                pointer: "/reason", message: "raising the level above the computed \(computed.rawValue) needs a reason",
                code: .raiseNeedsReason, values: ["computed": computed.rawValue])])
        }
        let file = try await CaseFileStore(db: db).exportCaseFile(caseID: caseID, scope: principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        let assessment = RiskAssessment(id: "ra-" + UUID().uuidString.prefix(8).lowercased(), instrument: instrumentID,
                                        assessedAt: pack.now(), assessor: principal.subject, answers: answers,
                                        computedLevel: computed, level: level, reason: level > computed ? reason : nil,
                                        knownIncidents: file.incidents.map(\.id))
        _ = try await RecordStore<RiskAssessment>(db: db, section: .riskAssessments)
            .add(assessment, ref: assessment.id, to: caseID, scope: principal.scope, expectedCount: expectedCount)
        return assessment
    }
}
