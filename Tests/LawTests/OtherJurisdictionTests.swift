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

    /// StGB § 2: conduct that ended before 1 October 2021 is judged under the wording then in force
    /// (since 10 March 2017), not as conduct before the norm; before 31 March 2007 there was no § 238.
    @Test func germanyBeforeTheCurrentWordingIsJudgedUnderTheOneThenInForce() {
        let file = caseFile("DE", [incident("a", "2021-05-10", impact: [.changedResidence], offset: "+02:00"),
                                   incident("b", "2021-09-10", offset: "+02:00")])
        let o = offence(assess(file, at: "2021-12-01"), "DE.StGB.238")
        #expect(o.conclusion == .grounds)
        #expect(o.episodes.counted == ["a", "b"])
        #expect(o.wording == LocalDate("2017-03-10"))
        #expect(o.inForce == LocalDate("2007-03-31"))
        #expect(o.elements.map(\.element) == ["conduct", "unauthorised", "persistent", "seriousImpairment"])
        let old = caseFile("DE", [incident("a", "2006-05-10", offset: "+02:00"), incident("b", "2006-06-10", offset: "+02:00")])
        #expect(offence(assess(old, at: "2006-12-01"), "DE.StGB.238").conclusion == .notApplicable)
        let now = caseFile("DE", [incident("a", "2021-09-10", impact: [.lostIncome], offset: "+02:00"),
                                  incident("b", "2021-10-10", offset: "+02:00")])
        let current = offence(assess(now, at: "2021-12-01"), "DE.StGB.238")
        #expect(current.wording == LocalDate("2021-10-01"))
        #expect(status(current, "impairment") == .met)
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

    /// s.2A is summary only: six months (MCA 1980 s.127) from the last incident of the course of
    /// conduct (DPP v Baker [2004] EWHC 2782 (Admin)), for every incident of it.
    @Test func englandSummaryOffenceRunsOutSixMonthsAfterTheLastIncident() {
        let file = caseFile("GB-EAW", [incident("a", "2026-01-10", .tracking, offset: "Z"),
                                       incident("b", "2026-01-12", .contact, offset: "Z")])
        let inTime = offence(assess(file, at: "2026-07-11"), "GB-EAW.PHA1997.2A")
        #expect(inTime.episodes.counted == ["a", "b"])
        #expect(inTime.limitation.byEpisode.map(\.expires) == [LocalDate("2026-07-12")!, LocalDate("2026-07-12")!])
        let late = offence(assess(file, at: "2026-07-13"), "GB-EAW.PHA1997.2A")
        #expect(late.episodes.timeBarred == ["a", "b"])
        #expect(late.conclusion == .notApplicable)
    }

    /// Two incidents eight months apart, the last a month ago: the course is in time.
    @Test func englandACourseLongerThanSixMonthsIsInTime() {
        let file = caseFile("GB-EAW", [incident("a", "2025-06-01", .tracking, offset: "+01:00"),
                                       incident("b", "2026-02-01", .contact, offset: "Z")])
        let o = offence(assess(file, at: "2026-03-01"), "GB-EAW.PHA1997.2A")
        #expect(o.conclusion == .grounds)
        #expect(o.episodes.timeBarred.isEmpty)
        #expect(o.limitation.earliestExpiry == LocalDate("2026-08-01"))
    }
}
