import Fluent
import Foundation
import SQLKit

/// The rows of many cases' case files (incidents, persons, orders, records) read as plain rows
/// and made into models by their setters, for case files that are only read: a page of case files
/// for the projections, an export, a view computed from case files.
///
/// Fluent reads every fetched model's fields through reflection (`Fields.properties`: a `Mirror`
/// and a type looked up by its mangled name, per property, per row): with ten incidents, two
/// persons, an order and a few records a case, that was most of the time to rebuild the
/// projections. The models made here are for reading only: one to change and save, or to hash as
/// Fluent encodes it (a dossier), is fetched through Fluent.
enum PlainRowReader {
    /// The incidents of `caseIDs`, by when they occurred, then by ref (as `CaseFileStore` lists them).
    static func incidents(of caseIDs: [UUID], on db: any Database) async throws -> [IncidentModel] {
        try await read(IncidentModel.schema, of: caseIDs, orderedBy: ["occurred_at_ms", "ref"], on: db) { (row: IncidentRow) in
            let model = IncidentModel()
            model.id = row.id; model.$case.id = row.case_id; model.ref = row.ref; model.version = row.version
            model.occurredAt = row.occurred_at_ms; model.occurredOffset = row.occurred_offset
            model.kind = row.kind; model.channel = row.channel
            model.placeText = row.place_text; model.placeLat = row.place_lat; model.placeLon = row.place_lon
            model.description = row.description; model.againstWill = row.against_will; model.violence = row.violence
            model.reportedBy = row.reported_by; model.impact = row.impact; model.witnesses = row.witnesses; model.evidence = row.evidence
            model.recordedAt = row.recorded_at_ms; model.updatedAt = row.updated_at_ms
            model.versionBy = row.version_by; model.versionReason = row.version_reason
            return model
        }
    }

    /// The persons of `caseIDs`, in the case file's order.
    static func persons(of caseIDs: [UUID], on db: any Database) async throws -> [PersonModel] {
        try await read(PersonModel.schema, of: caseIDs, orderedBy: ["seq", "ref"], on: db) { (row: PersonRow) in
            let model = PersonModel()
            model.id = row.id; model.$case.id = row.case_id; model.ref = row.ref; model.seq = row.seq
            model.role = row.role; model.name = row.name; model.birthDate = row.birth_date; model.iin = row.iin
            model.relationship = row.relationship; model.createdAt = row.created_at_ms; model.version = row.version
            return model
        }
    }

    /// The protective orders of `caseIDs`, in the case file's order.
    static func orders(of caseIDs: [UUID], on db: any Database) async throws -> [ProtectiveOrderModel] {
        try await read(ProtectiveOrderModel.schema, of: caseIDs, orderedBy: ["seq", "ref"], on: db) { (row: OrderRow) in
            let model = ProtectiveOrderModel()
            model.id = row.id; model.$case.id = row.case_id; model.ref = row.ref; model.seq = row.seq; model.type = row.type
            model.issuedAt = row.issued_at_ms; model.issuedOffset = row.issued_offset
            model.validUntil = row.valid_until_ms; model.validUntilOffset = row.valid_until_offset
            model.issuer = row.issuer; model.conditions = row.conditions
            model.revokedAt = row.revoked_at_ms; model.revokedOffset = row.revoked_offset; model.version = row.version
            return model
        }
    }

    /// The lifecycle records of `caseIDs` (every section), in the case file's order.
    static func records(of caseIDs: [UUID], on db: any Database) async throws -> [CaseRecordModel] {
        try await read(CaseRecordModel.schema, of: caseIDs, orderedBy: ["seq", "ref"], on: db) { (row: RecordRow) in
            let model = CaseRecordModel()
            model.id = row.id; model.$case.id = row.case_id; model.section = row.section; model.ref = row.ref
            model.seq = row.seq; model.body = row.body; model.version = row.version
            return model
        }
    }

    /// `table`'s rows of the cases, in order, each made into a model by `make`.
    private static func read<Row: Decodable, Made>(_ table: String, of caseIDs: [UUID], orderedBy order: [String], on db: any Database,
                                                   make: (Row) -> Made) async throws -> [Made] {
        guard !caseIDs.isEmpty else { return [] } // `IN ()` is no SQL on PostgreSQL
        guard let sql = db as? any SQLDatabase else { throw ConfigurationError("case files are stored on SQLite or PostgreSQL") }
        var select = sql.select().column(SQLLiteral.all).from(table).where("case_id", .in, caseIDs)
        for column in order { select = select.orderBy(column) }
        return try await select.all(decoding: Row.self).map(make)
    }

    // The columns read, named as stored (the rows hold every column: `SELECT *`).

    private struct IncidentRow: Decodable {
        var id: UUID, case_id: UUID, ref: String, version: Int, occurred_at_ms: Int64, occurred_offset: Int, kind: String, channel: String
        var place_text: String?, place_lat: Double?, place_lon: Double?, description: String, against_will: Bool, violence: Bool
        var reported_by: String, impact: String, witnesses: String?, evidence: String?
        var recorded_at_ms: Int64, updated_at_ms: Int64, version_by: String, version_reason: String?
    }

    private struct PersonRow: Decodable {
        var id: UUID, case_id: UUID, ref: String, seq: Int, role: String, name: String, birth_date: String?, iin: String?
        var relationship: String?, created_at_ms: Int64, version: Int
    }

    private struct OrderRow: Decodable {
        var id: UUID, case_id: UUID, ref: String, seq: Int, type: String, issued_at_ms: Int64, issued_offset: Int
        var valid_until_ms: Int64, valid_until_offset: Int, issuer: String, conditions: String
        var revoked_at_ms: Int64?, revoked_offset: Int?, version: Int
    }

    private struct RecordRow: Decodable {
        var id: UUID, case_id: UUID, section: String, ref: String, seq: Int, body: String, version: Int
    }
}
