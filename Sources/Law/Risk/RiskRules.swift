import Domain

/// A case file's risk assessments against the instruments: a known instrument, answers to its
/// questions only, and the level its rule computes from them.
public enum RiskRules {
    public static func problems(_ file: CaseFile, library: RiskLibrary? = try? RiskLibrary.loaded()) -> [ValidationProblem] {
        guard let library else { return [] }
        var problems: [ValidationProblem] = []
        for (index, assessment) in (file.riskAssessments ?? []).enumerated() {
            let at = "/riskAssessments/\(index)"
            problems += Self.problems(instrument: assessment.instrument, answers: assessment.answers,
                                      computed: assessment.computedLevel, library: library, pointer: at)
        }
        return problems
    }

    /// The problems with answers to an instrument (and, when given, the level said to be computed).
    public static func problems(instrument id: String, answers: [String: Bool], computed: RiskLevel?, library: RiskLibrary,
                                pointer: String = "") -> [ValidationProblem] {
        guard let instrument = library.instruments[id] else {
            return [.init(pointer: pointer + "/instrument",
                          message: "unknown instrument \"\(id)\" (known: \(library.instruments.keys.sorted().joined(separator: ", ")))")]
        }
        let questions = Set(instrument.questions.map(\.id))
        var problems = answers.keys.sorted().filter { !questions.contains($0) }.map {
            ValidationProblem(pointer: pointer + "/answers/\($0)", message: "\(instrument.id) has no question \"\($0)\"")
        }
        if let computed, problems.isEmpty, computed != instrument.level(for: answers) {
            problems.append(.init(pointer: pointer + "/computedLevel",
                                  message: "\(instrument.id) computes \(instrument.level(for: answers).rawValue) from these answers, not \(computed.rawValue)"))
        }
        return problems
    }
}
