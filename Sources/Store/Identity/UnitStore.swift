import Domain
import Fluent
import Foundation
import SQLKit

/// The units: police departments, courts, offices. Users and cases carry a unit's code, which
/// never changes; its names (Russian, Kazakh, English) and its region may.
public struct UnitStore: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    public struct Unit: Sendable, Equatable, Codable {
        public var code: String
        public var names: [String: String]
        /// One of `Region.all`'s codes, when known.
        public var region: String?

        public init(code: String, names: [String: String], region: String?) { self.code = code; self.names = names; self.region = region }

        /// The name in `language`, else in Russian, English, Kazakh, else the code.
        public func name(in language: String) -> String {
            for candidate in [language, "ru", "en", "kk"] { if let name = names[candidate], !name.isEmpty { return name } }
            return code
        }
    }

    public func list() async throws -> [Unit] {
        try await UnitModel.query(on: db).sort(\.$id).all().map(Self.unit)
    }

    public func find(_ code: String) async throws -> Unit? {
        try await UnitModel.find(code, on: db).map(Self.unit)
    }

    public func exists(_ code: String) async throws -> Bool { try await UnitModel.find(code, on: db) != nil }

    /// The units of these codes (those that exist).
    public func units(_ codes: Set<String>) async throws -> [String: Unit] {
        guard !codes.isEmpty else { return [:] }
        return try await UnitModel.query(on: db).filter(\.$id ~~ codes).all().reduce(into: [:]) { $0[$1.id ?? ""] = Self.unit($1) }
    }

    /// The codes of the units of a region.
    public func codes(inRegion region: String) async throws -> [String] {
        try await UnitModel.query(on: db).filter(\.$region == region).all().compactMap(\.id)
    }

    /// How many users and cases each unit has.
    public func counts() async throws -> [String: (users: Int, cases: Int)] {
        guard let sql = db as? any SQLDatabase else { return [:] }
        struct Row: Decodable { var unit: String; var n: Int }
        var result: [String: (users: Int, cases: Int)] = [:]
        for row in try await sql.raw("SELECT unit, COUNT(*) AS n FROM users WHERE unit IS NOT NULL GROUP BY unit").all(decoding: Row.self) {
            result[row.unit, default: (0, 0)].users = row.n
        }
        for row in try await sql.raw("SELECT unit, COUNT(*) AS n FROM cases WHERE unit IS NOT NULL GROUP BY unit").all(decoding: Row.self) {
            result[row.unit, default: (0, 0)].cases = row.n
        }
        return result
    }

    /// Adds a unit; refused when the code is taken or a name is missing.
    public func add(_ unit: Unit, now: Int64) async throws {
        try Self.check(unit)
        guard try await !exists(unit.code) else {
            throw ValidationFailure([ValidationProblem(pointer: "/code", message: "the unit \"\(unit.code)\" exists already", code: .unitExists,
                                                       values: ["value": unit.code])])
        }
        let model = UnitModel()
        model.id = unit.code
        model.createdAt = now
        Self.fill(model, unit)
        try await model.create(on: db)
    }

    /// New names or region for a unit; its code, and so its users and cases, stay.
    public func change(_ unit: Unit) async throws {
        try Self.check(unit)
        guard let model = try await UnitModel.find(unit.code, on: db) else { throw DomainError.notFound("unit \(unit.code)") }
        Self.fill(model, unit)
        try await model.update(on: db)
    }

    /// Enters a unit named only by its code, if it is not there yet (a user added from the command
    /// line, a case imported, with a unit the list does not have).
    public func ensure(_ code: String, now: Int64) async throws {
        guard try await !exists(code) else { return }
        let model = UnitModel()
        model.id = code
        model.nameRu = code; model.nameKk = code; model.nameEn = code
        model.createdAt = now
        try await model.create(on: db)
    }

    static func check(_ unit: Unit) throws {
        var problems: [ValidationProblem] = []
        let code = unit.code
        if code.isEmpty || code.count > 200 || JSONNode.forbiddenControl(in: code) != nil || code != code.trimmingCharacters(in: .whitespaces) {
            problems.append(ValidationProblem(pointer: "/code", message: "a unit's code is 1 to 200 characters, without control characters or spaces around"))
        }
        for language in ["ru", "kk", "en"] {
            let name = unit.names[language] ?? ""
            if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 300 || JSONNode.forbiddenControl(in: name) != nil {
                problems.append(ValidationProblem(pointer: "/names/\(language)", message: "a name of 1 to 300 characters is needed"))
            }
        }
        if let region = unit.region, !Region.all.contains(region) {
            problems.append(ValidationProblem(pointer: "/region", message: "unknown region \"\(region)\""))
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }

    private static func fill(_ model: UnitModel, _ unit: Unit) {
        model.nameRu = unit.names["ru"] ?? ""; model.nameKk = unit.names["kk"] ?? ""; model.nameEn = unit.names["en"] ?? ""
        model.region = unit.region
    }

    private static func unit(_ model: UnitModel) -> Unit {
        Unit(code: model.id ?? "", names: ["ru": model.nameRu, "kk": model.nameKk, "en": model.nameEn], region: model.region)
    }
}

/// The regions a unit may be in: Kazakhstan's three cities of republican significance and
/// seventeen regions, and one for units abroad (a case under another jurisdiction's pack). Their
/// names are in the pages' catalogs (`region_<code>`).
public enum Region {
    public static let all = ["astana", "almaty-city", "shymkent", "abai", "akmola", "aktobe", "almaty", "atyrau", "east-kazakhstan",
                             "jambyl", "jetisu", "karaganda", "kostanay", "kyzylorda", "mangystau", "north-kazakhstan", "pavlodar",
                             "turkistan", "ulytau", "west-kazakhstan", "abroad"]
}
