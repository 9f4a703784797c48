import Cases
import Domain
import Law
import Store
import Vapor

/// Risk: `GET /api/v1/risk/instruments`, `GET /api/v1/cases/{caseId}/risk` (the level, when the
/// next assessment is due and why, the measures, the history, the suggested answers) and
/// `/api/v1/cases/{caseId}/risk-assessments` (list, add).
struct RiskController {
    let packs: PackLibrary
    let risk: RiskLibrary

    func instruments(req: Request) async throws -> PageResponse<InstrumentResponse> {
        let language = try language(req)
        return PageResponse(items: risk.instruments.values.sorted { $0.id < $1.id }.map { InstrumentResponse($0, language) },
                            nextCursor: nil)
    }

    /// `?at=` a date (its end, in the case's time zone) or a date-time; now by default. `?lang=`.
    func status(req: Request) async throws -> Response {
        let id = try req.uuid("caseID", what: "case")
        let language = try language(req)
        let log = ProblemLog()
        let rawAt = req.query[String.self, at: "at"]
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: id, scope: req.principal.scope)
        let pack = try packs.pack(for: file.jurisdiction)
        var at = pack.now()
        if let rawAt {
            if let instant = ZonedDateTime(rawAt) { at = instant }
            else if let day = LocalDate(rawAt) { at = pack.endOfDay(day) }
            else { log.add("/at", "query parameter at must be a date (2026-02-01) or a date-time with offset, not \"\(rawAt)\"") }
        }
        let instrument = req.query[String.self, at: "instrument"]
        if let instrument, risk.instruments[instrument] == nil {
            log.add("/instrument", "unknown instrument \"\(instrument)\" (known: \(risk.instruments.keys.sorted().joined(separator: ", ")))")
        }
        if !log.isEmpty { throw ValidationFailure(log.problems) }
        let status = try RiskEvaluator(library: risk).status(of: file, at: at, instrument: instrument, language: language)
        let response = Response(status: .ok)
        try response.content.encode(status, using: JSONEncoder.api)
        return response
    }

    func list(req: Request) async throws -> PageResponse<RiskAssessment> {
        let id = try req.uuid("caseID", what: "case")
        let stored = try await RecordStore<RiskAssessment>(db: req.db, section: .riskAssessments).list(caseID: id, scope: req.principal.scope)
        return PageResponse(items: stored.map(\.value), nextCursor: nil)
    }

    /// Body: `{"instrument": "S-DASH" (opt), "answers": {"threats": true, …}, "level": "high" (opt),
    /// "reason": "…" (when raising), "expectedVersion": N}` where N is the `version` the officer's
    /// copy of `GET …/risk` showed. Someone else's assessment in between: 409 with theirs.
    func create(req: Request) async throws -> Response {
        let caseID = try req.uuid("caseID", what: "case")
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let reader = FieldReader()
        let instrumentID = body["instrument"].string(required: false, maxLength: 100) ?? RiskLibrary.defaultInstrument
        let answers = reader.answers(body["answers"])
        let requested = body["level"].word(RiskLevel.self, required: false)
        let reason = body["reason"].string(required: false, maxLength: 2000)
        let expected = body["expectedVersion"].int(in: 0...100_000)
        try body.throwIfInvalid()
        let principal = try req.principal
        let assessment: RiskAssessment
        do {
            assessment = try await RiskService(db: req.db, packs: packs, risk: risk, principal: principal)
                .assess(caseID, instrument: instrumentID, answers: answers!, level: requested, reason: reason, expectedCount: expected!)
        } catch DomainError.conflict(let why) {
            // the officer sees what the other assessor answered before deciding anew
            let saved = try await RecordStore<RiskAssessment>(db: req.db, section: .riskAssessments).list(caseID: caseID, scope: principal.scope)
            let problem = StaleAssessmentProblem(type: "about:blank", title: "Conflict", status: 409, detail: why,
                                                 current: saved.last?.value, version: saved.count)
            let response = Response(status: .conflict, body: .init(data: try JSONEncoder.api.encode(problem)))
            response.headers.contentType = Problem.mediaType
            return response
        }
        return try assessment.created(at: "/api/v1/cases/\(caseID.apiString)/risk-assessments")
    }

    private func language(_ req: Request) throws -> Language {
        let lang = req.query[String.self, at: "lang"] ?? req.preferredLanguage
        guard let language = Language(rawValue: lang) else {
            throw ValidationFailure(pointer: "/lang", message: "query parameter lang must be ru, kk or en, not \"\(lang)\"")
        }
        return language
    }
}

/// A 409 for a stale risk assessment, with the assessment saved in between.
struct StaleAssessmentProblem: Encodable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var current: RiskAssessment?
    var version: Int
}

struct InstrumentResponse: Content {
    struct Question: Content { var id: String; var text: String; var prefilled: Bool }
    var id: String
    var title: String
    var source: String
    var questions: [Question]

    init(_ instrument: Instrument, _ language: Language) {
        id = instrument.id; title = instrument.title[language]; source = instrument.source
        questions = instrument.questions.map { Question(id: $0.id, text: $0.text[language], prefilled: $0.prefill?.isEmpty == false) }
    }
}

extension RiskAssessment: Content {}
extension RiskStatus: Content {}
