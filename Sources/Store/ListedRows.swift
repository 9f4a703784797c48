import Domain
import Fluent
import Foundation
import SQLiteKit

/// A row whose fields are listed by hand, each with the name its hash is keyed by (the property's,
/// as Fluent's `Model.encode(to:)` names it), its column and its value. The one list gives the
/// row's audit hash (the very JSON Fluent's encoding gives, so rows hashed either way agree) and
/// its insert, without Fluent finding the fields by reflection on every row: that was most of an
/// import's time (ten incidents, two persons and their places, an order and records a case) and
/// part of every monitoring group's. `ListedRowTests` holds every list to Fluent's own fields.
protocol ListedRow: Model {
    /// In order of their property names, as the hash's keys are (so no row sorts them again).
    var listedFields: [RowField] { get }
}

struct RowField {
    enum Value {
        case text(String?), integer(Int64?), real(Double?), bool(Bool), id(UUID?)
        /// A parent's id: hashed as Fluent encodes a parent not loaded, `{"id": …}`.
        case parent(UUID)

        static func integer(_ value: Int?) -> Value { .integer(value.map(Int64.init)) }
    }

    var property: String
    var column: String
    var value: Value

    init(_ property: String, _ column: String, _ value: Value) {
        self.property = property; self.column = column; self.value = value
    }

    var bind: SQLBind { value.bind }
}

extension RowField.Value {
    var bind: SQLBind {
        switch self {
        case .text(let text): SQLBind(text)
        case .integer(let number): SQLBind(number)
        case .real(let number): SQLBind(number)
        case .bool(let flag): SQLBind(flag)
        case .id(let id): SQLBind(id)
        case .parent(let id): SQLBind(id)
        }
    }

    /// The value as SQLiteKit's encoder binds it (ids as upper-case text, flags as 0 or 1),
    /// without going through `Encodable`.
    var sqliteData: SQLiteData {
        switch self {
        case .text(let text): text.map(SQLiteData.text) ?? .null
        case .integer(let number): number.map { .integer(Int($0)) } ?? .null
        case .real(let number): number.map(SQLiteData.float) ?? .null
        case .bool(let flag): .integer(flag ? 1 : 0)
        case .id(let id): id.map { .text($0.upperString) } ?? .null
        case .parent(let id): .text(id.upperString)
        }
    }
}

/// Rows of one table gathered for one insert of many, each row's list read once for both its
/// audit hash and its values.
struct ListedTable {
    let name: String
    private(set) var columns: [String] = []
    private(set) var rows: [[RowField.Value]] = []

    init(_ name: String) { self.name = name }

    /// Adds a row and gives its audit hash.
    mutating func add(_ fields: [RowField]) -> String {
        if columns.isEmpty { columns = fields.map(\.column) }
        rows.append(fields.map(\.value))
        return RowHash.of(fields)
    }

    func insert(on db: any Database) async throws {
        try await ListedRows.insert(into: name, columns: columns, rows: rows, on: db)
    }
}

