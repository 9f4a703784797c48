import Domain
import Fluent
import Foundation
import SQLKit

/// Cases found by a person's name (in any of its Kazakh, Russian or Latin spellings), an IIN or
/// the case number, through the `search_terms` projection: one row per folded word, indexed, so a
/// search reads the matching rows of the cases in scope and nothing else.
public struct SearchIndex: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Hit: Sendable, Equatable {
        public var caseID: UUID
        public var number: String?
        /// What matched: names, the number, an IIN, as written in the case.
        public var matched: [String]
    }

    /// The rows a case file gives: every folded word of the number and of each person's name,
    /// and each IIN as it is, with whose it is ("number" or the person's role).
    static func terms(of file: CaseFile) -> [(term: String, shown: String, role: String)] {
        var rows: [(String, String, String)] = []
        if let number = file.case.number { for word in Set(NameFolding.words(number)) { rows.append((word, number, "number")) } }
        for person in file.persons {
            for word in Set(NameFolding.words(person.name)) { rows.append((word, person.name, person.role.rawValue)) }
            if let iin = person.iin { rows.append(("#" + iin, iin, person.role.rawValue)) } // found whole, never by its beginning
        }
        return rows
    }

    /// Its name in `projection_state`.
    public static let name = "search"

    /// The kinds of change that change a case's rows.
    public static let followedKinds: Set<CaseChange.Kind> = [.header, .persons]

    /// What a victim may find her cases by: their numbers and the names of the victims and the
    /// respondent, as her view of the persons shows them; not a witness, not an IIN.
    static let victimsRoles = ["number", PersonRole.victim.rawValue, PersonRole.respondent.rawValue]

    /// Writes a case's rows anew.
    public func rewrite(caseID: UUID, file: CaseFile) async throws {
        try await rewrite([(caseID, file)])
    }

    /// Writes the rows of many cases anew in one transaction (a rebuild, a catch-up after an import).
    public func rewrite(_ cases: [(caseID: UUID, file: CaseFile)]) async throws {
        guard !cases.isEmpty else { return }
        let rows = cases.flatMap { c in Self.terms(of: c.file).map { (c.caseID, c.file.case.unit, $0) } }
        try await db.transaction { tx in
            let sql = tx as! any SQLDatabase
            for chunk in cases.chunks(of: 500) {
                try await sql.delete(from: "search_terms").where("case_id", .in, chunk.map(\.caseID)).run()
            }
            for chunk in rows.chunks(of: 250) {
                var insert = sql.insert(into: "search_terms").columns("case_id", "unit", "term", "shown", "role")
                for (caseID, unit, row) in chunk {
                    insert = insert.values(SQLBind(caseID), SQLBind(unit), SQLBind(row.term), SQLBind(row.shown), SQLBind(row.role))
                }
                try await insert.run()
            }
        }
    }

    /// The cases in scope in which every word of `query` begins a word of a name or the number
    /// (an IIN matches whole), in the order they were opened, at most `limit`. Each word is one
    /// indexed range read of the units in scope (and the cases granted).
    /// `asVictim`: only what a victim may find her cases by (`victimsRoles`).
    public func search(_ query: String, scope: CaseScope, asVictim: Bool = false, limit: Int = 200) async throws -> [Hit] {
        let words = Array(Set(NameFolding.words(query))).sorted()
        guard !words.isEmpty, words.allSatisfy({ $0.count >= 2 }) else { return [] }
        if case .limited(let units, let cases) = scope, units.isEmpty, cases.isEmpty { return [] }
        let sql = try sqlDatabase()
        var found: Set<UUID>?
        var shown: [UUID: [String]] = [:]
        for word in words {
            let isIIN = word.count == 12 && word.allSatisfy(\.isNumber)
            if isIIN, asVictim { return [] }
            var select = sql.select().columns("case_id", "shown").from("search_terms")
            if asVictim { select = select.where("role", .in, Self.victimsRoles) }
            if isIIN {
                select = select.where("term", .equal, "#" + word)
            } else { // the words that begin with `word`: [word, word with its last character raised)
                let last = word.unicodeScalars.last!
                let next = String(word.unicodeScalars.dropLast()) + String(Unicode.Scalar(last.value + 1) ?? last)
                select = select.where("term", .greaterThanOrEqual, word).where("term", .lessThan, next)
            }
            if case .limited(let units, let cases) = scope {
                select = select.where { group in
                    var group = group
                    if !units.isEmpty { group = group.orWhere("unit", .in, Array(units)) }
                    if !cases.isEmpty { group = group.orWhere("case_id", .in, Array(cases)) }
                    return group
                }
            }
            if let found, found.count <= 500 { select = select.where("case_id", .in, Array(found)) }
            struct Row: Decodable { var case_id: UUID; var shown: String }
            let rows = try await select.all(decoding: Row.self)
            let these = Set(rows.map(\.case_id))
            found = found.map { $0.intersection(these) } ?? these
            for row in rows where found!.contains(row.case_id) && !(shown[row.case_id]?.contains(row.shown) ?? false) {
                shown[row.case_id, default: []].append(row.shown)
            }
            if found!.isEmpty { return [] }
        }
        // only the columns the order and the hit need (a common first name matches hundreds of cases)
        struct Opened: Decodable { var id: UUID; var number: String?; var created_at_ms: Int64 }
        // ordered by opening, then by id, compared as UUIDs (the same order as their text, whose
        // making by the C library's printf twice per comparison took 15 ms for 800 hits)
        var hits: [(opened: Int64, hit: Hit)] = []
        for chunk in Array(found ?? []).chunks(of: 500) {
            let opened = try await sql.select().columns("id", "number", "created_at_ms").from(CaseModel.schema)
                .where("id", .in, chunk).all(decoding: Opened.self)
            for row in opened {
                hits.append((row.created_at_ms, Hit(caseID: row.id, number: row.number, matched: shown[row.id] ?? [])))
            }
        }
        return hits.sorted { ($0.opened, $0.hit.caseID) < ($1.opened, $1.hit.caseID) }.prefix(limit).map(\.hit)
    }

    /// Every case's rows anew, and the projection current up to the audit log's head.
    public func rebuild() async throws -> Int {
        let head = try await AuditStore(db: db).head().seq
        try await removeAll()
        var count = 0
        try await CaseFileStore(db: db).forEachPageOfCaseFiles(pageSize: 500) { page in
            try await rewrite(page.map { ($0.0.id, $0.1) })
            count += page.count
        }
        try await ProjectionState(db: db).set(Self.name, seq: head)
        return count
    }

    /// Every case's rows removed (before a rebuild).
    public func removeAll() async throws {
        try await (try sqlDatabase()).delete(from: "search_terms").run()
    }

    /// The cases whose rows are not what their case files give (a projection changed behind
    /// Qorgau's back): their ids. Cases changed after the projection last read the audit log (a
    /// command run while no server followed) are not yet due, and not counted; nor is anything
    /// before the projection was first built.
    public func disagreements() async throws -> [UUID] {
        guard let from = try await ProjectionState(db: db).seq(of: Self.name) else { return [] }
        let pending = try await AuditStore(db: db).casesChanged(after: from)
        struct Row: Decodable { var case_id: UUID; var unit: String?; var term: String; var shown: String; var role: String }
        let stored = try await (try sqlDatabase()).select().columns("case_id", "unit", "term", "shown", "role").from("search_terms")
            .all(decoding: Row.self)
        var byCase: [UUID: [String]] = [:]
        for row in stored {
            byCase[row.case_id, default: []].append([row.unit ?? "", row.term, row.shown, row.role].joined(separator: "\u{1}"))
        }
        var wrong: [UUID] = []
        let files = try await CaseFileStore(db: db).allCaseFiles(scope: .all)
        for (summary, file) in files where !pending.contains(summary.id) {
            let expected = Self.terms(of: file)
                .map { [file.case.unit ?? "", $0.term, $0.shown, $0.role].joined(separator: "\u{1}") }.sorted()
            if (byCase.removeValue(forKey: summary.id) ?? []).sorted() != expected { wrong.append(summary.id) }
        }
        return wrong + byCase.keys.filter { !pending.contains($0) }.sorted()
    }

    private func sqlDatabase() throws -> any SQLDatabase {
        guard let sql = db as? any SQLDatabase else { throw AuditChainError.notSQL }
        return sql
    }
}

/// Where each projection has read the audit log up to.
public struct ProjectionState: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public func seq(of name: String) async throws -> Int64? {
        guard let sql = db as? any SQLDatabase else { return nil }
        struct Row: Decodable { var seq: Int64 }
        return try await sql.select().column("seq").from("projection_state").where("name", .equal, name).first(decoding: Row.self)?.seq
    }

    public func set(_ name: String, seq: Int64) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.insert(into: "projection_state").columns("name", "seq").values(SQLBind(name), SQLBind(seq))
            .onConflict(with: ["name"]) { try $0.set("seq", to: seq) }.run()
    }
}
