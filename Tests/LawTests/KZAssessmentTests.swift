import Domain
import Law
import Testing

@Suite struct KZAssessmentTests {
    let id = "KZ.CC.115-1"

    @Test func theSeedCaseHasGrounds() throws {
        let a = assess(try seedCase(), at: "2026-01-31")
        let o = offence(a, id)
        #expect(o.conclusion == .grounds)
        #expect(o.elements.allSatisfy { $0.status == .met })
        // i5, the threatening messages, is contact against her will too (LAW.md, second pass)
        #expect(o.episodes.counted == ["i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8", "i9", "i10"])
        #expect(o.mandatoryPaymentMrp == 5)
        #expect(o.limitation.earliestExpiry == LocalDate("2026-09-22"))
        #expect(o.unverified.contains("minimumEpisodes"))
        #expect(a.alsoConsider.map(\.norm).contains("KZ.CC.115"))
        #expect(o.sanction.alternatives.map(\.type) == ["fine", "correctionalWorks", "communityService", "arrest"])
        #expect(o.explanation.contains("art. 115-1"))
        #expect(offence(assess(try seedCase(), at: "2026-01-31", language: .ru), id).explanation.contains("ст. 115-1"))
        #expect(offence(assess(try seedCase(), at: "2026-01-31", language: .kk), id).explanation.contains("115-1-бап"))
    }

    @Test func conductBeforeTheNormIsNotApplicable() {
        let file = caseFile([incident("a", "2025-08-01"), incident("b", "2025-09-15", .tracking, impact: [.changedJob])])
        let o = offence(assess(file, at: "2025-12-01"), id)
        #expect(o.conclusion == .notApplicable)
        #expect(o.episodes.beforeInForce == ["a", "b"])
        #expect(o.episodes.counted.isEmpty)
    }

    @Test func theDayTheNormCameIntoForceCounts() {
        // 2025-09-15T20:30Z is already 16 September in Almaty.
        let late = Incident(id: "x", occurredAt: ZonedDateTime("2025-09-15T20:30:00Z")!, kind: .contact, channel: .sms,
                            description: "", againstWill: true, violence: false, reportedBy: .victim, impact: [.changedJob])
        let o = offence(assess(caseFile([late, incident("y", "2025-09-20")]), at: "2025-12-01"), id)
        #expect(o.episodes.counted == ["x", "y"])
    }

    @Test func aSingleEpisodeIsInsufficient() {
        let o = offence(assess(caseFile([incident("a", "2025-10-01", impact: [.changedResidence])]), at: "2025-12-01"), id)
        #expect(o.conclusion == .insufficient)
        #expect(status(o, "pattern") == .notMet)
        #expect(status(o, "substantialHarm") == .met)
    }

    @Test func episodesNotAgainstTheWillDoNotCount() {
        let file = caseFile([incident("a", "2025-10-01", againstWill: false, impact: [.changedJob]),
                             incident("b", "2025-10-05", againstWill: false, impact: [.changedJob])])
        let o = offence(assess(file, at: "2025-12-01"), id)
        #expect(o.conclusion == .insufficient)
        #expect(status(o, "againstWill") == .notMet)
        #expect(o.episodes.counted.isEmpty)
        #expect(o.episodes.excluded.map(\.element) == ["againstWill", "againstWill"])
    }

    @Test func noSignOfHarmIsInsufficient() {
        let file = caseFile([incident("a", "2025-10-01", impact: []), incident("b", "2025-10-05", .tracking, impact: [])])
        let a = assess(file, at: "2025-12-01")
        let o = offence(a, id)
        #expect(o.conclusion == .insufficient)
        #expect(status(o, "substantialHarm") == .notMet)
        #expect(a.steps.map(\.code).contains(.documentHarm))
    }

    @Test func fearAloneLeavesHarmUnknown() {
        let file = caseFile([incident("a", "2025-10-01"), incident("b", "2025-10-05")])
        let o = offence(assess(file, at: "2025-12-01"), id)
        #expect(status(o, "substantialHarm") == .unknown)
        #expect(o.conclusion == .insufficient)
    }

