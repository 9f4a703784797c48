import Domain
import Fluent
import Foundation
import SQLKit

extension CaseChange.Kind {
    /// The kind of change a write to this table is; nil for tables that hold no case's content
    /// (pings, alerts, users).
    init?(table: String?) {
        switch table {
        case CaseModel.schema: self = .header
        case PersonModel.schema, PlaceModel.schema: self = .persons
        case IncidentModel.schema, IncidentVersionModel.schema, IncidentErrorModel.schema: self = .incidents
        case ProtectiveOrderModel.schema: self = .orders
        case CaseRecordModel.schema, RecordVersionModel.schema: self = .records
        case EvidenceModel.schema: self = .evidence
        case CaseAccessModel.schema: self = .access
        default: return nil
        }
    }
}

extension AuditStore {
    /// The changes recorded after `seq`, case by case in the order first changed, the last seq
    /// read (`seq` itself when there is nothing new), and whether that was all (fewer than
    /// `limit` records were there to read).
    public func changes(after seq: Int64, limit: Int = 5_000) async throws -> (changes: [CaseChange], last: Int64, all: Bool) {
        let sql = try AuditChain.sqlDatabase(db)
        let rows = try await sql.select().columns("seq", "case_id", "entity").from("audit_log")
            .where("seq", .greaterThan, seq).orderBy("seq").limit(limit).all()
        var order: [UUID] = [], kinds: [UUID: Set<CaseChange.Kind>] = [:]
        var last = seq
        for row in rows {
            last = try row.decode(column: "seq", as: Int64.self)
            guard let caseID = try row.decodeNil(column: "case_id") ? nil : row.decode(column: "case_id", as: UUID.self),
                  let kind = CaseChange.Kind(table: try row.decode(column: "entity", as: String?.self)) else { continue }
            if kinds[caseID] == nil { order.append(caseID) }
            kinds[caseID, default: []].insert(kind)
        }
        return (order.map { CaseChange(caseID: $0, kinds: kinds[$0]!) }, last, rows.count < limit)
    }

    /// Every case changed after `seq`, up to the log's head (a projection's cases not yet due).
    public func casesChanged(after seq: Int64) async throws -> Set<UUID> {
        var from = seq, changed = Set<UUID>()
        while true {
            let read = try await changes(after: from)
            changed.formUnion(read.changes.map(\.caseID))
            from = read.last
            if read.all { return changed }
        }
    }
}
