import Domain
import Foundation
import Law
import Testing

@Suite struct RiskTests {
    let library = try! RiskLibrary.load(environment: [:])
    var sdash: Instrument { library.instruments["S-DASH"]! }

    func at(_ text: String) -> ZonedDateTime { ZonedDateTime(text)! }

    func assessed(_ level: RiskLevel, at time: String, answers: [String: Bool] = [:], id: String = "ra1") -> RiskAssessment {
        RiskAssessment(id: id, instrument: "S-DASH", assessedAt: at(time), assessor: "officer", answers: answers,
                       computedLevel: level, level: level)
    }

    /// The S-DASH cut-offs of risk/instruments/S-DASH.yaml, written out again independently.
    func expectedLevel(_ yes: Set<String>) -> RiskLevel {
        if yes.count >= 8 || yes.isSuperset(of: ["threats", "violence", "veryFrightened"]) { return .extreme }
        if yes.count >= 5 || yes.isSuperset(of: ["threats", "violence"]) { return .high }
        if yes.count >= 3 || yes.contains("threats") || yes.contains("violence") { return .medium }
        return .low
    }

    @Test func everyAnswerCombinationGetsTheRulesLevel() {
        let questions = sdash.questions.map(\.id)
        #expect(questions.count == 11)
        for mask in 0..<(1 << questions.count) {
            var answers: [String: Bool] = [:]
            for (bit, question) in questions.enumerated() { answers[question] = mask & (1 << bit) != 0 }
            let yes = Set(answers.filter(\.value).keys)
            #expect(sdash.level(for: answers) == expectedLevel(yes), "answers yes to \(yes.sorted())")
        }
    }

