import Fluent
import Foundation
import SQLKit

/// The incidents of many cases read as plain rows and made into models by their setters, for
/// case files that are only read (a page of case files for the projections, an export).
///
/// Fluent reads every fetched model's fields through reflection (`Fields.properties`, a `Mirror`
/// and a type lookup by mangled name per property per row): with ten incidents a case that was a
/// third of the time to rebuild the projections. The models made here are for reading only; a
/// model to change and save is fetched through Fluent.
enum IncidentRowReader {
    private struct Row: Decodable {
        var id: UUID
        var case_id: UUID
        var ref: String
        var version: Int
        var occurred_at_ms: Int64
        var occurred_offset: Int
        var kind: String
        var channel: String
        var place_text: String?
        var place_lat: Double?
        var place_lon: Double?
        var description: String
        var against_will: Bool
        var violence: Bool
        var reported_by: String
        var impact: String
        var witnesses: String?
        var evidence: String?
        var recorded_at_ms: Int64
        var updated_at_ms: Int64
        var version_by: String
        var version_reason: String?
    }

    private static let columns = [
        "id", "case_id", "ref", "version", "occurred_at_ms", "occurred_offset", "kind", "channel", "place_text", "place_lat",
        "place_lon", "description", "against_will", "violence", "reported_by", "impact", "witnesses", "evidence",
        "recorded_at_ms", "updated_at_ms", "version_by", "version_reason",
    ]

    /// The incidents of `caseIDs`, in the order `CaseFileStore` lists them (by when they occurred, then by ref).
    static func incidents(of caseIDs: [UUID], on db: any Database) async throws -> [IncidentModel] {
        guard let sql = db as? any SQLDatabase else {
            return try await IncidentModel.query(on: db).filter(\.$case.$id ~~ caseIDs).sort(\.$occurredAt).sort(\.$ref).all()
        }
        let rows = try await sql.select().columns(columns.map { SQLIdentifier($0) }).from(IncidentModel.schema)
            .where("case_id", .in, caseIDs).orderBy("occurred_at_ms").orderBy("ref").all(decoding: Row.self)
        return rows.map(model)
    }

    private static func model(_ row: Row) -> IncidentModel {
        let model = IncidentModel()
        model.id = row.id
        model.$case.id = row.case_id
        model.ref = row.ref
        model.version = row.version
        model.occurredAt = row.occurred_at_ms
        model.occurredOffset = row.occurred_offset
        model.kind = row.kind
        model.channel = row.channel
        model.placeText = row.place_text
        model.placeLat = row.place_lat
        model.placeLon = row.place_lon
        model.description = row.description
        model.againstWill = row.against_will
        model.violence = row.violence
        model.reportedBy = row.reported_by
        model.impact = row.impact
        model.witnesses = row.witnesses
        model.evidence = row.evidence
        model.recordedAt = row.recorded_at_ms
        model.updatedAt = row.updated_at_ms
        model.versionBy = row.version_by
        model.versionReason = row.version_reason
        return model
    }
}
