import Domain
import Law
import Testing

@Suite struct SentenceTests {
    let checker = SentenceChecker(pack: packs["KZ"]!)

    func check(_ punishment: Punishment?, payment: MandatoryPayment? = MandatoryPayment(mrp: 5),
               offenceDate: String = "2025-11-20", verdictDate: String = "2026-02-10",
               outcome: VerdictOutcome = .guilty) -> SentenceCheck {
        checker.check(punishment: punishment, payment: payment, outcome: outcome, offences: ["KZ.CC.115-1"],
                      offenceDate: LocalDate(offenceDate)!, verdictDate: LocalDate(verdictDate)!)
    }

    @Test func theSeedVerdictIsValid() throws {
        let result = try checker.check(try seedCase(), verdict: "d1")
        #expect(result.valid)
        #expect(result.problems.isEmpty)
        #expect(result.mandatoryPayment?.expectedUnits == 5)
        #expect(result.mandatoryPayment?.amount?.total == 5 * 4325) // MRP of 2026, the verdict's year
        #expect(result.unverified.contains("mandatoryPayment.criminalMisdemeanour"))
    }

    @Test func aFineOf200MRPIn2025Is786400Tenge() {
        let result = check(Punishment(type: .fine, mrp: 200), offenceDate: "2025-12-20")
        #expect(result.valid)
        #expect(result.amount?.total == 786_400)
        #expect(result.amount?.unitValue == 3932)
    }

    @Test func theFineIsConvertedAtTheMRPOfTheOffenceDateNotTheVerdict() {
        let result = check(Punishment(type: .fine, mrp: 50), offenceDate: "2025-12-31", verdictDate: "2026-03-01")
        #expect(result.amount?.total == 50 * 3932)
    }

    @Test func aPunishmentOverItsBoundIsRefusedNamingTheBound() {
        let result = check(Punishment(type: .communityService, hours: 250))
        #expect(!result.valid)
        #expect(result.problems == ["communityService of 250 hours is above the maximum of 200 hours under KZ.CC.115-1"])
        #expect(check(Punishment(type: .arrest, days: 51)).problems.first?.contains("maximum of 50 days") == true)
        #expect(check(Punishment(type: .fine, mrp: 201)).problems.first?.contains("maximum of 200 mrp") == true)
    }

    @Test func aPunishmentBelowItsMinimumIsRefused() {
        let result = check(Punishment(type: .correctionalWorks, mrp: 10))
        #expect(result.problems.first?.contains("below the minimum of 20 mrp") == true)
    }

    @Test func aPunishmentTheArticleDoesNotProvide() {
        let result = check(Punishment(type: .imprisonment, months: 6))
        #expect(result.problems.first?.contains("does not provide imprisonment") == true)
    }

    @Test func twoPrincipalPunishmentsAtOnceAreRefused() throws {
        var json = try JSONDocument.parse(CaseFileCodec.encode(try seedCase()))
        guard case .object(var root) = json, case .array(var verdicts) = root["verdicts"],
              case .object(var verdict) = verdicts[0] else { Issue.record("bad fixture"); return }
        verdict["punishment"] = .array([.object(["type": .string("communityService"), "hours": .int(100)]),
                                        .object(["type": .string("fine"), "mrp": .int(50)])])
        verdicts[0] = .object(verdict)
        root["verdicts"] = .array(verdicts)
        json = .object(root)
        let error = #expect(throws: ValidationFailure.self) { try CaseFileReader().read(json) }
        #expect(error?.problems.map(\.pointer) == ["/verdicts/0/punishment"])
        #expect(error?.problems.first?.message.contains("exactly one principal punishment") == true)
    }

    @Test func aGuiltyVerdictWithoutPunishmentIsRefused() {
        #expect(!check(nil).valid)
    }

    @Test func aWrongMandatoryPaymentIsFlagged() {
        let result = check(Punishment(type: .communityService, hours: 100), payment: MandatoryPayment(mrp: 10))
        #expect(result.warnings.first?.contains("is 5 MRP, not 10") == true) // unverified figure: a warning
        let missing = check(Punishment(type: .communityService, hours: 100), payment: nil)
        #expect(missing.warnings.first?.contains("mandatory payment of 5") == true)
    }

    @Test func anAcquittalCarriesNothing() {
        #expect(check(nil, payment: nil, outcome: .acquitted).valid)
        #expect(!check(Punishment(type: .fine, mrp: 10), payment: nil, outcome: .acquitted).valid)
    }

    @Test func severalOffencesTakeThePaymentOfTheGravestCategory() throws {
        // A pack made for the test: the same law with a second, graver offence.
        var pack = packs["KZ"]!
        var grave = pack.offences[0]
        grave.id = "KZ.CC.TEST"
        grave.category = "medium"
        pack.offences.append(grave)
        let result = SentenceChecker(pack: pack).check(
            punishment: Punishment(type: .fine, mrp: 100), payment: MandatoryPayment(mrp: 15), outcome: .guilty,
            offences: ["KZ.CC.115-1", "KZ.CC.TEST"], offenceDate: LocalDate("2025-12-01")!,
            verdictDate: LocalDate("2026-02-01")!)
        #expect(result.mandatoryPayment?.category == "medium")
        #expect(result.mandatoryPayment?.expectedUnits == 15)
        #expect(result.warnings.isEmpty)
    }
}
