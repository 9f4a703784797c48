import Domain
import Law
import Testing

@Suite struct OtherJurisdictionTests {
    @Test func germanyRepeatedContactImpairingLifeHasGrounds() {
        let file = caseFile("DE", [incident("a", "2026-01-10", .contact, impact: [.restrictedMovement], offset: "+01:00"),
                                   incident("b", "2026-01-17", .threat, impact: [.fear], offset: "+01:00")])
        let o = offence(assess(file, at: "2026-03-01"), "DE.StGB.238")
        #expect(o.conclusion == .grounds)
        #expect(o.episodes.counted == ["a", "b"])
        #expect(o.mandatoryPaymentMrp == nil)
        #expect(o.explanation.contains("§ 238"))
    }

    @Test func germanyASingleActIsNotRepeated() {
        let file = caseFile("DE", [incident("a", "2026-01-10", impact: [.changedResidence], offset: "+01:00")])
        let o = offence(assess(file, at: "2026-03-01"), "DE.StGB.238")
        #expect(o.conclusion == .insufficient)
        #expect(status(o, "repeated") == .notMet)
    }

    @Test func germanyBeforeTheCurrentVersion() {
        let file = caseFile("DE", [incident("a", "2021-05-10", offset: "+02:00"), incident("b", "2021-06-10", offset: "+02:00")])
        #expect(offence(assess(file, at: "2021-12-01"), "DE.StGB.238").conclusion == .notApplicable)
    }

    @Test func englandStalkingIsACourseOfTwoOccasions() {
        let file = caseFile("GB-EAW", [incident("a", "2026-01-10", .tracking, offset: "Z"),
                                       incident("b", "2026-01-12", .contact, offset: "Z")])
        let a = assess(file, at: "2026-02-01")
        #expect(offence(a, "GB-EAW.PHA1997.2A").conclusion == .grounds)
        // s.4A needs fear of violence on two occasions or serious alarm with a substantial effect.
        let fourA = offence(a, "GB-EAW.PHA1997.4A")
        #expect(fourA.conclusion == .insufficient)
        #expect(status(fourA, "fearOfViolenceOrSeriousAlarm") == .unknown)
    }

    @Test func englandFearOfViolenceOnTwoOccasionsMeetsSection4A() {
        let file = caseFile("GB-EAW", [incident("a", "2026-01-10", .threat, offset: "Z"),
                                       incident("b", "2026-01-12", .threat, offset: "Z")])
        let fourA = offence(assess(file, at: "2026-02-01"), "GB-EAW.PHA1997.4A")
        #expect(fourA.conclusion == .grounds)
        #expect(fourA.limitation.earliestExpiry == nil) // either-way: no time limit
    }

    @Test func englandSummaryOffenceRunsOutAfterSixMonths() {
        let file = caseFile("GB-EAW", [incident("a", "2026-01-10", .tracking, offset: "Z"),
                                       incident("b", "2026-01-12", .contact, offset: "Z")])
        let late = offence(assess(file, at: "2026-07-11"), "GB-EAW.PHA1997.2A")
        #expect(late.episodes.timeBarred == ["a"])
        #expect(late.conclusion == .insufficient)
    }
}
