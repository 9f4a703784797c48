import Cases
import Domain
import Fluent
import Foundation
import Store
import Vapor

/// What an officer does with an alert, from the API and the alert console alike: each stored
/// as an event of the alert (which the delivery worker sends on) and told on the alert stream.
struct AlertActions {
    let db: any Database
    let hub: MonitoringHub
    let principal: Principal

    init(_ req: Request) throws {
        db = req.db; hub = req.application.monitoring; principal = try req.principal
    }

    /// A note on an alert, as the API and the console read it: optional, at most 2,000
    /// characters, no control characters but tab and line breaks.
    static func note(_ node: JSONNode) -> String? { node.string(required: false, maxLength: 2000) }

    /// Acknowledged with what the officer did; a second acknowledgement keeps the first.
    func acknowledge(_ alertID: UUID, caseID: UUID, note: String?) async throws -> StoredAlert {
        let (alert, event) = try await stored {
            try await MonitoringStore(db: db).acknowledge(alertID, caseID: caseID, by: principal.subject, note: note, scope: principal.scope)
        }
        if let event { try await hub.announce(event, of: alert, db: db) }
        return alert
    }

    func handOver(_ alertID: UUID, caseID: UUID, to target: UUID, note: String?) async throws -> StoredAlert {
        let (alert, event) = try await stored {
            try await MonitoringStore(db: db).handOver(alertID, caseID: caseID, to: target, by: principal.subject, note: note,
                                                       scope: principal.scope)
        }
        try await hub.announce(event, of: alert, db: db)
        return alert
    }

    /// To the next step of the chain now, without waiting for the sweep.
    func escalate(_ alertID: UUID, caseID: UUID, note: String?) async throws -> StoredAlert {
        guard let (alert, event) = try await stored({
            try await MonitoringStore(db: db).escalate(alertID, caseID: caseID, by: principal.subject, note: note, scope: principal.scope)
        }) else {
            throw DomainError.conflict("the alert is acknowledged or already with the unit head and the duty centre")
        }
        try await hub.announce(event, of: alert, db: db)
        return alert
    }

    /// Runs `action` on an alert once the alerts told on this instance are stored. An alert is
    /// told before it is stored, so one heard from another instance may still be being stored
    /// there: with several instances, an alert not found is looked for again for up to 2 s.
    private func stored<T>(_ action: () async throws -> T) async throws -> T {
        await hub.settled()
        let instances = await hub.cluster.count
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await action()
            } catch DomainError.notFound(let what) where what == "alert" && instances > 1 && attempt < 20 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
