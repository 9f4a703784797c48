import Domain
import Fluent
import Foundation
import Law
import Store

/// The steps of a case's path after its incidents, shared by the API and the command line:
/// orders (issue, extend, revoke), administrative cases, criminal proceedings and their stages,
/// verdicts and their payments. Each input is a JSON body or file, checked field by field and
/// against the jurisdiction's pack before anything is stored.
public struct LifecycleService: Sendable {
    let db: any Database
    let packs: PackLibrary
    let principal: Principal

    public init(db: any Database, packs: PackLibrary, principal: Principal) {
        self.db = db; self.packs = packs; self.principal = principal
    }

    /// A record of one section with its current version (and, for a verdict, the sentencing check).
    public struct Record<Value: Codable & Sendable>: Codable, Sendable {
        public var ref: String
        public var version: Int
        public var record: Value
        public var sentenceCheck: SentenceCheck?
        /// What the law pack says of the record without refusing it: values outside its unverified
        /// bounds, each naming the figure (absent when there is nothing to say).
        public var warnings: [ValidationProblem]?

        public init(ref: String, version: Int, record: Value, sentenceCheck: SentenceCheck? = nil, warnings: [ValidationProblem]? = nil) {
            self.ref = ref; self.version = version; self.record = record; self.sentenceCheck = sentenceCheck; self.warnings = warnings
        }
    }

    // MARK: orders

    public func issueOrder(_ caseID: UUID, _ body: JSONNode) async throws -> OrderStore.Stored {
        let order = FieldReader().order(body, requireID: false)
        try body.throwIfInvalid()
        try Self.refuse(OrderRules(pack: try await pack(of: caseID)).problems(order!))
        let existing = try await OrderStore(db: db).list(caseID: caseID, scope: principal.scope).map(\.order)
        if let duplicate = OrderRules.duplicate(of: order!, among: existing) { throw ValidationFailure([OrderRules.duplicateProblem(duplicate)]) }
        return try await OrderStore(db: db).add(order!, to: caseID, scope: principal.scope)
    }

    public func extendOrder(_ caseID: UUID, _ id: UUID, until: ZonedDateTime, reason: String) async throws -> OrderStore.Stored {
        let store = OrderStore(db: db)
        var extended = try await store.get(id, caseID: caseID, scope: principal.scope).order
        extended.validUntil = until
        try Self.refuse(OrderRules(pack: try await pack(of: caseID)).problems(extended))
        return try await store.extend(id, caseID: caseID, to: until, reason: reason, by: principal)
    }

    /// Body: `{"zones": [zone, …], "reason": "…"}`: the order's zones replaced as a whole, each
    /// read and checked as in a case file; the engines follow at once through the change signal.
    public func setZones(_ caseID: UUID, _ id: UUID, _ body: JSONNode) async throws -> OrderStore.Stored {
        guard body.object() != nil else { throw ValidationFailure(body.log.problems) }
        let zones = FieldReader().zones(body["zones"])
        let reason = body["reason"].string(maxLength: 2000)
        try body.throwIfInvalid()
        return try await OrderStore(db: db).setZones(id, caseID: caseID, to: zones!, reason: reason!, by: principal)
    }

    public func revokeOrder(_ caseID: UUID, _ id: UUID, at time: ZonedDateTime?, reason: String) async throws -> OrderStore.Stored {
        try await OrderStore(db: db).revoke(id, caseID: caseID, at: time ?? ZonedDateTime(Date(), offsetSeconds: 0),
                                            reason: reason, by: principal)
    }

    /// The order of a case by its database id or its case-file reference.
    public func orderID(_ caseID: UUID, _ reference: String) async throws -> UUID {
        if let id = UUID(uuidString: reference) { return id }
        guard let match = try await OrderStore(db: db).list(caseID: caseID, scope: principal.scope)
            .first(where: { $0.order.id == reference }) else { throw DomainError.notFound("order \(reference)") }
        return match.id
    }

    // MARK: administrative cases and proceedings

    public func addAdministrativeCase(_ caseID: UUID, _ body: JSONNode) async throws -> Record<AdministrativeCase> {
        try await addRecord(caseID, Self.withID(body, prefix: "a"), section: .administrativeCases,
                            read: { $0.administrativeCase($1) }, id: \.id, incidents: \.incidents,
                            rules: { $0.findings($1) })
    }

