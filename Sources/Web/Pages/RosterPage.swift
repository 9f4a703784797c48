import Domain
import Foundation
import Store
import Vapor

/// `GET /units/roster?code=…`: a unit's duty roster, which decides who hears an alert of the
/// unit's cases first (on call), and who next (the supervisor, then the head) when nobody
/// acknowledges it — the same roster as `/api/v1/units/{unit}/roster`. Add a duty (an active
/// officer of the unit, all day or between two times) or remove one.
struct RosterPage {
    struct DutyView: Encodable { var index: Int; var duty: String; var officer: String; var hours: String }
    struct Choice: Encodable { var value: String; var label: String }
    struct Context: Encodable {
        var frame: PageFrame; var code: String; var unitName: String; var duties: [DutyView]
        var kinds: [Choice]; var officers: [Choice]; var done: String?; var problem: String?
    }

    func page(req: Request) async throws -> Response {
        guard let code = try Self.code(req.query[String.self, at: "code"]) else { return req.redirect(to: "/units") }
        return try await render(req, code: code,
                         done: req.query[String.self, at: "done"].flatMap { ["added", "removed"].contains($0) ? "roster_done_\($0)" : nil })
    }

    struct Form: Decodable { var code: String?; var duty: String?; var user: String?; var from: String?; var to: String?; var index: Int? }

    /// `POST /units/roster`: one more duty.
    func add(req: Request) async throws -> Response {
        let form = req.form(Form.self) ?? Form()
        guard let code = try Self.code(form.code) else { return req.redirect(to: "/units") }
        let t = req.application.catalogs.words(req.pageLanguage)
        guard let duty = form.duty.flatMap(RosterEntry.Duty.init(rawValue:)) else { return try await render(req, code: code, problem: t["roster_pick_duty"]) }
        guard let id = form.user.flatMap(UUID.init(uuidString:)), try await Self.officers(of: code, req).contains(where: { $0.id == id }) else {
            return try await render(req, code: code, problem: t["roster_pick_officer"])
        }
        let from = Self.minute(form.from), to = Self.minute(form.to)
        guard (from == nil) == (form.from ?? "").isEmpty, (to == nil) == (form.to ?? "").isEmpty, (from == nil) == (to == nil) else {
            return try await render(req, code: code, problem: t["roster_hours"])
        }
        var entries = try await ContactStore(db: req.db).roster(unit: code)
        entries.append(RosterEntry(duty: duty, userID: id, fromMinute: from, toMinute: to))
        try await ContactStore(db: req.db).replaceRoster(unit: code, with: entries)
        return req.redirect(to: "/units/roster?code=\(Self.encoded(code))&done=added")
    }

    /// `POST /units/roster/remove`: the duty at a place in the list shown.
    func remove(req: Request) async throws -> Response {
        let form = req.form(Form.self) ?? Form()
        guard let code = try Self.code(form.code) else { return req.redirect(to: "/units") }
        var entries = try await ContactStore(db: req.db).roster(unit: code)
        guard let index = form.index, entries.indices.contains(index) else { return req.redirect(to: "/units/roster?code=\(Self.encoded(code))") }
        entries.remove(at: index)
        try await ContactStore(db: req.db).replaceRoster(unit: code, with: entries)
        return req.redirect(to: "/units/roster?code=\(Self.encoded(code))&done=removed")
    }

    /// The unit's code the request names; nil when it names none (the list of units is where to pick one).
    private static func code(_ raw: String?) throws -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        guard raw.count <= 200, JSONNode.forbiddenControl(in: raw) == nil else { throw Abort(.notFound, reason: "unit not found") }
        return raw
    }

    private static func encoded(_ code: String) -> String { code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    /// "08:30" as minutes after midnight.
    private static func minute(_ text: String?) -> Int? {
        let parts = (text ?? "").split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else { return nil }
        return parts[0] * 60 + parts[1]
    }

    private static func officers(of unit: String, _ req: Request) async throws -> [UserAccount] {
        try await UserStore(db: req.db).list().filter { $0.role == .officer && $0.unit == unit && !$0.disabled }
    }

    private func render(_ req: Request, code: String, done: String? = nil, problem: String? = nil) async throws -> Response {
        guard let unit = try await UnitStore(db: req.db).find(code) else { throw Abort(.notFound, reason: "unit not found") }
        let frame = try PageFrame.make(req)
        let t = frame.t
        let officers = try await Self.officers(of: code, req)
        let roster = try await ContactStore(db: req.db).roster(unit: code)
        let names = try await UserStore(db: req.db).displayNames(Set(roster.map(\.userID)))
        func time(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
        let duties = roster.enumerated().map { index, entry in
            DutyView(index: index, duty: t["rosterduty_\(entry.duty.rawValue)"] ?? entry.duty.rawValue, officer: names[entry.userID] ?? "—",
                     hours: entry.fromMinute.flatMap { from in entry.toMinute.map { "\(time(from))–\(time($0))" } } ?? (t["roster_all_day"] ?? ""))
        }
        return try await req.renderPage("roster", Context(
            frame: frame, code: code, unitName: unit.name(in: frame.lang), duties: duties,
            kinds: RosterEntry.Duty.allCases.map { Choice(value: $0.rawValue, label: t["rosterduty_\($0.rawValue)"] ?? $0.rawValue) },
            officers: officers.map { Choice(value: $0.id.apiString, label: $0.displayName) },
            done: done.flatMap { t[$0] }, problem: problem), status: problem == nil ? .ok : .unprocessableEntity)
    }
}
