import Cases
import Domain
import Foundation
import Law
import Presentation
import Store
import Vapor

/// `GET|POST /cases/{id}/risk`: where the case stands on risk (the level, when it is due again
/// and why, the measures, the history) and a new assessment with the instrument's questions,
/// each with the answer the case suggests and the episodes it comes from. Nothing is assumed where
/// the case cannot tell: those questions wait for the officer's answer. Stored through
/// `RiskService`, the API's own rules.
struct RiskPage {
    let packs: PackLibrary

    struct QuestionView: Encodable {
        var id: String; var text: String
        /// "yes", "no", or "" (not answered).
        var answer: String
        var suggestion: String
        var error: String
    }
    struct Context: Encodable {
        var frame: PageFrame
        var caseId: String; var number: String; var instrument: String
        var level: String; var due: String; var dueNow: Bool
        var reasons: [String]; var measures: [String]; var history: [[String]]
        var questions: [QuestionView]
        var levels: [IncidentForm.Choice]
        var reason: String; var version: Int
        var errors: [String: String]; var general: String; var failed: Bool; var saved: Bool
        var mayAssess: Bool
        /// For the page's script, which says the level the answers give as they are chosen: the
        /// instrument's rules and the levels' names (JSON), and the wording around the level.
        var rules: String; var levelNames: String; var computedWords: String
    }

    struct Posted: Content {
        var level: String?, reason: String?, version: Int?
    }

    func page(req: Request) async throws -> Response {
        try await render(req, answers: nil, posted: nil, problems: [], status: .ok)
    }

    func save(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let posted = (try? req.content.decode(Posted.self)) ?? Posted()
        let instrument = try req.application.risk.instrument(RiskLibrary.defaultInstrument)
        var answers: [String: Bool] = [:]
        var problems: [ValidationProblem] = []
        for question in instrument.questions {
            switch (try? req.content.get(String.self, at: "answer_" + question.id)) ?? "" {
            case "yes": answers[question.id] = true
            case "no": answers[question.id] = false
            default: problems.append(ValidationProblem(pointer: "/answers/" + question.id, message: "answer yes or no", code: .answer))
            }
        }
        let level = (posted.level ?? "").isEmpty ? nil : RiskLevel(rawValue: posted.level!)
        let reason = posted.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if (reason ?? "").count > 2000 {
            problems.append(ValidationProblem(pointer: "/reason", message: "is longer than 2000", code: .tooLong, values: ["max": "2000"]))
        }
        guard problems.isEmpty else { return try await render(req, answers: answers, posted: posted, problems: problems, status: .unprocessableEntity) }
        do {
            _ = try await RiskService(db: req.db, packs: packs, risk: req.application.risk, principal: try req.principal)
                .assess(caseID, instrument: instrument.id, answers: answers, level: level, reason: reason,
                        expectedCount: posted.version ?? 0)
        } catch let failure as ValidationFailure {
            return try await render(req, answers: answers, posted: posted, problems: failure.problems, status: .unprocessableEntity)
        } catch DomainError.conflict {
            let t = req.application.catalogs.words(req.pageLanguage)
            return try await render(req, answers: answers, posted: posted,
                                    problems: [ValidationProblem(pointer: "", message: t["risk_assessed_meanwhile"] ?? "assessed meanwhile")],
                                    status: .conflict)
        }
        return req.redirect(to: "/cases/\(caseID.apiString)/risk?saved=1")
    }

