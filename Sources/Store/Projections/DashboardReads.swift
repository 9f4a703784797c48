import Domain
import Fluent
import Foundation
import SQLKit

/// The reads of an officer's dashboard that are not projections: the newest cases in scope, how
/// many incidents each has, a few cases' incidents the victim logged. Each an indexed read of
/// the rows shown, never of every case in scope.
public struct DashboardReads: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// The newest cases in scope (by when they were entered), `limit` at most.
    public func newestCases(scope: CaseScope, limit: Int) async throws -> [CaseSummary] {
        let query = CaseModel.query(on: db)
        guard query.within(scope) else { return [] }
        return try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit).all().map { try $0.summary() }
    }

    /// The alerts no officer has acknowledged yet in the cases in scope, newest first, with their
    /// case: one read of the open alerts (indexed by `alerts_open`), however many cases there are.
    public func openAlerts(scope: CaseScope, limit: Int) async throws -> [(alert: StoredAlert, case: CaseSummary)] {
        try await alerts(scope: scope, openOnly: true, before: nil, limit: limit)
    }

    /// The alerts of the cases in scope, newest first, from before `before` (raise time and id):
    /// one page of an indexed read across every case in scope.
    public func alerts(scope: CaseScope, openOnly: Bool, before: (Int64, UUID)?, limit: Int) async throws
        -> [(alert: StoredAlert, case: CaseSummary)] {
        let query = AlertModel.query(on: db).join(CaseModel.self, on: \AlertModel.$caseID == \CaseModel.$id)
        if openOnly { query.filter(\.$acknowledgedAt == nil) }
        guard query.joinedCase(within: scope) else { return [] }
        if let (at, id) = before {
            query.group(.or) { $0.filter(\.$createdAt < at).group(.and) { $0.filter(\.$createdAt == at).filter(\.$id < id) } }
        }
        return try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit).all().map { model in
            (try model.value(), try model.joined(CaseModel.self).summary())
        }
    }

    /// How many incidents each of these cases has (not counting those entered in error).
    public func incidentCounts(_ caseIDs: [UUID]) async throws -> [UUID: Int] {
        guard let sql = db as? any SQLDatabase, !caseIDs.isEmpty else { return [:] }
        struct Row: Decodable { var case_id: UUID; var n: Int }
        var counts: [UUID: Int] = [:]
        for chunk in caseIDs.chunks(of: 500) {
            for row in try await sql.select().column("case_id").column(SQLRaw("COUNT(*) AS n")).from("incidents")
                .where("case_id", .in, chunk)
                .where(SQLRaw("NOT EXISTS (SELECT 1 FROM incident_errors WHERE incident_errors.incident_id = incidents.id)"))
                .groupBy("case_id").all(decoding: Row.self) {
                counts[row.case_id] = row.n
            }
        }
        return counts
    }

    /// The incidents the victim logged in these cases since `since` (epoch milliseconds).
    public func victimEntries(_ caseIDs: [UUID], since: Int64) async throws -> [(caseID: UUID, incident: Incident)] {
        guard !caseIDs.isEmpty else { return [] }
        var found: [(UUID, Incident)] = []
        for chunk in caseIDs.chunks(of: 500) {
            let inError = Set(try await IncidentErrorModel.query(on: db).filter(\.$case.$id ~~ chunk).all().map(\.incidentID))
            for model in try await IncidentModel.query(on: db).filter(\.$case.$id ~~ chunk)
                .filter(\.$occurredAt >= since).filter(\.$reportedBy == ReportedBy.victim.rawValue).all()
                where !inError.contains(model.id!) {
                found.append((model.$case.id, try model.incident()))
            }
        }
        return found
    }
}

extension DashboardReads {
    /// The headers of these cases, by id.
    public func summaries(_ caseIDs: [UUID]) async throws -> [UUID: CaseSummary] {
        var found: [UUID: CaseSummary] = [:]
        for chunk in caseIDs.chunks(of: 500) {
            for model in try await CaseModel.query(on: db).filter(\.$id ~~ chunk).all() { found[model.id!] = try model.summary() }
        }
        return found
    }
}
