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
        let query = AlertModel.query(on: db).filter(\.$acknowledgedAt == nil)
            .join(CaseModel.self, on: \AlertModel.$caseID == \CaseModel.$id)
        if case .limited(let units, let cases) = scope {
            guard !units.isEmpty || !cases.isEmpty else { return [] }
            query.group(.or) { group in
                if !units.isEmpty { group.filter(CaseModel.self, \.$unit ~~ Array(units)) }
                if !cases.isEmpty { group.filter(CaseModel.self, \.$id ~~ Array(cases)) }
            }
        }
        return try await query.sort(\.$createdAt, .descending).limit(limit).all().map { model in
            (try model.value(), try model.joined(CaseModel.self).summary())
        }
    }

    /// How many incidents each of these cases has.
    public func incidentCounts(_ caseIDs: [UUID]) async throws -> [UUID: Int] {
        guard let sql = db as? any SQLDatabase, !caseIDs.isEmpty else { return [:] }
        struct Row: Decodable { var case_id: UUID; var n: Int }
        var counts: [UUID: Int] = [:]
        for chunk in caseIDs.chunks(of: 500) {
            for row in try await sql.select().column("case_id").column(SQLRaw("COUNT(*) AS n")).from("incidents")
                .where("case_id", .in, chunk).groupBy("case_id").all(decoding: Row.self) {
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
            for model in try await IncidentModel.query(on: db).filter(\.$case.$id ~~ chunk)
                .filter(\.$occurredAt >= since).filter(\.$reportedBy == ReportedBy.victim.rawValue).all() {
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