    public func registerProceeding(_ caseID: UUID, _ body: JSONNode) async throws -> Record<CriminalProceeding> {
        try await addRecord(caseID, Self.withID(body, prefix: "c", defaults: ["stage": .string("preTrial")]),
                            section: .criminalProceedings, read: { $0.proceeding($1) }, id: \.id, incidents: \.incidents,
                            rules: { $0.findings($1) })
    }

    /// Reads a record, checks that its incidents are the case's and that the pack allows it, then
    /// stores it with what the pack says of it.
    private func addRecord<Value: Codable & Sendable>(
        _ caseID: UUID, _ body: JSONNode, section: RecordStore<Value>.Section,
        read: (FieldReader, JSONNode) -> Value?, id: (Value) -> String, incidents: (Value) -> [String],
        rules: (ProceedingRules, Value) -> ProceedingRules.Findings
    ) async throws -> Record<Value> {
        let (file, pack) = try await context(caseID)
        let value = read(FieldReader(), body)
        try body.throwIfInvalid()
        try Self.checkIncidents(incidents(value!), in: file)
        let findings = rules(ProceedingRules(pack: pack), value!)
        try Self.refuse(findings.refusals)
        let stored = try await RecordStore<Value>(db: db, section: section).add(value!, ref: id(value!), to: caseID,
                                                                                scope: principal.scope)
        return Record(ref: stored.ref, version: stored.version, record: stored.value,
                      warnings: findings.warnings.isEmpty ? nil : findings.warnings)
    }

