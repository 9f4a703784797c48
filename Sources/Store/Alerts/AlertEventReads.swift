import Domain
import Fluent
import Foundation

/// The events of alerts, for the alert stream's resumption and the alert console.
public struct AlertEventReads: Sendable {
    let db: any Database

    public init(db: any Database) { self.db = db }

    /// The events after `id` (in the order they happened) of the alerts of the cases in scope,
    /// each with its alert: what a stream reconnecting with `Last-Event-ID` missed.
    public func events(after id: UUID, scope: CaseScope, limit: Int = 1000) async throws -> [(event: AlertEvent, alert: StoredAlert)] {
        let query = AlertEventModel.query(on: db).filter(\.$id > id)
            .join(AlertModel.self, on: \AlertEventModel.$alertID == \AlertModel.$id)
            .join(CaseModel.self, on: \AlertEventModel.$caseID == \CaseModel.$id)
        guard query.joinedCase(within: scope) else { return [] }
        return try await query.sort(\.$id).limit(limit).all().map { (try $0.value(), try $0.joined(AlertModel.self).value()) }
    }

    /// Each alert's events, oldest first.
    public func events(of alertIDs: [UUID]) async throws -> [UUID: [AlertEvent]] {
        guard !alertIDs.isEmpty else { return [:] }
        var events: [UUID: [AlertEvent]] = [:]
        for chunk in alertIDs.chunks(of: 500) {
            for model in try await AlertEventModel.query(on: db).filter(\.$alertID ~~ chunk).sort(\.$id).all() {
                events[model.alertID, default: []].append(try model.value())
            }
        }
        return events
    }
}

extension QueryBuilder {
    /// Keeps the rows whose joined case (`CaseModel`) is in scope; false when the scope holds no
    /// case at all.
    func joinedCase(within scope: CaseScope) -> Bool {
        guard case .limited(let units, let cases) = scope else { return true }
        guard !units.isEmpty || !cases.isEmpty else { return false }
        group(.or) { group in
            if !units.isEmpty { group.filter(CaseModel.self, \.$unit ~~ Array(units)) }
            if !cases.isEmpty { group.filter(CaseModel.self, \.$id ~~ Array(cases)) }
        }
        return true
    }
}
