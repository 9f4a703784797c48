import Domain
import Law
import Testing

@Suite struct LedgerAndDeadlineTests {
    func seedRef() throws -> CaseRef { CaseRef(id: "c-1", number: "ALM-2025-0141", file: try seedCase()) }

    @Test func theLedgerFollowsThePaymentFromDueToPaid() throws {
        let ledger = FundLedger(packs: packs)
        let before = ledger.report([try seedRef()], at: LocalDate("2026-02-20")!)
        #expect(before.entries.map(\.status) == [.due])
        #expect(before.entries.first?.amount == 5 * 4325)
        #expect(before.outstanding == 21_625)
        let after = ledger.report([try seedRef()], at: LocalDate("2026-04-01")!)
        #expect(after.entries.first?.status == .paid)
        #expect(after.paid == 21_625)
        #expect(after.outstanding == 0)
        #expect(ledger.report([try seedRef()], at: LocalDate("2026-02-01")!).entries.isEmpty) // before the verdict
    }

    @Test func anUnpaidPaymentBecomesOverdueAndADeadline() throws {
        var file = try seedCase()
        file.verdicts[0].mandatoryPayment?.paidAt = nil
        let ref = CaseRef(id: "c-1", number: "ALM-2025-0141", file: file)
        let report = FundLedger(packs: packs).report([ref], at: LocalDate("2026-04-01")!)
        #expect(report.entries.first?.status == .overdue)
        #expect(report.overdue == 21_625)
        #expect(report.persons.first?.person == "Daniyar Sarsenov")
        let deadlines = DeadlineFinder(packs: packs, risk: nil).deadlines([ref], at: LocalDate("2026-04-01")!)
        #expect(deadlines.map(\.kind) == [.paymentOverdue])
        #expect(deadlines.first?.daysLeft ?? 0 < 0)
    }

    /// The clock runs until a verdict enters into force, not until a case is registered.
    @Test func episodesNearTheirLimitationDateAreListedUntilAVerdictJudgesThem() throws {
        let file = caseFile([incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-12-01", impact: [.changedJob])])
        let ref = CaseRef(id: "c-2", number: nil, file: file)
        let found = DeadlineFinder(packs: packs, risk: nil).deadlines([ref], at: LocalDate("2026-09-10")!)
        #expect(found.map(\.record) == ["a"])
        #expect(found.first?.due == LocalDate("2026-10-01"))
        var registered = file
        registered.criminalProceedings = [CriminalProceeding(id: "p", article: "KZ.CC.115-1",
                                                             registeredAt: ZonedDateTime("2026-09-01T10:00:00+05:00")!,
                                                             incidents: ["a", "b"], stage: .preTrial)]
        let finder = DeadlineFinder(packs: packs, risk: nil)
        #expect(finder.deadlines([CaseRef(id: "c-2", number: nil, file: registered)], at: LocalDate("2026-09-10")!).map(\.record) == ["a"])
        registered.criminalProceedings[0].stage = .decided
        registered.verdicts = [Verdict(id: "d", proceeding: "p", decidedAt: ZonedDateTime("2026-09-05T10:00:00+05:00")!, court: "court",
                                       outcome: .guilty, punishment: Punishment(type: .communityService, hours: 100),
                                       enteredIntoForce: LocalDate("2026-09-08"))]
        #expect(finder.deadlines([CaseRef(id: "c-2", number: nil, file: registered)], at: LocalDate("2026-09-10")!).isEmpty)
    }

    @Test func anOrderAboutToExpire() throws {
        var file = caseFile([incident("a", "2025-10-01")])
        file.protectiveOrders = [ProtectiveOrder(id: "o1", type: .protectiveOrder, issuedAt: ZonedDateTime("2025-10-02T10:00:00+05:00")!,
                                                 validUntil: ZonedDateTime("2025-11-01T10:00:00+05:00")!, issuer: "police",
                                                 conditions: OrderConditions(noContact: true))]
        let ref = CaseRef(id: "c-3", number: nil, file: file)
        #expect(DeadlineFinder(packs: packs, risk: nil).deadlines([ref], at: LocalDate("2025-10-28")!).map(\.kind) == [.orderExpiring])
        #expect(DeadlineFinder(packs: packs, risk: nil).deadlines([ref], at: LocalDate("2025-10-10")!).isEmpty)
    }

    @Test func aRiskAssessmentDueIsADeadline() throws {
        let library = try RiskLibrary.load(environment: [:])
        var file = caseFile([incident("a", "2025-10-01"), incident("b", "2025-10-02")])
        let ref = { CaseRef(id: "c-4", number: nil, file: file) }
        let unassessed = DeadlineFinder(packs: packs, risk: library).deadlines([ref()], at: LocalDate("2025-10-05")!)
        #expect(unassessed.map(\.kind) == [.riskReassessment])
        #expect(unassessed.first?.due == LocalDate("2025-10-01"), "due since the first frightening incident")
        file.riskAssessments = [RiskAssessment(id: "ra1", instrument: "S-DASH", assessedAt: ZonedDateTime("2025-10-05T10:00:00+05:00")!,
                                               assessor: "o", answers: ["threats": true], computedLevel: .medium, level: .medium)]
        #expect(DeadlineFinder(packs: packs, risk: library).deadlines([ref()], at: LocalDate("2025-10-06")!).isEmpty,
                "medium: next in 30 days, beyond the 7-day window")
        let near = DeadlineFinder(packs: packs, risk: library).deadlines([ref()], at: LocalDate("2025-10-30")!)
        #expect(near.map(\.kind) == [.riskReassessment])
        #expect(near.first?.due == LocalDate("2025-11-04"))
        #expect(near.first?.record == "ra1")
    }
}