    /// Moves a proceeding to another stage; a move the stages do not allow is a conflict with why.
    public func moveProceeding(_ caseID: UUID, _ ref: String, to next: ProceedingStage,
                               reason: String) async throws -> Record<CriminalProceeding> {
        let stored = try await RecordStore<CriminalProceeding>(db: db, section: .criminalProceedings)
            .update(ref, caseID: caseID, reason: reason, by: principal, detail: "stage \(next.rawValue)") { try Self.move($0, to: next) }
        return Record(ref: stored.ref, version: stored.version, record: stored.value)
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

    /// Records a verdict on a proceeding in court: the punishment is checked by the law engine
    /// (refused naming the bound it breaks), a guilty verdict without a mandatory payment gets the
    /// pack's, and the proceeding moves to decided.
    public func recordVerdict(_ caseID: UUID, _ body: JSONNode) async throws -> Record<Verdict> {
        let (file, pack) = try await context(caseID)
        guard var verdict = FieldReader().verdict(Self.withID(body, prefix: "d")) else { throw ValidationFailure(body.log.problems) }
        try body.throwIfInvalid()
        guard let proceeding = file.criminalProceedings.first(where: { $0.id == verdict.proceeding }) else {
            throw ValidationFailure(pointer: "/proceeding", message: "refers to proceeding \"\(verdict.proceeding)\", which is not in this case")
        }
        if file.verdicts.contains(where: { $0.id == verdict.id }) {
            throw ValidationFailure(pointer: "/id", message: "\"\(verdict.id)\" is already in this case")
        }
        _ = try Self.move(proceeding, to: .decided) // a conflict unless the proceeding is in court
        if verdict.outcome == .guilty, verdict.mandatoryPayment == nil,
           let units = pack.mandatoryPayment?.byCategory[pack.offence(proceeding.article)?.category ?? ""]?.value {
            verdict.mandatoryPayment = MandatoryPayment(mrp: units)
        }
        var withVerdict = file
        withVerdict.verdicts.append(verdict)
        let check = try SentenceChecker(pack: pack).check(withVerdict, verdict: verdict.id)
        try Self.refuse(check.problems.map { ValidationProblem(pointer: "/punishment", message: $0) })
        let stored = try await RecordStore<Verdict>(db: db, section: .verdicts).add(verdict, ref: verdict.id, to: caseID,
                                                                                   scope: principal.scope)
        _ = try await moveProceeding(caseID, proceeding.id, to: .decided, reason: SystemReason.verdictRecorded.rawValue)
        let warnings = check.warnings.map { ValidationProblem(pointer: "/punishment", message: $0) }
        return Record(ref: stored.ref, version: stored.version, record: stored.value, sentenceCheck: check,
                      warnings: warnings.isEmpty ? nil : warnings)
    }

    /// The mandatory payment of a verdict was received (with the payment document's number when
    /// the Fund records it).
    public func recordPayment(_ caseID: UUID, _ ref: String, paidAt: ZonedDateTime, document: String? = nil) async throws -> Record<Verdict> {
        let stored = try await RecordStore<Verdict>(db: db, section: .verdicts)
            .update(ref, caseID: caseID, reason: SystemReason.paymentReceived.rawValue, by: principal,
                    detail: document.map { "document \($0)" }) { verdict in
                guard var payment = verdict.mandatoryPayment else { throw DomainError.conflict("verdict \(ref) orders no mandatory payment") }
                if payment.paidAt != nil { throw DomainError.conflict("the payment of verdict \(ref) is already recorded") }
                if paidAt.epochMilliseconds < verdict.decidedAt.epochMilliseconds {
                    throw ValidationFailure([ValidationProblem(pointer: "/paidAt", message: "a payment is made after the verdict (\(verdict.decidedAt)), not before",
                                                               code: .beforeStart, values: ["value": paidAt.description, "start": verdict.decidedAt.localDate.description])])
                }
                payment.paidAt = paidAt
                payment.document = document
                var paid = verdict
                paid.mandatoryPayment = payment
                return paid
            }
        return Record(ref: stored.ref, version: stored.version, record: stored.value)
    }

    /// The day a verdict entered into force (known once the appeal period passed or the appeal
    /// was decided): from then its episodes' limitation clock stands still. Not before it was
    /// pronounced, not in the future; recorded once.
    public func recordEntryIntoForce(_ caseID: UUID, _ ref: String, on day: LocalDate) async throws -> Record<Verdict> {
        let pack = try await pack(of: caseID)
        let stored = try await RecordStore<Verdict>(db: db, section: .verdicts)
            .update(ref, caseID: caseID, reason: SystemReason.verdictInForce.rawValue, by: principal, detail: "enteredIntoForce \(day)") { verdict in
                if let recorded = verdict.enteredIntoForce {
                    throw DomainError.conflict("verdict \(ref) entered into force on \(recorded); that is already recorded")
                }
                let pronounced = pack.legalDay(of: verdict.decidedAt)
                guard day >= pronounced else {
                    throw ValidationFailure([ValidationProblem(pointer: "/enteredIntoForce",
                                                               message: "a verdict enters into force on or after the day it is pronounced (\(pronounced)), not \(day)",
                                                               code: .beforeStart, values: ["value": day.description, "start": pronounced.description])])
                }
                guard day <= pack.today() else {
                    throw ValidationFailure([ValidationProblem(pointer: "/enteredIntoForce", message: "\(day) is in the future",
                                                               code: .future, values: ["value": day.description])])
                }
                var final = verdict
                final.enteredIntoForce = day
                return final
            }
        return Record(ref: stored.ref, version: stored.version, record: stored.value)
    }

    // MARK: shared

    /// The pack of a case's jurisdiction, without loading the case's records.
    private func pack(of caseID: UUID) async throws -> JurisdictionPack {
        try packs.pack(for: try await CaseStore(db: db).get(caseID, scope: principal.scope).jurisdiction)
    }

    static func refuse(_ problems: [ValidationProblem]) throws {
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }

    private func context(_ caseID: UUID) async throws -> (CaseFile, JurisdictionPack) {
        let file = try await CaseFileStore(db: db).exportCaseFile(caseID: caseID, scope: principal.scope)
        return (file, try packs.pack(for: file.jurisdiction))
    }

    /// The body with an `id` (a fresh reference when none was given) and defaults filled in.
    static func withID(_ body: JSONNode, prefix: String, defaults: [String: JSONValue] = [:]) -> JSONNode {
        guard case .object(var fields)? = body.value else { return body }
        if fields["id"] == nil { fields["id"] = .string(prefix + "-" + UUID().uuidString.prefix(8).lowercased()) }
        for (key, value) in defaults where fields[key] == nil { fields[key] = value }
        return JSONNode(.object(fields), pointer: body.pointer, log: body.log)
    }

    static func checkIncidents(_ refs: [String], in file: CaseFile) throws {
        let known = Set(file.incidents.map(\.id))
        try refuse(refs.enumerated().filter { !known.contains($0.element) }.map {
            ValidationProblem(pointer: "/incidents/\($0.offset)", message: "refers to incident \"\($0.element)\", which is not in this case")
        })
    }
}
