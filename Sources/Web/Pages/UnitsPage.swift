import Domain
import Foundation
import Store
import Vapor

/// `GET /units`: the administrator's list of units — each with its names in Russian, Kazakh and
/// English, its region, and how many users and cases it has; add one, rename one or move it to
/// another region. A unit's code stays, so its users and cases keep it: a rename is seen at once
/// wherever the unit is named.
struct UnitsPage {
    struct UnitView: Encodable {
        var code: String; var name: String; var ru: String; var kk: String; var en: String
        var region: String; var regionCode: String; var users: Int; var cases: Int; var anchor: String
        /// The code as a query value, for the roster's link.
        var codeQuery: String
    }
    struct Choice: Encodable { var value: String; var label: String }
    struct Context: Encodable {
        var frame: PageFrame; var units: [UnitView]; var regions: [Choice]; var done: String?
        var errors: [String: String]; var values: [String: String]; var problem: String?
    }

    func page(req: Request) async throws -> Response {
        try await render(req, done: req.query[String.self, at: "done"].flatMap { ["added", "changed"].contains($0) ? "units_done_\($0)" : nil })
    }

    struct Form: Decodable { var code: String?; var ru: String?; var kk: String?; var en: String?; var region: String? }

    /// `POST /units`: a new unit.
    func add(req: Request) async throws -> Response {
        let form = req.form(Form.self) ?? Form()
        let unit = Self.unit(form)
        do {
            try await UnitStore(db: req.db).add(unit, now: nowMilliseconds())
            try await AuditStore(db: req.db).append(actor: try req.principal.subject, action: "unit.added", target: unit.code)
            return req.redirect(to: "/units?done=added#\(Self.anchor(unit.code))")
        } catch let failure as ValidationFailure {
            return try await render(req, errors: UsersPage.byField(failure, req),
                                    values: ["code": form.code ?? "", "ru": form.ru ?? "", "kk": form.kk ?? "", "en": form.en ?? "", "region": form.region ?? ""],
                                    status: .unprocessableEntity)
        }
    }

    /// `POST /units/change`: new names or region for the unit whose code the form carries.
    func change(req: Request) async throws -> Response {
        let form = req.form(Form.self) ?? Form()
        let unit = Self.unit(form)
        do {
            try await UnitStore(db: req.db).change(unit)
            try await AuditStore(db: req.db).append(actor: try req.principal.subject, action: "unit.changed", target: unit.code)
            return req.redirect(to: "/units?done=changed#\(Self.anchor(unit.code))")
        } catch let failure as ValidationFailure {
            let t = req.application.catalogs.words(req.pageLanguage)
            return try await render(req, problem: failure.problems.map { $0.said(in: t) }.joined(separator: "; "), status: .unprocessableEntity)
        }
    }

    private static func unit(_ form: Form) -> UnitStore.Unit {
        func trimmed(_ text: String?) -> String { text?.trimmingCharacters(in: .whitespaces) ?? "" }
        let region = trimmed(form.region)
        return UnitStore.Unit(code: trimmed(form.code), names: ["ru": trimmed(form.ru), "kk": trimmed(form.kk), "en": trimmed(form.en)],
                              region: region.isEmpty ? nil : region)
    }

    /// An id for a unit's row: its code's hash, as a code may hold any character.
    static func anchor(_ code: String) -> String { "unit-" + SHA256Hex.of(code).prefix(12) }

    private func render(_ req: Request, done: String? = nil, errors: [String: String] = [:], values: [String: String] = [:],
                        problem: String? = nil, status: HTTPResponseStatus = .ok) async throws -> Response {
        let frame = try PageFrame.make(req)
        let t = frame.t
        let store = UnitStore(db: req.db)
        let counts = try await store.counts()
        let units = try await store.list().map { unit in
            UnitView(code: unit.code, name: unit.name(in: frame.lang), ru: unit.names["ru"] ?? "", kk: unit.names["kk"] ?? "",
                     en: unit.names["en"] ?? "", region: unit.region.flatMap { t["region_\($0)"] } ?? "—", regionCode: unit.region ?? "",
                     users: counts[unit.code]?.users ?? 0, cases: counts[unit.code]?.cases ?? 0, anchor: Self.anchor(unit.code),
                     codeQuery: unit.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }.sorted { $0.name.localizedStandardCompare($1.name) == .orderedAscending }
        let regions = Region.all.map { Choice(value: $0, label: t["region_\($0)"] ?? $0) }
            .sorted { $0.label.localizedStandardCompare($1.label) == .orderedAscending } // in the page's alphabet
        return try await req.renderPage("units", Context(frame: frame, units: units, regions: regions, done: done.flatMap { t[$0] },
                                                         errors: errors, values: values, problem: problem), status: status)
    }
}
