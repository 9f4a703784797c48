import Domain
import Foundation
import Law
import Testing

/// The law's second pass (issue 23, shared/LAW.md "How the rules apply"): after a verdict, courses
/// of conduct, and no unverified figure enforced as fact. Each test names its legal source.
@Suite struct SecondPassTests {
    let id = "KZ.CC.115-1"

    /// A case with a proceeding on `charged` and a verdict on it pronounced on `decided`.
    func judged(_ incidents: [Incident], charged: [String], decided: String, outcome: VerdictOutcome = .guilty,
                inForce: String? = nil) -> CaseFile {
        var file = caseFile(incidents)
        file.criminalProceedings = [CriminalProceeding(id: "c1", article: id, registeredAt: ZonedDateTime("\(decided)T09:00:00+05:00")!,
                                                       incidents: charged, stage: .decided)]
        file.verdicts = [Verdict(id: "d1", proceeding: "c1", decidedAt: ZonedDateTime("\(decided)T15:00:00+05:00")!, court: "court",
                                 outcome: outcome, punishment: outcome == .guilty ? Punishment(type: .communityService, hours: 100) : nil,
                                 mandatoryPayment: outcome == .guilty ? MandatoryPayment(mrp: 5) : nil,
                                 enteredIntoForce: inForce.flatMap(LocalDate.init))]
        return file
    }

    /// Ne bis in idem; УК РК art. 71: a conviction followed by new episodes. The judged episodes are
    /// listed apart; the new ones are a course of their own with their own steps and deadlines, and
    /// they run out of time a year after each.
    @Test func aConvictionFollowedByNewEpisodesIsANewCourse() {
        let file = judged([incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-10-05", impact: [.changedJob]),
                           incident("n1", "2026-04-01", impact: [.changedResidence]), incident("n2", "2026-04-10", .tracking)],
                          charged: ["a", "b"], decided: "2026-02-10")
        let a = assess(file, at: "2026-05-01")
        let o = offence(a, id)
        #expect(o.episodes.adjudicated == ["a", "b"])
        #expect(o.episodes.counted == ["n1", "n2"])
        #expect(o.conclusion == .grounds)
        let register = a.steps.first { $0.code == .registerCriminalCase }
        #expect(register?.incidents == ["n1", "n2"])
        #expect(o.explanation.contains("Already judged by a verdict, not counted again: a, b."))
        // the new episodes' deadlines are listed although the case has a proceeding
        let deadlines = DeadlineFinder(packs: packs, risk: nil).deadlines([CaseRef(id: "c", number: nil, file: file)], at: LocalDate("2027-03-15")!)
        #expect(deadlines.filter { $0.kind == .episodeTimeBar }.map(\.record) == ["n1", "n2"])
        // a year later they are time-barred; the judged ones stay judged
        let late = offence(assess(file, at: "2027-04-02"), id)
        #expect(late.episodes.timeBarred == ["n1"])
        #expect(late.episodes.adjudicated == ["a", "b"])
        #expect(offence(assess(file, at: "2027-04-11"), id).episodes.timeBarred == ["n1", "n2"])
    }

