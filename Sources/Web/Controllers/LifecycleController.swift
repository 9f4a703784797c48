import Domain
import Law
import Store
import Vapor

/// Administrative cases, criminal proceedings and verdicts of a case:
/// `/api/v1/cases/{caseId}/administrative-cases`, `/proceedings` (with `/{ref}/transitions`) and
/// `/verdicts` (with `/{ref}/payment`). Each is checked against the jurisdiction's pack.
struct LifecycleController {
    let packs: PackLibrary

    struct RecordResponse<Value: Codable & Sendable>: Content {
        var ref: String
        var version: Int
        var record: Value
        var sentenceCheck: SentenceCheck?
    }

    // MARK: administrative cases

    func listAdministrative(req: Request) async throws -> PageResponse<RecordResponse<AdministrativeCase>> {
        try await list(req, .administrativeCases)
    }

    func createAdministrative(req: Request) async throws -> Response {
        let (caseID, file, pack) = try await context(req)
        let body = try req.jsonBody()
        let adm = FieldReader().administrativeCase(bodyWithID(body, prefix: "a"))
        try body.throwIfInvalid()
        try checkIncidents(adm!.incidents, in: file)
        var problems = ProceedingRules(pack: pack).problems(adm!)
        if file.administrativeCases.contains(where: { $0.id == adm!.id }) {
            problems.append(.init(pointer: "/id", message: "\"\(adm!.id)\" is already in this case"))
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let stored = try await RecordStore<AdministrativeCase>(db: req.db, section: .administrativeCases)
            .add(adm!, ref: adm!.id, to: caseID, scope: req.principal.scope)
        return try RecordResponse(ref: stored.ref, version: stored.version, record: stored.value, sentenceCheck: nil)
            .created(at: "/api/v1/cases/\(caseID.apiString)/administrative-cases")
    }

    // MARK: proceedings

    func listProceedings(req: Request) async throws -> PageResponse<RecordResponse<CriminalProceeding>> {
        try await list(req, .criminalProceedings)
    }

    func createProceeding(req: Request) async throws -> Response {
        let (caseID, file, pack) = try await context(req)
        let body = try req.jsonBody()
        let proceeding = FieldReader().proceeding(bodyWithID(body, prefix: "c", defaults: ["stage": .string("preTrial")]))
        try body.throwIfInvalid()
        try checkIncidents(proceeding!.incidents, in: file)
        let problems = ProceedingRules(pack: pack).problems(proceeding!)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let stored = try await RecordStore<CriminalProceeding>(db: req.db, section: .criminalProceedings)
            .add(proceeding!, ref: proceeding!.id, to: caseID, scope: req.principal.scope)
        return try RecordResponse(ref: stored.ref, version: stored.version, record: stored.value, sentenceCheck: nil)
            .created(at: "/api/v1/cases/\(caseID.apiString)/proceedings/\(stored.ref)")
    }

    /// Body: `{"to": "inCourt", "reason": "…"}`; a move the stages do not allow is 409 with why.
    func transition(req: Request) async throws -> RecordResponse<CriminalProceeding> {
        let caseID = try req.uuid("caseID", what: "case")
        let ref = try req.parameters.require("ref")
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let to = body["to"].word(ProceedingStage.self)
        let reason = body["reason"].string(maxLength: 2000)
        try body.throwIfInvalid()
        let stored = try await RecordStore<CriminalProceeding>(db: req.db, section: .criminalProceedings)
            .update(ref, caseID: caseID, reason: reason!, by: req.principal) { proceeding in
                try Self.move(proceeding, to: to!)
            }
        return RecordResponse(ref: stored.ref, version: stored.version, record: stored.value, sentenceCheck: nil)
    }

    static func move(_ proceeding: CriminalProceeding, to next: ProceedingStage) throws -> CriminalProceeding {
        guard proceeding.stage.canMove(to: next) else {
            let allowed = ProceedingStage.transitions[proceeding.stage]?.map(\.rawValue).joined(separator: ", ") ?? ""
            throw DomainError.conflict("a proceeding \(proceeding.stage.rawValue) cannot move to \(next.rawValue)"
                + (allowed.isEmpty ? "; it is final" : "; it can move to: \(allowed)"))
        }
        var moved = proceeding
        moved.stage = next
        return moved
    }

    // MARK: verdicts

    func listVerdicts(req: Request) async throws -> PageResponse<RecordResponse<Verdict>> {
        try await list(req, .verdicts)
    }

    /// Records a verdict on a proceeding in court: the punishment is checked by the law engine
    /// (422 naming the bound it breaks), a guilty verdict without a mandatory payment gets the
    /// pack's, and the proceeding moves to decided.
    func createVerdict(req: Request) async throws -> Response {
        let (caseID, file, pack) = try await context(req)
        let body = try req.jsonBody()
        guard var verdict = FieldReader().verdict(bodyWithID(body, prefix: "d")) else {
            throw ValidationFailure(body.log.problems)
        }
        try body.throwIfInvalid()
        guard let proceeding = file.criminalProceedings.first(where: { $0.id == verdict.proceeding }) else {
            throw ValidationFailure(pointer: "/proceeding", message: "refers to proceeding \"\(verdict.proceeding)\", which is not in this case")
        }
        if file.verdicts.contains(where: { $0.id == verdict.id }) {
            throw ValidationFailure(pointer: "/id", message: "\"\(verdict.id)\" is already in this case")
        }
        _ = try Self.move(proceeding, to: .decided) // 409 unless the proceeding is in court
        let checker = SentenceChecker(pack: pack)
        if verdict.outcome == .guilty, verdict.mandatoryPayment == nil,
           let units = pack.mandatoryPayment?.byCategory[pack.offence(proceeding.article)?.category ?? ""]?.value {
            verdict.mandatoryPayment = MandatoryPayment(mrp: units)
        }
        var withVerdict = file
        withVerdict.verdicts.append(verdict)
        let check = try checker.check(withVerdict, verdict: verdict.id)
        if !check.valid {
            throw ValidationFailure(check.problems.map { ValidationProblem(pointer: "/punishment", message: $0) })
        }
        let stored = try await RecordStore<Verdict>(db: req.db, section: .verdicts)
            .add(verdict, ref: verdict.id, to: caseID, scope: req.principal.scope)
        _ = try await RecordStore<CriminalProceeding>(db: req.db, section: .criminalProceedings)
            .update(proceeding.id, caseID: caseID, reason: "verdict \(verdict.id)", by: req.principal) {
                try Self.move($0, to: .decided)
            }
        return try RecordResponse(ref: stored.ref, version: stored.version, record: stored.value, sentenceCheck: check)
            .created(at: "/api/v1/cases/\(caseID.apiString)/verdicts")
    }

    /// Body: `{"paidAt": "…"}`: the mandatory payment was received.
    func recordPayment(req: Request) async throws -> RecordResponse<Verdict> {
        let caseID = try req.uuid("caseID", what: "case")
        let ref = try req.parameters.require("ref")
        let body = try req.jsonBody()
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let paidAt = FieldReader().past(body["paidAt"])
        try body.throwIfInvalid()
        let stored = try await RecordStore<Verdict>(db: req.db, section: .verdicts)
            .update(ref, caseID: caseID, reason: "mandatory payment received", by: req.principal) { verdict in
                guard var payment = verdict.mandatoryPayment else {
                    throw DomainError.conflict("verdict \(ref) orders no mandatory payment")
                }
                if payment.paidAt != nil { throw DomainError.conflict("the payment of verdict \(ref) is already recorded") }
                payment.paidAt = paidAt!
                var paid = verdict
                paid.mandatoryPayment = payment
                return paid
            }
        return RecordResponse(ref: stored.ref, version: stored.version, record: stored.value, sentenceCheck: nil)
    }

    // MARK: shared

    private func list<Value: Codable & Sendable>(_ req: Request, _ section: RecordStore<Value>.Section) async throws
        -> PageResponse<RecordResponse<Value>> {
        let caseID = try req.uuid("caseID", what: "case")
        let records = try await RecordStore<Value>(db: req.db, section: section).list(caseID: caseID, scope: req.principal.scope)
        return PageResponse(items: records.map { RecordResponse(ref: $0.ref, version: $0.version, record: $0.value, sentenceCheck: nil) },
                            nextCursor: nil)
    }

    private func context(_ req: Request) async throws -> (UUID, CaseFile, JurisdictionPack) {
        let caseID = try req.uuid("caseID", what: "case")
        let file = try await CaseFileStore(db: req.db).exportCaseFile(caseID: caseID, scope: req.principal.scope)
        return (caseID, file, try packs.pack(for: file.jurisdiction))
    }

    /// The body with an `id` (a fresh reference when the client gave none) and defaults filled in.
    private func bodyWithID(_ body: JSONNode, prefix: String, defaults: [String: JSONValue] = [:]) -> JSONNode {
        guard case .object(var fields)? = body.value else { return body }
        if fields["id"] == nil { fields["id"] = .string(prefix + "-" + UUID().uuidString.prefix(8).lowercased()) }
        for (key, value) in defaults where fields[key] == nil { fields[key] = value }
        return JSONNode(.object(fields), pointer: body.pointer, log: body.log)
    }

    private func checkIncidents(_ refs: [String], in file: CaseFile) throws {
        let known = Set(file.incidents.map(\.id))
        let problems = refs.enumerated().filter { !known.contains($0.element) }.map {
            ValidationProblem(pointer: "/incidents/\($0.offset)", message: "refers to incident \"\($0.element)\", which is not in this case")
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }
}
