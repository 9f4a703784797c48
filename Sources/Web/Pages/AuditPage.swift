import Domain
import Foundation
import Presentation
import Store
import Vapor

/// `GET /audit`: the auditor's page — the audit log newest first, filtered by action (or every
/// read of case data), actor, case and period, with who and which case by name and number; the
/// chain's head to hand to an outside party; a page at a time.
struct AuditPage {
    struct Row: Encodable { var when: String; var actor: String; var action: String; var target: String; var caseNumber: String; var caseId: String; var detail: String }
    struct Filter: Encodable { var action: String; var actor: String; var caseRef: String; var from: String; var to: String; var readsOnly: Bool }
    struct Context: Encodable {
        var frame: PageFrame; var rows: [Row]; var filter: Filter; var next: String?; var headSeq: String; var headHash: String; var problem: String?
        var verification: Verification; var export: String; var notice: String?
        /// The actions to filter by, in words.
        var actions: [Choice]
    }
    struct Choice: Encodable { var value: String; var label: String; var selected: Bool }
    /// The last verification of the chain, in words; whether one may be started now.
    struct Verification: Encodable {
        var state: String; var intact: Bool; var broken: Bool; var running: Bool
        var problems: [String]; var head: String?
    }

    /// `POST /audit/verify`: starts `audit verify` in the background, unless a run is going.
    func verify(req: Request) async throws -> Response {
        let actor = try req.principal.subject
        guard let id = try await AuditVerificationStore(db: req.db).start(by: actor, now: nowMilliseconds()) else {
            return req.redirect(to: "/audit?verify=running#verification")
        }
        try await AuditStore(db: req.db).append(actor: actor, action: "audit.verificationStarted", target: id.apiString)
        req.application.auditVerifications.start(id, app: req.application)
        return req.redirect(to: "/audit?verify=started#verification")
    }