    /// УК РК art. 71(1): the clock runs until the verdict enters into force. Pronounced on
    /// 25 September 2026, in force after the 15-day appeal period (unverified, a pack figure): an
    /// episode whose year ended on 1 October 2026 is time-barred; a verdict in force before then
    /// would have stopped it.
    @Test func aVerdictNotYetInForceWhenTheYearEndsDoesNotStopTheClock() {
        let incidents = [incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-12-01", impact: [.changedJob])]
        let pending = offence(assess(judged(incidents, charged: ["a", "b"], decided: "2026-09-25"), at: "2026-10-20"), id)
        #expect(pending.episodes.timeBarred == ["a"])
        #expect(pending.episodes.adjudicated == ["b"])
        #expect(pending.unverified.contains("verdicts.appealDays"))
        // the day it entered into force, when recorded, is what counts
        // until then b's clock runs: its expiry is listed, and a worklist shows it
        let before = offence(assess(judged(incidents, charged: ["a", "b"], decided: "2026-09-25"), at: "2026-09-28"), id)
        #expect(before.limitation.byEpisode.map(\.incident) == ["a", "b"])
        let listed = DeadlineFinder(packs: packs, risk: nil).deadlines([CaseRef(id: "c", number: nil, file: judged(incidents, charged: ["a", "b"], decided: "2026-09-25"))],
                                                                        at: LocalDate("2026-09-28")!)
        #expect(listed.filter { $0.kind == .episodeTimeBar }.map(\.record) == ["a"]) // b's is in December, beyond the 30 days
        let recorded = offence(assess(judged(incidents, charged: ["a", "b"], decided: "2026-09-25", inForce: "2026-09-30"), at: "2026-10-20"), id)
        #expect(recorded.episodes.timeBarred.isEmpty)
        #expect(recorded.episodes.adjudicated == ["a", "b"])
        #expect(!recorded.unverified.contains("verdicts.appealDays"))
    }

    /// УК РК art. 71: an acquittal stops no clock while it can be appealed: an episode whose year
    /// ends meanwhile is time-barred, the others are judged (never charged again) and their
    /// expiry is still listed until the acquittal enters into force.
    @Test func anAcquittalUnderAppealStopsNothing() {
        let incidents = [incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-10-05", impact: [.changedJob])]
        let acquitted = judged(incidents, charged: ["a", "b"], decided: "2026-09-20", outcome: .acquitted)
        let o = offence(assess(acquitted, at: "2026-10-03"), id)
        #expect(o.episodes.timeBarred == ["a"])
        #expect(o.episodes.adjudicated == ["b"])
        #expect(o.episodes.counted.isEmpty)
        #expect(o.limitation.byEpisode.map(\.incident) == ["b"] && o.limitation.earliestExpiry == LocalDate("2026-10-05"))
        // it entered into force on 6 October, after b's year ended on the 5th: b ran out of time too
        #expect(offence(assess(acquitted, at: "2026-12-01"), id).episodes.timeBarred == ["a", "b"])
        // a conviction in force in February stopped both clocks in time
        let convicted = offence(assess(judged(incidents, charged: ["a", "b"], decided: "2026-02-10"), at: "2026-10-03"), id)
        #expect(convicted.episodes.timeBarred.isEmpty)
        #expect(convicted.episodes.adjudicated == ["a", "b"])
        #expect(convicted.limitation.byEpisode.isEmpty)
    }

    /// A verdict on other episodes stops nothing for the rest: episodes before it that it did not
    /// cover run out of time as before; they belong to the course it ended and are not counted
    /// with the conduct after it (which is a course of its own).
    @Test func aVerdictOnOtherEpisodesStopsNothingForTheRest() {
        let file = judged([incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-10-05", impact: [.changedJob]),
                           incident("c", "2025-10-09", impact: [.changedJob]), incident("n", "2026-09-01", .tracking)],
                          charged: ["a"], decided: "2026-02-10")
        let o = offence(assess(file, at: "2026-10-07"), id)
        #expect(o.episodes.adjudicated == ["a"])
        #expect(o.episodes.timeBarred == ["b"])
        #expect(o.episodes.beforeVerdict == ["c"])
        #expect(o.episodes.counted == ["n"])
        #expect(o.conclusion == .insufficient, "one new episode does not borrow the pattern or the harm of the course before the verdict")
        // c is not forgotten: its expiry is listed and a step asks whether to prosecute it
        #expect(o.limitation.byEpisode.map(\.incident).contains("c"))
        let step = assess(file, at: "2026-10-07").steps.first { $0.code == .reviewUncharged }
        #expect(step?.incidents == ["c"])
        // an acquittal does not end the course
        var acquitted = file
        acquitted.verdicts[0].outcome = .acquitted
        acquitted.verdicts[0].punishment = nil
        acquitted.verdicts[0].mandatoryPayment = nil
        #expect(offence(assess(acquitted, at: "2026-10-07"), id).episodes.beforeVerdict.isEmpty)
    }

    /// LAW.md (seed case: "messages with threats" among the stalking): a threatening message is
    /// contact imposed against her will; it counts toward 115-1 and art. 115 is proposed besides.
    @Test func aThreatCountsAndArticle115IsConsideredBesides() {
        let file = caseFile([incident("t1", "2025-10-01", .threat, impact: [.changedResidence]), incident("t2", "2025-10-03", .threat)])
        let a = assess(file, at: "2025-11-01")
        let o = offence(a, id)
        #expect(o.episodes.counted == ["t1", "t2"])
        #expect(o.conclusion == .grounds)
        #expect(a.alsoConsider.first { $0.norm == "KZ.CC.115" }?.incidents == ["t1", "t2"])
    }

    /// Practice (LAW.md, "Harm"): one call to the police, or fear alone, does not show substantial
    /// harm; seeking protection repeatedly does. The mapping is an interpretation, flagged.
    @Test func oneCallToThePoliceLeavesHarmUnknown() {
        let once = caseFile([incident("a", "2025-10-01", impact: [.soughtProtection]), incident("b", "2025-10-03", impact: [.fear])])
        let o = offence(assess(once, at: "2025-11-01"), id)
        #expect(status(o, "substantialHarm") == .unknown)
        #expect(o.conclusion == .insufficient)
        #expect(o.unverified.contains("substantialHarm.impacts"))
        let twice = caseFile([incident("a", "2025-10-01", impact: [.soughtProtection]), incident("b", "2025-10-03", impact: [.soughtProtection])])
        let repeated = offence(assess(twice, at: "2025-11-01"), id)
        #expect(status(repeated, "substantialHarm") == .met)
        #expect(repeated.conclusion == .grounds)
    }

    /// StGB § 238 ("nicht unerheblich"): in the German pack too, one request for protection only
    /// hints at the impairment; repeated, it shows it (an interpretation, flagged).
    @Test func germanyOneRequestForProtectionLeavesTheImpairmentUnknown() {
        let once = caseFile("DE", [incident("a", "2026-01-10", impact: [.soughtProtection], offset: "+01:00"),
                                   incident("b", "2026-01-12", offset: "+01:00")])
        let o = offence(assess(once, at: "2026-03-01"), "DE.StGB.238")
        #expect(status(o, "impairment") == .unknown)
        #expect(o.unverified.contains("impairment.impacts"))
        let twice = caseFile("DE", [incident("a", "2026-01-10", impact: [.soughtProtection], offset: "+01:00"),
                                    incident("b", "2026-01-12", impact: [.soughtProtection], offset: "+01:00")])
        #expect(status(offence(assess(twice, at: "2026-03-01"), "DE.StGB.238"), "impairment") == .met)
    }

    /// StGB § 2: the wording is that in force at the last act of the course; an act that is not
    /// against her will (not an act of the course) does not decide it.
    @Test func germanyTheWordingIsChosenByTheLastActOfTheCourse() {
        var file = caseFile("DE", [incident("a", "2019-05-10", impact: [.fear], offset: "+02:00"), incident("b", "2019-06-10", offset: "+02:00"),
                                   incident("x", "2022-02-01", againstWill: false, impact: [.lostIncome], offset: "+01:00")])
        #expect(offence(assess(file, at: "2022-03-01"), "DE.StGB.238").wording == LocalDate("2017-03-10"))
        file.incidents[2].againstWill = true
        #expect(offence(assess(file, at: "2022-03-01"), "DE.StGB.238").wording == LocalDate("2021-10-01"))
    }

    /// Law 214-IV covers family and household relations (MED): a protective order is proposed
    /// against a former spouse, not against a stranger.
    @Test func aProtectiveOrderIsProposedOnlyWhereItsLawReaches() {
        var file = caseFile([incident("a", "2025-10-01"), incident("b", "2025-10-03")])
        file.persons[1].relationshipToVictim = .stranger
        #expect(!assess(file, at: "2025-11-01").steps.contains { $0.code == .issueProtectiveOrder })
        file.persons[1].relationshipToVictim = .formerSpouse
        #expect(assess(file, at: "2025-11-01").steps.contains { $0.code == .issueProtectiveOrder })
        file.persons[1].relationshipToVictim = nil // not recorded: proposed, asking for it
        let step = assess(file, at: "2025-11-01").steps.first { $0.code == .issueProtectiveOrder }
        #expect(step?.text.contains("relationship to the victim is not recorded") == true)
    }

    /// КоАП 461: episodes already sanctioned administratively are shown wherever they are counted
    /// or proposed for a criminal case.
    @Test func episodesSanctionedAdministrativelyAreShown() {
        var file = caseFile([incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-10-05")])
        file.administrativeCases = [AdministrativeCase(id: "adm", article: "KZ.CAO.461", incidents: ["b"],
                                                       decidedAt: ZonedDateTime("2025-10-10T10:00:00+05:00")!,
                                                       sanction: AdministrativeSanction(type: .fine, mrp: 10))]
        let a = assess(file, at: "2025-11-01")
        let o = offence(a, id)
        #expect(o.episodes.administrativelySanctioned == ["b"])
        #expect(o.explanation.contains("Of those counted, already sanctioned administratively: b."))
        let step = a.steps.first { $0.code == .registerCriminalCase }
        #expect(step?.text.contains("Episodes b were already sanctioned administratively") == true)
        #expect(offence(assess(file, at: "2025-11-01", language: .ru), id).explanation.contains("уже повлекли административное взыскание: b"))
    }

    /// An unverified bound never refuses a record: КоАП 461's bounds are not from the text, so a
    /// fine of 100 MRP is kept with a warning naming the figure. A verified bound still refuses.
    @Test func anUnverifiedBoundWarnsAndAVerifiedOneRefuses() throws {
        let rules = ProceedingRules(pack: packs["KZ"]!)
        let adm = AdministrativeCase(id: "adm", article: "KZ.CAO.461", incidents: [], decidedAt: ZonedDateTime("2025-10-10T10:00:00+05:00")!,
                                     sanction: AdministrativeSanction(type: .fine, mrp: 100))
        let found = rules.findings(adm)
        #expect(found.refusals.isEmpty)
        #expect(found.warnings.map(\.values?["figure"]) == ["KZ.CAO.461.sanction.fine.max"])
        #expect(found.warnings.first?.code == .unverifiedBound)
        let number = rules.findings(CriminalProceeding(id: "c", article: id, registeredAt: ZonedDateTime("2025-10-10T10:00:00+05:00")!,
                                                       registrationNumber: "ЕРДР-12", incidents: [], stage: .preTrial))
        #expect(number.refusals.isEmpty)
        #expect(number.warnings.first?.values?["figure"] == "registrationNumberPattern")
        var file = caseFile([incident("a", "2025-10-01")])
        file.administrativeCases = [adm]
        #expect(CaseFileRules.problems(file, packs: packs).isEmpty)
        #expect(CaseFileRules.warnings(file, packs: packs).map(\.pointer) == ["/administrativeCases/0/sanction/mrp"])
        // 250 MRP is above 115-1's verified maximum of 200: refused
        let check = SentenceChecker(pack: packs["KZ"]!).check(punishment: Punishment(type: .fine, mrp: 250), payment: MandatoryPayment(mrp: 5),
                                                               outcome: .guilty, offences: [id], offenceDate: LocalDate("2025-10-01")!,
                                                               verdictDate: LocalDate("2026-02-10")!)
        #expect(!check.valid)
        // 10 MRP is below the fine's unverified minimum of 25 (art. 41(2), edition uncertain): a warning
        let low = SentenceChecker(pack: packs["KZ"]!).check(punishment: Punishment(type: .fine, mrp: 10), payment: MandatoryPayment(mrp: 5),
                                                             outcome: .guilty, offences: [id], offenceDate: LocalDate("2025-10-01")!,
                                                             verdictDate: LocalDate("2026-02-10")!)
        #expect(low.valid)
        #expect(low.warnings.contains { $0.contains("sanction.fine.min") })
    }

    /// Law «О Фонде компенсации потерпевшим»: the payment's due days, the day they run from and the
    /// MRP's day are pack figures; an overdue payment resting on unverified ones names them.
    @Test func anOverduePaymentNamesTheUnverifiedFiguresItRestsOn() throws {
        var file = try seedCase()
        file.verdicts[0].mandatoryPayment?.paidAt = nil
        let entry = try #require(FundLedger(packs: packs).report([CaseRef(id: "c", number: nil, file: file)], at: LocalDate("2026-04-01")!).entries.first)
        #expect(entry.status == .overdue)
        #expect(entry.unverified.contains("mandatoryPayment.dueDays"))
        #expect(entry.unverified.contains("mandatoryPayment.dueFrom"))
        #expect(entry.unitValueDate == LocalDate("2026-02-10"))
    }

    /// A pack says what the host's time-zone data must give (Kazakhstan: UTC+5 from 1 March 2024);
    /// data that disagrees stops Qorgau with a clear message.
    @Test func timeZoneDataThatDisagreesStopsThePack() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Law/Resources/jurisdictions/KZ.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(throws: Never.self) { try PackLoader.load(text: text, fileName: "KZ.yaml") }
        let wrong = text.replacingOccurrences(of: "{at: \"2025-06-01T12:00\", offset: \"+05:00\"", with: "{at: \"2025-06-01T12:00\", offset: \"+06:00\"")
        #expect(wrong != text)
        do {
            _ = try PackLoader.load(text: wrong, fileName: "KZ.yaml")
            Issue.record("a pack whose zone check fails loaded")
        } catch let error as PackError {
            #expect(error.message.contains("time-zone data gives Asia/Almaty the offset +05:00 at 2025-06-01T12:00, but it is +06:00"))
        }
    }

    /// Episodes a closed proceeding held are not proposed for registration again; new ones are.
    @Test func aClosedProceedingsEpisodesAreNotProposedAgain() {
        var file = caseFile([incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-10-05", impact: [.changedJob])])
        file.criminalProceedings = [CriminalProceeding(id: "c1", article: id, registeredAt: ZonedDateTime("2025-10-10T09:00:00+05:00")!,
                                                       incidents: ["a", "b"], stage: .closed)]
        #expect(!assess(file, at: "2025-11-01").steps.contains { $0.code == .registerCriminalCase })
        file.incidents.append(incident("c", "2025-10-20", impact: [.changedJob]))
        #expect(assess(file, at: "2025-11-01").steps.first { $0.code == .registerCriminalCase }?.incidents == ["a", "b", "c"])
        file.criminalProceedings[0].stage = .preTrial // an open one: new episodes join it
        #expect(!assess(file, at: "2025-11-01").steps.contains { $0.code == .registerCriminalCase })
    }

    /// An order's violations are referred under its own measure's article, whoever the respondent is.
    @Test func violationsAreReferredUnderTheOrdersArticleForAStranger() {
        var file = caseFile([incident("a", "2025-10-05"), incident("b", "2025-10-06")])
        file.persons[1].relationshipToVictim = .stranger
        file.protectiveOrders = [ProtectiveOrder(id: "o1", type: .protectiveOrder, issuedAt: ZonedDateTime("2025-10-01T10:00:00+05:00")!,
                                                 validUntil: ZonedDateTime("2025-10-31T10:00:00+05:00")!, issuer: "police",
                                                 conditions: OrderConditions(noContact: true))]
        let refer = assess(file, at: "2025-11-01").steps.first { $0.code == .referViolations }
        #expect(refer?.text.hasSuffix("for proceedings under KZ.CAO.461.") == true, "\(refer?.text ?? "")")
    }

    /// Sentencing dates the offence as the assessment does: by the last act of its conduct that
    /// was charged (a property damage charged alongside does not move the MRP's day).
    @Test func sentencingDatesTheOffenceByItsLastAct() throws {
        var file = judged([incident("a", "2025-11-01", impact: [.changedJob]), incident("b", "2025-12-20"),
                           incident("d", "2026-01-05", .propertyDamage)], charged: ["a", "b", "d"], decided: "2026-03-01")
        file.verdicts[0].punishment = Punishment(type: .fine, mrp: 100)
        let check = try SentenceChecker(pack: packs["KZ"]!).check(file, verdict: "d1")
        #expect(check.amount?.unitValue == 3932)
        #expect(check.amount?.valueDate == LocalDate("2025-12-20"))
    }

    /// Whether a warning is still among КоАП 461's penalties is unverified (LAW.md, MED): a
    /// warning sanction is kept, with a warning.
    @Test func aSanctionOfAKindThePackDoesNotListIsKeptWhenTheListIsUnverified() {
        let adm = AdministrativeCase(id: "adm", article: "KZ.CAO.461", incidents: [], decidedAt: ZonedDateTime("2025-10-10T10:00:00+05:00")!,
                                     sanction: AdministrativeSanction(type: .warning))
        let found = ProceedingRules(pack: packs["KZ"]!).findings(adm)
        #expect(found.refusals.isEmpty)
        #expect(found.warnings.first?.values?["figure"] == "KZ.CAO.461.sanctions")
    }

    /// Two verdicts on the same episodes are said, naming them (ne bis in idem).
    @Test func twoVerdictsOnTheSameEpisodesAreSaid() {
        var file = judged([incident("a", "2025-10-01"), incident("b", "2025-10-05")], charged: ["a", "b"], decided: "2026-02-10")
        file.criminalProceedings.append(CriminalProceeding(id: "c2", article: id, registeredAt: ZonedDateTime("2026-03-01T09:00:00+05:00")!,
                                                           incidents: ["b"], stage: .decided))
        file.verdicts.append(Verdict(id: "d2", proceeding: "c2", decidedAt: ZonedDateTime("2026-04-01T15:00:00+05:00")!, court: "court",
                                     outcome: .guilty, punishment: Punishment(type: .communityService, hours: 50)))
        let warnings = CaseFileRules.warnings(file, packs: packs).filter { $0.pointer == "/verdicts/1" }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("episodes b were already judged") == true)
    }

    /// PHA 1997 s.2A(3)(b): contacting includes a threatening message.
    @Test func englandAThreateningMessageIsAnActAssociatedWithStalking() {
        let file = caseFile("GB-EAW", [incident("a", "2026-01-10", .threat, offset: "Z"), incident("b", "2026-01-12", .threat, offset: "Z")])
        #expect(offence(assess(file, at: "2026-02-01"), "GB-EAW.PHA1997.2A").episodes.counted == ["a", "b"])
    }

    /// The explanation names every unverified figure the JSON lists, records' bounds included.
    @Test func theExplanationNamesEveryUnverifiedFigure() {
        var file = judged([incident("a", "2025-10-01", impact: [.changedJob]), incident("b", "2025-10-05")], charged: ["a"], decided: "2026-02-10")
        file.incidents.append(incident("n1", "2026-03-01", impact: [.changedJob]))
        file.incidents.append(incident("n2", "2026-03-05"))
        file.administrativeCases = [AdministrativeCase(id: "adm", article: "KZ.CAO.461", incidents: ["n2"],
                                                       decidedAt: ZonedDateTime("2026-03-10T10:00:00+05:00")!,
                                                       sanction: AdministrativeSanction(type: .fine, mrp: 60))]
        let o = offence(assess(file, at: "2026-04-01"), id)
        #expect(o.unverified.contains("KZ.CAO.461.sanction.fine.max"))
        #expect(o.unverified.contains("verdicts.appealDays"))
        for name in o.unverified { #expect(o.explanation.contains(name), "\(name)") }
    }
}
