import Domain
import Foundation
import Monitoring
import Store

/// A group of batches checked by their cases' engines: what to store (the pings taken, the alerts
/// they raised, the breaches to record as incidents), each batch's outcome, and the engines as
/// they are after.
struct CheckedGroup {
    var outcomes: [MonitoringHub.Outcome] = []
    var pings: [StoredPing] = []
    var alerts: [StoredAlert] = []
    var breaches: [Breach] = []
    var engines: [UUID: MonitoringEngine] = [:]
}

extension EngineRegistry {
    /// Checks each batch's pings, in order, by the engine of the device's case. While the lease
    /// is not held, or while an engine is not here, a ping is refused to be sent again.
    func check(_ batches: [(batch: [Result<Ping, PingRefusal>], now: Date)], leaseHeld: Bool) -> CheckedGroup {
        var checked = CheckedGroup()
        for (batch, now) in batches {
            var outcome = MonitoringHub.Outcome(accepted: 0, refused: [], alerts: [])
            for (index, item) in batch.enumerated() {
                let ping: Ping
                switch item {
                case .failure(let refusal): outcome.refused.append((index, refusal.device.isEmpty ? nil : refusal.device, refusal.reason)); continue
                case .success(let p): ping = p
                }
                guard leaseHeld else { outcome.refused.append((index, ping.device, MonitoringHub.ownerChanging)); continue }
                guard let caseID = caseOfDevice[ping.device] else {
                    outcome.refused.append((index, ping.device, "unknown device")); continue
                }
                // taken out of the dictionary while it changes, so its arrays are not copied per ping
                guard var engine = checked.engines.removeValue(forKey: caseID) ?? watched[caseID] else {
                    outcome.refused.append((index, ping.device, MonitoringHub.ownerChanging))
                    continue
                }
                switch engine.ingest(ping, now: now) {
                case .failure(let refusal):
                    outcome.refused.append((index, ping.device, refusal.reason))
                case .success(let raised):
                    outcome.accepted += 1
                    checked.pings.append(StoredPing(caseID: caseID, ping: ping))
                    let stored = Self.alerts(raised, caseID: caseID, ping: ping, now: now, breaches: &checked.breaches)
                    checked.alerts += stored
                    outcome.alerts += stored
                }
                checked.engines[caseID] = engine
            }
            checked.outcomes.append(outcome)
        }
        return checked
    }

    /// The alerts one ping raised, as stored. One position is one act: its breaches (a zone, the
    /// distance) share one episode, recorded as an incident with the respondent's track over the
    /// half hour before (also when her position raised it: the alert names his device).
    static func alerts(_ raised: [Alert], caseID: UUID, ping: Ping, now: Date, breaches: inout [Breach]) -> [StoredAlert] {
        var episode: String?
        return raised.map { alert in
            var stored = StoredAlert(caseID: caseID, alert: alert, createdAt: Int64((now.timeIntervalSince1970 * 1000).rounded()))
            guard alert.kind == .zone || alert.kind == .proximity else { return stored }
            if let shared = episode {
                stored.incident = shared
                return stored
            }
            let id = "m-" + stored.id.uuidString.prefix(8).lowercased(), to = ping.at.epochMilliseconds
            episode = id
            stored.incident = id
            breaches.append(Breach(caseID: caseID, device: alert.device, from: to - 30 * 60_000, to: to) { track in
                BreachIncident.make(alert, id: id, ping: ping, track: track.map(\.ping))
            })
            return stored
        }
    }
}