    private func render(_ req: Request, answers: [String: Bool]?, posted: Posted?, problems: [ValidationProblem],
                        status: HTTPResponseStatus) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let principal = try req.principal
        let summary = try await CaseStore(db: req.db).get(caseID, scope: principal.scope)
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        let frame = try PageFrame.make(req, emergencyNumber: pack.emergencyNumber)
        let t = frame.t
        let words = CaseWords(t: t, lang: frame.lang, pack: pack, file: file)
        let format = words.format, language = words.language
        let library = req.application.risk
        let instrument = try library.instrument(RiskLibrary.defaultInstrument)
        let risk = try RiskEvaluator(library: library).status(of: file, at: pack.now(), instrument: instrument.id, language: language)
        var errors: [String: String] = [:], general = ""
        for problem in problems {
            let path = problem.pointer.split(separator: "/").map(String.init)
            let field = path.first == "answers" && path.count > 1 ? "answer_" + path[1] : path.first ?? ""
            if field.isEmpty { general += (general.isEmpty ? "" : "; ") + problem.said(in: t) } else { errors[field] = problem.said(in: t) }
        }
        let suggested = Dictionary(risk.prefill.map { ($0.question, $0) }, uniquingKeysWith: { first, _ in first })
        let questions = instrument.questions.map { question -> QuestionView in
            let prefill = suggested[question.id]
            let answer: String
            if let answers { answer = answers[question.id].map { $0 ? "yes" : "no" } ?? "" }
            else { answer = prefill?.answer.map { $0 ? "yes" : "no" } ?? "" } // what the case suggests, never a guess
            var suggestion = ""
            if let yes = prefill?.answer {
                suggestion = (t[yes ? "risk_suggested_yes" : "risk_suggested_no"] ?? "")
                if let sources = prefill?.sources, !sources.isEmpty { suggestion += ": " + words.episodeList(sources) }
            } else {
                suggestion = t["risk_ask"] ?? ""
            }
            return QuestionView(id: question.id, text: question.text[language], answer: answer, suggestion: suggestion,
                                error: errors["answer_" + question.id] ?? "")
        }
        let chosen = posted?.level ?? ""
        let context = Context(
            frame: frame, caseId: caseID.apiString, number: summary.number ?? "—", instrument: instrument.title[language],
            level: t["risklevel_\(risk.level.rawValue)"] ?? risk.level.rawValue,
            due: risk.due.map { due in
                risk.dueNow ? (t["risk_due_overdue"] ?? "{date}").replacingOccurrences(of: "{date}", with: format.date(due.localDate)) : format.date(due.localDate)
            } ?? "—", dueNow: risk.dueNow,
            reasons: risk.reasons.map { reason in
                let record = reason.record.map { ": " + words.episode($0) } ?? ""
                return (t["riskreason_\(reason.code.rawValue)"] ?? reason.text)
                    .replacingOccurrences(of: "{date}", with: format.dateTime(reason.at)).replacingOccurrences(of: "{record}", with: record)
            }.reduce(into: [String]()) { said, line in if !said.contains(line) { said.append(line) } }, // one episode breaking two orders is one reason said
            measures: risk.measures,
            history: (file.riskAssessments ?? []).sorted { $0.assessedAt.epochMilliseconds > $1.assessedAt.epochMilliseconds }.map { a in
                let level = t["risklevel_\(a.level.rawValue)"] ?? a.level.rawValue
                let raised = a.level > a.computedLevel
                    ? (t["risk_raised_from"] ?? "").replacingOccurrences(of: "{computed}", with: t["risklevel_\(a.computedLevel.rawValue)"] ?? a.computedLevel.rawValue)
                        .replacingOccurrences(of: "{reason}", with: a.reason ?? "")
                    : ""
                return [format.dateTime(a.assessedAt), level, raised]
            },
            questions: questions,
            levels: [.init(value: "", label: t["risk_level_as_computed"] ?? "", selected: chosen.isEmpty)]
                + RiskLevel.allCases.filter { $0 != .notAssessed }.map { .init(value: $0.rawValue, label: t["risklevel_\($0.rawValue)"] ?? $0.rawValue, selected: $0.rawValue == chosen) },
            reason: posted?.reason ?? "", version: risk.version,
            errors: errors, general: general, failed: !problems.isEmpty, saved: req.query[String.self, at: "saved"] != nil,
            mayAssess: principal.may(.assessRisk),
            rules: String(decoding: try JSONEncoder().encode(instrument.levelRule.rules), as: UTF8.self),
            levelNames: String(decoding: try JSONEncoder().encode(Dictionary(uniqueKeysWithValues: RiskLevel.allCases.map {
                ($0.rawValue, t["risklevel_\($0.rawValue)"] ?? $0.rawValue) })), as: UTF8.self),
            computedWords: t["risk_computed_live"] ?? "")
        return try await req.renderPage("risk", context, status: status)
    }
}