/// A listed row's fields as the JSON `JSONEncoder` writes for them with keys sorted and slashes
/// left alone (what Fluent's encoding gave every row hashed before), written straight into bytes.
enum ListedJSON {
    static func bytes(_ fields: [RowField]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(UInt8(ascii: "{"))
        assert(zip(fields, fields.dropFirst()).allSatisfy { $0.property < $1.property }, "a row's fields are listed by property name")
        for (n, field) in fields.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            string(field.property, to: &out)
            out.append(UInt8(ascii: ":"))
            switch field.value {
            case .text(let text): if let text { string(text, to: &out) } else { null(&out) }
            case .integer(let number): if let number { out.append(contentsOf: String(number).utf8) } else { null(&out) }
            case .real(let number): if let number { real(number, to: &out) } else { null(&out) }
            case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
            case .id(let id): if let id { string(id.upperString, to: &out) } else { null(&out) }
            case .parent(let id):
                out.append(contentsOf: #"{"id":"#.utf8)
                string(id.upperString, to: &out)
                out.append(UInt8(ascii: "}"))
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func null(_ out: inout [UInt8]) { out.append(contentsOf: "null".utf8) }

    /// As `JSONEncoder` writes a `Double`: its description, without a trailing ".0".
    private static func real(_ number: Double, to out: inout [UInt8]) {
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        out.append(contentsOf: text.utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// As `JSONEncoder` escapes a string: quote, backslash and control characters, the common
    /// ones by their letter; everything else as its UTF-8 bytes.
    private static func string(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

enum ListedRows {
    /// The most values SQLite takes in one statement (32,766), with room to spare.
    private static let valuesPerStatement = 30_000

    /// One insert of these rows (all of one table).
    static func insert<M: ListedRow>(_ rows: [M], on sql: any SQLDatabase) -> SQLInsertBuilder {
        var insert = sql.insert(into: M.schema)
        if let first = rows.first { insert = insert.columns(first.listedFields.map(\.column)) }
        for row in rows { insert = insert.values(row.listedFields.map(\.bind)) }
        return insert
    }

    /// Inserts the rows, as many a statement as SQLite allows.
    static func insertAll<M: ListedRow>(_ rows: [M], on db: any Database) async throws {
        guard let first = rows.first else { return }
        guard db is any SQLDatabase else { return try await rows.create(on: db) }
        try await insert(into: M.schema, columns: first.listedFields.map(\.column), rows: rows.map { $0.listedFields.map(\.value) }, on: db)
    }

    /// Inserts rows of one table, each its values in `columns` order, as many a statement as
    /// SQLite allows. On SQLite the statement is written here and the values bound as the
    /// driver's own (as `TrackRows` does): SQLKit's serialisation and its encoder's casts were a
    /// seventh of an import.
    static func insert(into table: String, columns: [String], rows: [[RowField.Value]], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, valuesPerStatement / columns.count)
        if let lite = db as? any SQLiteDatabase {
            try await lite.withConnection { connection in
                var full: String? // the statement of a whole chunk, written once
                for chunk in rows.chunks(of: perStatement) {
                    let statement = chunk.count < perStatement ? sqliteInsert(into: table, columns: columns, rows: chunk.count)
                        : full ?? sqliteInsert(into: table, columns: columns, rows: perStatement)
                    if chunk.count == perStatement { full = statement }
                    try await connection.query(statement, chunk.flatMap { $0.map(\.sqliteData) }) { _ in }
                }
            }
            return
        }
        let sql = try AuditChain.sqlDatabase(db)
        for chunk in rows.chunks(of: perStatement) {
            var insert = sql.insert(into: table).columns(columns)
            for row in chunk { insert = insert.values(row.map(\.bind)) }
            try await insert.run()
        }
    }

    /// An insert of `rows` rows, its values bound by position.
    static func sqliteInsert(into table: String, columns: [String], rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        return "INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ",") + ") VALUES "
            + Array(repeating: row, count: rows).joined(separator: ",")
    }
}

extension CaseModel: ListedRow {
    var listedFields: [RowField] {
        [.init("createdAt", "created_at_ms", .integer(createdAt)), .init("id", "id", .id(id)),
         .init("jurisdiction", "jurisdiction", .text(jurisdiction)), .init("number", "number", .text(number)),
         .init("openedAt", "opened_at_ms", .integer(openedAt)),
         .init("openedOffset", "opened_offset", .integer(openedOffset)),
         .init("riskAssessments", "risk_assessments", .text(riskAssessments)), .init("status", "status", .text(status)),
         .init("unit", "unit", .text(unit)), .init("version", "version", .integer(version))]
    }
}

extension PersonModel: ListedRow {
    var listedFields: [RowField] {
        [.init("birthDate", "birth_date", .text(birthDate)), .init("case", "case_id", .parent($case.id)),
         .init("createdAt", "created_at_ms", .integer(createdAt)), .init("id", "id", .id(id)),
         .init("iin", "iin", .text(iin)), .init("name", "name", .text(name)), .init("ref", "ref", .text(ref)),
         .init("relationship", "relationship", .text(relationship)), .init("role", "role", .text(role)),
         .init("seq", "seq", .integer(seq)), .init("version", "version", .integer(version))]
    }
}

extension PlaceModel: ListedRow {
    var listedFields: [RowField] {
        [.init("id", "id", .id(id)), .init("kind", "kind", .text(kind)), .init("lat", "lat", .real(lat)),
         .init("lon", "lon", .real(lon)), .init("person", "person_id", .parent($person.id)),
         .init("seq", "seq", .integer(seq)), .init("text", "text", .text(text)),
         .init("validFrom", "valid_from", .text(validFrom)), .init("validUntil", "valid_until", .text(validUntil))]
    }
}

extension IncidentModel: ListedRow {
    var listedFields: [RowField] {
        [.init("againstWill", "against_will", .bool(againstWill)), .init("case", "case_id", .parent($case.id)),
         .init("channel", "channel", .text(channel)), .init("description", "description", .text(description)),
         .init("evidence", "evidence", .text(evidence)), .init("id", "id", .id(id)), .init("impact", "impact", .text(impact)),
         .init("kind", "kind", .text(kind)), .init("occurredAt", "occurred_at_ms", .integer(occurredAt)),
         .init("occurredOffset", "occurred_offset", .integer(occurredOffset)),
         .init("placeLat", "place_lat", .real(placeLat)), .init("placeLon", "place_lon", .real(placeLon)),
         .init("placeText", "place_text", .text(placeText)), .init("recordedAt", "recorded_at_ms", .integer(recordedAt)),
         .init("ref", "ref", .text(ref)), .init("reportedBy", "reported_by", .text(reportedBy)),
         .init("updatedAt", "updated_at_ms", .integer(updatedAt)), .init("version", "version", .integer(version)),
         .init("versionBy", "version_by", .text(versionBy)), .init("versionReason", "version_reason", .text(versionReason)),
         .init("violence", "violence", .bool(violence)), .init("witnesses", "witnesses", .text(witnesses))]
    }
}

extension ProtectiveOrderModel: ListedRow {
    var listedFields: [RowField] {
        [.init("case", "case_id", .parent($case.id)), .init("conditions", "conditions", .text(conditions)),
         .init("id", "id", .id(id)), .init("issuedAt", "issued_at_ms", .integer(issuedAt)),
         .init("issuedOffset", "issued_offset", .integer(issuedOffset)), .init("issuer", "issuer", .text(issuer)),
         .init("ref", "ref", .text(ref)), .init("revokedAt", "revoked_at_ms", .integer(revokedAt)),
         .init("revokedOffset", "revoked_offset", .integer(revokedOffset)), .init("seq", "seq", .integer(seq)),
         .init("type", "type", .text(type)), .init("validUntil", "valid_until_ms", .integer(validUntil)),
         .init("validUntilOffset", "valid_until_offset", .integer(validUntilOffset)),
         .init("version", "version", .integer(version))]
    }
}

extension CaseRecordModel: ListedRow {
    var listedFields: [RowField] {
        [.init("body", "body", .text(body)), .init("case", "case_id", .parent($case.id)), .init("id", "id", .id(id)),
         .init("ref", "ref", .text(ref)), .init("section", "section", .text(section)), .init("seq", "seq", .integer(seq)),
         .init("version", "version", .integer(version))]
    }
}

extension AlertModel: ListedRow {
    var listedFields: [RowField] {
        [.init("accuracy", "accuracy_m", .integer(accuracy)),
         .init("acknowledgedAt", "acknowledged_at_ms", .integer(acknowledgedAt)),
         .init("acknowledgedBy", "acknowledged_by", .text(acknowledgedBy)), .init("at", "at_ms", .integer(at)),
         .init("caseID", "case_id", .id(caseID)), .init("createdAt", "created_at_ms", .integer(createdAt)),
         .init("device", "device", .text(device)), .init("distance", "distance_m", .integer(distance)),
         .init("escalatedAt", "escalated_at_ms", .integer(escalatedAt)), .init("id", "id", .id(id)),
         .init("incident", "incident_ref", .text(incident)), .init("kind", "kind", .text(kind)),
         .init("offset", "at_offset", .integer(offset)), .init("order", "order_ref", .text(order)),
         .init("zone", "zone", .integer(zone))]
    }
}