    @Test func twoIncidentsMakeTheFirstAssessmentDue() throws {
        let one = caseFile([incident("i1", "2025-10-01", impact: [])])
        let before = try RiskEvaluator(library: library).status(of: one, at: at("2025-10-05T12:00:00+05:00"))
        #expect(!before.applies)
        #expect(before.due == nil)
        #expect(before.level == .notAssessed)

        let two = caseFile([incident("i1", "2025-10-01", impact: []), incident("i2", "2025-10-03", impact: [])])
        let status = try RiskEvaluator(library: library).status(of: two, at: at("2025-10-05T12:00:00+05:00"))
        #expect(status.applies && status.dueNow)
        #expect(status.reasons.map(\.code) == [.notAssessed])
        #expect(status.reasons.first?.record == "i2")
        let frightened = caseFile([incident("i1", "2025-10-01", impact: [.fear])])
        #expect(try RiskEvaluator(library: library).status(of: frightened, at: at("2025-10-05T12:00:00+05:00")).dueNow,
                "a very frightened victim: S-DASH applies from the first incident")
    }

    @Test func aThreatMakesAnAssessmentDueAtOnce() throws {
        var file = caseFile([incident("i1", "2025-10-01"), incident("i2", "2025-10-02")])
        file.riskAssessments = [assessed(.low, at: "2025-10-03T10:00:00+05:00")]
        let calm = try RiskEvaluator(library: library).status(of: file, at: at("2025-10-10T12:00:00+05:00"))
        #expect(!calm.dueNow)
        #expect(calm.due == at("2025-12-02T10:00:00+05:00"), "low: 60 days later")
        #expect(calm.measures.count == 2)

        file.incidents.append(incident("i3", "2025-10-08", .threat))
        let status = try RiskEvaluator(library: library).status(of: file, at: at("2025-10-10T12:00:00+05:00"))
        #expect(status.dueNow)
        #expect(status.due == at("2025-10-08T12:00:00+05:00"))
        #expect(status.reasons.first?.code == .threatOrViolence)
        #expect(status.reasons.first?.record == "i3")
        #expect(status.prefill.first { $0.question == "threats" }?.sources == ["i3"])
    }

    @Test func aThreatReportedLateIsNewToTheAssessmentThatDidNotKnowIt() throws {
        var file = caseFile([incident("i1", "2025-10-01"), incident("i2", "2025-10-02"), incident("late", "2025-10-02", .threat)])
        var assessment = assessed(.low, at: "2025-10-03T10:00:00+05:00")
        assessment.knownIncidents = ["i1", "i2"]
        file.riskAssessments = [assessment]
        let status = try RiskEvaluator(library: library).status(of: file, at: at("2025-10-04T12:00:00+05:00"))
        #expect(status.dueNow)
        #expect(status.reasons.first?.record == "late")
        #expect(status.due == at("2025-10-03T10:00:00+05:00"))
        file.riskAssessments![0].knownIncidents = ["i1", "i2", "late"]
        #expect(try RiskEvaluator(library: library).status(of: file, at: at("2025-10-04T12:00:00+05:00")).dueNow == false)
    }

    @Test func anExtremeLevelIsAssessedAgainWithin72Hours() throws {
        var file = caseFile([incident("i1", "2025-10-01"), incident("i2", "2025-10-02")])
        file.riskAssessments = [assessed(.high, at: "2025-10-03T10:00:00+05:00", id: "ra1"),
                                assessed(.extreme, at: "2025-10-04T10:00:00+05:00", id: "ra2")]
        let status = try RiskEvaluator(library: library).status(of: file, at: at("2025-10-05T10:00:00+05:00"))
        #expect(status.level == .extreme)
        #expect(status.due == at("2025-10-07T10:00:00+05:00"))
        #expect(status.history.map(\.level) == [.high, .extreme])
        #expect(status.version == 2)
        let earlier = try RiskEvaluator(library: library).status(of: file, at: at("2025-10-03T12:00:00+05:00"))
        #expect(earlier.level == .high, "an assessment made later is not seen from an earlier moment")
    }

    @Test func anOrderViolationAndARespondentsReleaseCallForANewAssessment() throws {
        var file = caseFile([incident("i1", "2025-10-01"), incident("i2", "2025-10-02")])
        file.protectiveOrders = [ProtectiveOrder(id: "o1", type: .protectiveOrder, issuedAt: at("2025-10-03T09:00:00+05:00"),
                                                 validUntil: at("2025-11-03T09:00:00+05:00"), issuer: "police",
                                                 conditions: OrderConditions(noContact: true))]
        file.riskAssessments = [assessed(.medium, at: "2025-10-03T10:00:00+05:00")]
        file.incidents.append(incident("i3", "2025-10-06", .contact))
        let status = try RiskEvaluator(library: library).status(of: file, at: at("2025-10-07T12:00:00+05:00"))
        #expect(status.reasons.contains { $0.code == .orderViolation && $0.record == "i3" })

        var jailed = caseFile([incident("i1", "2025-10-01"), incident("i2", "2025-10-02")])
        jailed.riskAssessments = [assessed(.medium, at: "2025-10-03T10:00:00+05:00")]
        jailed.verdicts = [Verdict(id: "d1", proceeding: "c1", decidedAt: at("2025-10-10T10:00:00+05:00"), court: "court",
                                   outcome: .guilty, punishment: Punishment(type: .arrest, days: 10))]
        let released = try RiskEvaluator(library: library).status(of: jailed, at: at("2025-10-21T12:00:00+05:00"))
        #expect(released.reasons.first?.code == .respondentRelease)
        #expect(released.due == at("2025-10-20T10:00:00+05:00"))
    }

    @Test func prefilledAnswersCiteTheirIncidents() throws {
        let status = try RiskEvaluator(library: library).status(of: try seedCase(), at: at("2026-01-15T12:00:00+05:00"))
        let byQuestion = Dictionary(uniqueKeysWithValues: status.prefill.map { ($0.question, $0) })
        #expect(byQuestion["threats"]?.answer == true)
        #expect(byQuestion["threats"]?.sources == ["i5"])
        #expect(byQuestion["thirdParties"]?.sources == ["i3"])
        #expect(byQuestion["previousHarassment"]?.sources == ["a1"])
        #expect(byQuestion["drugsOrAlcohol"]?.answer == nil, "the case cannot tell: the officer must ask")
        #expect(byQuestion["propertyDamage"]?.answer == false)
        let kazakh = try RiskEvaluator(library: library).status(of: try seedCase(), at: at("2026-01-15T12:00:00+05:00"), language: .kk)
        #expect(kazakh.prefill.first?.text.contains("Жәбірленуші") == true)
    }

    @Test func visitsMoreThanThreeTimesAWeekNearHerHome() throws {
        func visit(_ id: String, _ day: String) -> Incident {
            var i = incident(id, day, .tracking)
            i.place = IncidentPlace(text: "outside", lat: 43.2201, lon: 76.8501)
            return i
        }
        var file = caseFile([visit("v1", "2025-10-01"), visit("v2", "2025-10-02"), visit("v3", "2025-10-03"), visit("v4", "2025-10-20")])
        file.persons[0].places = [Place(kind: "home", text: "home", lat: 43.22, lon: 76.85)]
        let three = try RiskEvaluator(library: library).status(of: file, at: at("2025-10-25T12:00:00+05:00"))
        #expect(three.prefill.first { $0.question == "visitsHomeOrWork" }?.answer == false)
        #expect(three.prefill.first { $0.question == "loitering" }?.sources == ["v1", "v2", "v3", "v4"])
        file.incidents.append(visit("v5", "2025-10-06"))
        let four = try RiskEvaluator(library: library).status(of: file, at: at("2025-10-25T12:00:00+05:00"))
        #expect(four.prefill.first { $0.question == "visitsHomeOrWork" }?.sources == ["v1", "v2", "v3", "v5"])
    }

    @Test func aCaseFileMayRaiseTheComputedLevelButNotLowerIt() throws {
        func read(_ assessment: [String: Any]) throws -> CaseFile {
            var file = try JSONSerialization.jsonObject(with: CaseFileCodec.encode(caseFile([incident("i1", "2025-10-01")]))) as! [String: Any]
            file["riskAssessments"] = [assessment]
            return try CaseFileReader().read(data: try JSONSerialization.data(withJSONObject: file))
        }
        let base: [String: Any] = ["id": "ra1", "instrument": "S-DASH", "assessedAt": "2025-10-02T10:00:00+05:00", "assessor": "o",
                                   "answers": ["threats": true], "computedLevel": "medium"]
        var raised = base; raised["level"] = "high"; raised["reason"] = "he bought a gun"
        #expect(try read(raised).riskAssessments?.first?.level == .high)
        var lowered = base; lowered["level"] = "low"
        #expect(throws: ValidationFailure.self) { try read(lowered) }
        var unexplained = base; unexplained["level"] = "extreme"
        #expect(throws: ValidationFailure.self) { try read(unexplained) }
        var wrongComputed = base; wrongComputed["level"] = "high"; wrongComputed["computedLevel"] = "high"; wrongComputed["reason"] = "x"
        let file = try read(wrongComputed)
        #expect(RiskRules.problems(file, library: library).map(\.pointer) == ["/riskAssessments/0/computedLevel"])
        var unknownQuestion = base; unknownQuestion["answers"] = ["guns": true]; unknownQuestion["level"] = "medium"
        #expect(RiskRules.problems(try read(unknownQuestion), library: library).map(\.pointer) == ["/riskAssessments/0/answers/guns"])
    }

    @Test func aDeploymentAddsItsOwnInstrumentAndABrokenOneStopsTheProgram() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("risk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        id: NATIONAL
        title: {en: National form, ru: Национальная форма, kk: Ұлттық форма}
        source: a deployment's own
        ruleOfUse: {minIncidents: 1}
        questions:
          - id: weapon
            text: {en: Does he have a weapon?, ru: Есть ли у него оружие?, kk: Оның қаруы бар ма?}
        levelRule:
          source: own
          verified: true
          rules:
            - {level: extreme, allYes: [weapon]}
            - {level: low}
        """.write(to: folder.appendingPathComponent("NATIONAL.yaml"), atomically: true, encoding: .utf8)
        let extended = try RiskLibrary.load(environment: ["QORGAU_RISK_INSTRUMENTS": folder.path])
        #expect(extended.instruments.keys.sorted() == ["NATIONAL", "S-DASH"])
        #expect(extended.instruments["NATIONAL"]?.level(for: ["weapon": true]) == .extreme)

        try "id: BROKEN\ntitle: {en: x, ru: x, kk: x}\nsource: s\nruleOfUse: {minIncidents: two}\n"
            .write(to: folder.appendingPathComponent("BROKEN.yaml"), atomically: true, encoding: .utf8)
        #expect { try RiskLibrary.load(environment: ["QORGAU_RISK_INSTRUMENTS": folder.path]) } throws: { error in
            let error = error as? PackError
            return error?.file == "BROKEN.yaml" && error?.line == 4
        }
    }
}