    @Test func episodesPastTheLimitationPeriodAreTimeBarred() {
        let file = caseFile([incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-11-01", impact: [.changedJob]),
                             incident("c", "2026-02-01", impact: [.changedJob])])
        let mid = offence(assess(file, at: "2026-10-15"), id)
        #expect(mid.episodes.timeBarred == ["a"])
        #expect(mid.episodes.counted == ["b", "c"])
        #expect(mid.limitation.earliestExpiry == LocalDate("2026-11-01"))
        #expect(mid.conclusion == .grounds)
        let late = offence(assess(file, at: "2027-03-01"), id)
        #expect(late.episodes.timeBarred == ["a", "b", "c"])
        #expect(late.conclusion == .notApplicable)
    }

    @Test func theLastDayOfTheLimitationPeriodIsStillInTime() {
        let file = caseFile([incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-10-02", impact: [.changedJob])])
        #expect(offence(assess(file, at: "2026-10-01"), id).episodes.counted == ["a", "b"])
        #expect(offence(assess(file, at: "2026-10-02"), id).episodes.timeBarred == ["a"])
    }

    /// УК РК art. 71: the clock of the episodes a guilty verdict covers stops when it enters into
    /// force (here 16 days after its pronouncement on 10 February 2026), and judged episodes are
    /// never counted again.
    @Test func aVerdictInForceJudgesItsEpisodes() throws {
        var file = try seedCase()
        file.incidents = file.incidents.filter { ["i1", "i2"].contains($0.id) }
        file.criminalProceedings[0].incidents = ["i1", "i2"]
        let o = offence(assess(file, at: "2027-06-01"), id)
        #expect(o.episodes.adjudicated == ["i1", "i2"])
        #expect(o.episodes.timeBarred.isEmpty)
        #expect(o.episodes.counted.isEmpty)
        #expect(o.conclusion == .notApplicable)
        #expect(o.unverified.contains("verdicts.appealDays"))
    }

    @Test func violenceAndThreatsAreQualifiedSeparately() {
        let file = caseFile([incident("a", "2025-10-01", impact: [.changedJob]), incident("t", "2025-10-03", .threat),
                             incident("v", "2025-10-04", .violence, violence: true),
                             incident("c", "2025-10-05", .contact, violence: true, impact: [.changedJob])])
        let a = assess(file, at: "2025-12-01")
        let o = offence(a, id)
        // a threat is contact imposed against her will: it counts, and art. 115 is considered besides
        #expect(o.episodes.counted == ["a", "t"])
        #expect(o.episodes.excluded == [ExcludedEpisode(incident: "c", element: "withoutViolence")])
        let norms = Dictionary(uniqueKeysWithValues: a.alsoConsider.map { ($0.norm, $0.incidents) })
        #expect(norms["KZ.CC.115"] == ["t"])
        #expect(norms["KZ.CC.106-109"] == ["v", "c"])
    }

    @Test func assessingAtAPastDateIgnoresWhatCameLater() throws {
        let o = offence(assess(try seedCase(), at: "2025-10-02"), id)
        #expect(o.episodes.counted == ["i1", "i2", "i3", "i4"])
    }

    @Test(arguments: 0..<20)
    func shufflingIncidentsNeverChangesTheAssessment(_ seed: Int) throws {
        var file = try seedCase()
        let expected = assess(file, at: "2026-01-31")
        var generator = SeededGenerator(seed: UInt64(seed))
        file.incidents.shuffle(using: &generator)
        #expect(assess(file, at: "2026-01-31") == expected)
    }

    @Test func theSameInputGivesTheSameOutputInEveryLanguage() throws {
        for language in Language.allCases {
            #expect(assess(try seedCase(), at: "2026-01-31", language: language)
                    == assess(try seedCase(), at: "2026-01-31", language: language))
        }
    }
}