    private func verification(_ req: Request, format: LocaleFormat, t: [String: String]) async throws -> Verification {
        let now = nowMilliseconds()
        guard let run = try await AuditVerificationStore(db: req.db).latest() else {
            return Verification(state: t["audit_verify_never"] ?? "", intact: false, broken: false, running: false, problems: [])
        }
        func when(_ ms: Int64) -> String { format.dateTime(ZonedDateTime(epochMilliseconds: ms, offsetSeconds: 0)) }
        var by = run.startedBy
        if let starter = UUID(uuidString: run.startedBy), let name = try await UserStore(db: req.db).displayNames([starter])[starter] { by = name }
        func words(_ key: String, _ values: [String: String]) -> String {
            values.reduce(t[key] ?? key) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        if run.running(now: now) {
            return Verification(state: words("audit_verify_running", ["time": when(run.startedAt), "who": by]),
                                intact: false, broken: false, running: true, problems: [])
        }
        guard let finished = run.finishedAt else {
            return Verification(state: words("audit_verify_abandoned", ["time": when(run.startedAt)]), intact: false, broken: false,
                                running: false, problems: [])
        }
        guard let report = run.report else {
            return Verification(state: words("audit_verify_failed", ["time": when(finished), "reason": run.failure ?? ""]),
                                intact: false, broken: true, running: false, problems: [])
        }
        let counts = ["time": when(finished), "who": by, "records": format.number(report.records),
                      "rows": format.number(Int64(report.rows)), "files": format.number(Int64(report.files))]
        return Verification(state: words(report.intact ? "audit_verify_intact" : "audit_verify_broken", counts),
                            intact: report.intact, broken: !report.intact, running: false,
                            problems: report.problems.prefix(50).map { (t["audit_problem_\($0.kind.rawValue)"] ?? $0.kind.rawValue) + " \($0.id): \($0.message)" },
                            head: report.head.map { words("audit_verify_head", ["seq": String($0.seq), "hash": $0.hash]) })
    }

    /// What the filters ask for, as the store takes it; `nil` when a case named is not found.
    struct Selection {
        var filter: Filter
        var action: String?, caseID: UUID?, actor: String?, from: Int64?, to: Int64?
        var caseMissing: Bool
    }

    static func selection(_ req: Request) async throws -> Selection {
        let q = { (name: String) in req.query[String.self, at: name]?.trimmingCharacters(in: .whitespaces) ?? "" }
        let filter = Filter(action: q("action"), actor: q("actor"), caseRef: q("case"), from: q("from"), to: q("to"), readsOnly: q("reads") == "1")
        var caseID: UUID?
        if !filter.caseRef.isEmpty {
            let store = CaseStore(db: req.db)
            caseID = try? await store.find(idOrNumber: filter.caseRef, scope: .all).id
            if caseID == nil { caseID = try? await store.find(idOrNumber: filter.caseRef.uppercased(), scope: .all).id } // typed in lower case
        }
        var actor: String?
        if !filter.actor.isEmpty {
            actor = (try? await UserStore(db: req.db).find(username: filter.actor))?.id.apiString ?? filter.actor
        }
        let zone = TimeZone(identifier: "Asia/Almaty") ?? .current
        func day(_ text: String, plus days: Int = 0) -> Int64? {
            LocalDate(text).map { Int64($0.daysSinceEpoch + days) * 86_400_000 - Int64(zone.secondsFromGMT()) * 1000 }
        }
        return Selection(filter: filter, action: filter.readsOnly ? "read.*" : (filter.action.isEmpty ? nil : filter.action),
                         caseID: caseID, actor: actor, from: day(filter.from), to: day(filter.to, plus: 1),
                         caseMissing: !filter.caseRef.isEmpty && caseID == nil)
    }

    func page(req: Request) async throws -> Response {
        let frame = try PageFrame.make(req)
        let t = frame.t
        let selection = try await Self.selection(req)
        let filter = selection.filter
        let problem = selection.caseMissing ? t["audit_no_case"] : nil
        let zone = TimeZone(identifier: "Asia/Almaty") ?? .current
        let cursor = req.query[String.self, at: "cursor"].flatMap { Cursor($0) }
        var records: [AuditRecord] = []
        var nextCursor: String?
        if problem == nil {
            let found = try await AuditStore(db: req.db).list(action: selection.action, caseID: selection.caseID, actor: selection.actor,
                                                              from: selection.from, to: selection.to, limit: 100, after: cursor)
            records = found.items
            nextCursor = found.nextCursor
        }
        let userIDs = Set(records.flatMap { record in
            [UUID(uuidString: record.actor), record.target.flatMap(UUID.init(uuidString:))].compactMap { $0 } + AuditDetail.ids(in: record.detail)
        })
        let units = try await UnitStore(db: req.db).units(Set(records.filter { $0.action.hasPrefix("unit.") || $0.action.hasPrefix("roster.") }.compactMap(\.target)))
        let users = try await UserStore(db: req.db).displayNames(userIDs)
        let caseIDs: [UUID] = Array(Set(records.compactMap { (record: AuditRecord) -> UUID? in record.caseID }))
        let cases = try await DashboardReads(db: req.db).summaries(caseIDs)
        let format = LocaleFormat(language: frame.lang, timeZone: zone)
        var rows: [Row] = []
        for record in records {
            let who: String = UUID(uuidString: record.actor).flatMap { users[$0] } ?? Self.actor(record.actor, t)
            var number = ""
            if let id = record.caseID { number = cases[id]?.number ?? "—" }
            // whom or what the action was on: a user by name, a unit by its name (never an id)
            let target = record.target.flatMap { target in
                UUID(uuidString: target).flatMap { users[$0] } ?? units[target]?.name(in: frame.lang)
            } ?? ""
            rows.append(Row(when: format.dateTime(ZonedDateTime(epochMilliseconds: record.at, offsetSeconds: 0)), actor: who,
                            action: Self.action(record.action, t), target: target, caseNumber: number, caseId: record.caseID?.apiString ?? "",
                            detail: AuditDetail.said(record.detail, t: t, names: users)))
        }
        var query = URLComponents()
        query.queryItems = [("action", filter.action), ("actor", filter.actor), ("case", filter.caseRef), ("from", filter.from), ("to", filter.to),
                            ("reads", filter.readsOnly ? "1" : "")].filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) }
        let next = nextCursor.map { cursor -> String in
            var more = query
            more.queryItems = (more.queryItems ?? []) + [URLQueryItem(name: "cursor", value: cursor)]
            return "/audit" + (more.percentEncodedQuery.map { "?" + $0 } ?? "")
        }
        let head = try await AuditStore(db: req.db).head()
        let verification = try await verification(req, format: format, t: t)
        // the notice that a check started or was already going holds only while it goes
        let notice = req.query[String.self, at: "verify"].flatMap { ["started", "running"].contains($0) && verification.running ? t["audit_verify_\($0)_notice"] : nil }
        let actions: [Choice] = t.keys.filter { $0.hasPrefix("auditaction_") && $0 != "auditaction_read" }.map { (key: String) -> Choice in
            let code = String(key.dropFirst("auditaction_".count))
            return Choice(value: code, label: t[key] ?? code, selected: code == filter.action)
        }.sorted { (a: Choice, b: Choice) in a.label.localizedStandardCompare(b.label) == .orderedAscending }
        return try await req.renderPage("audit", Context(frame: frame, rows: rows, filter: filter, next: next,
                                                         headSeq: String(head.seq), headHash: head.hash, problem: problem,
                                                         verification: verification,
                                                         export: "/audit/export.csv" + (query.percentEncodedQuery.map { "?" + $0 } ?? ""),
                                                         notice: notice, actions: actions))
    }

    /// An action in words: `read.persons` → "просмотр: лица дела".
    static func action(_ action: String, _ t: [String: String]) -> String {
        if let named = t["auditaction_\(action)"] { return named }
        if action.hasPrefix("read.") {
            let what = String(action.dropFirst(5))
            return (t["auditaction_read"] ?? "read") + ": " + (t["auditread_\(what)"] ?? what)
        }
        // a record of a case file's section: "verdicts.added" → "приговор: добавлено"
        let parts = action.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, let section = t["auditsection_\(parts[0])"], let verb = t["auditverb_\(parts[1])"] { return section + ": " + verb }
        return action
    }

    /// An actor that is not a user: the command line's operating-system user, the monitoring, a delivery.
    static func actor(_ actor: String, _ t: [String: String]) -> String {
        if actor.hasPrefix("cli:") { return (t["audit_actor_cli"] ?? "") + " " + actor.dropFirst(4) }
        return t["audit_actor_\(actor)"] ?? actor
    }
}
