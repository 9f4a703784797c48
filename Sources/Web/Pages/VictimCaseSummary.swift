import Domain
import Foundation
import Law
import Presentation

/// Her case in her words: where it stands, her order and what it forbids, what the police did
/// last, what happens next and what she can do. Nothing written for officers (no record ids, no
/// articles, no tasks); one block per case.
struct VictimCaseSummary: Encodable, Equatable {
    var title: String
    var stage: String
    /// The stage's code, for the tests and a page's styling.
    var stageCode: String
    var orderLines: [String]
    var lastAction: String?
    var next: String

    static func make(number: String?, file: CaseFile, status: CaseStatus, now: ZonedDateTime,
                     t: [String: String], format: LocaleFormat) -> VictimCaseSummary {
        let stage = CaseStage.of(file, status: status, at: now)
        func word(_ key: String) -> String { t[key] ?? "" }
        func fill(_ key: String, _ values: [String: String]) -> String {
            values.reduce(word(key)) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        func day(_ instant: ZonedDateTime) -> String { format.dateTime(instant) }

        var orderLines: [String] = []
        let orders = file.protectiveOrders.sorted { $0.issuedAt.epochMilliseconds < $1.issuedAt.epochMilliseconds }
        let inForce = orders.filter { $0.status(at: now) == .active }
        for order in inForce {
            orderLines.append(fill("victim_order_until", ["type": word("ordertype_\(order.type.rawValue)"), "date": day(order.endsAt)]))
            if order.conditions.noContact { orderLines.append(word("victim_cond_nocontact")) }
            if let meters = order.conditions.minDistanceMeters, meters > 0 {
                orderLines.append(fill("victim_cond_distance", ["meters": format.number(Int64(meters.rounded()))]))
            }
            if let zones = order.conditions.zones, !zones.isEmpty {
                var places: [String] = []
                for zone in zones {
                    let place = t["victim_place_\(zone.kind)"] ?? word("victim_place_other")
                    if !places.contains(place) { places.append(place) }
                }
                orderLines.append(fill("victim_cond_zones", ["places": places.joined(separator: ", ")]))
            }
        }
        if inForce.isEmpty {
            if let last = orders.last(where: { $0.status(at: now) != .pending }) {
                let key = last.status(at: now) == .revoked ? "victim_order_revoked" : "victim_order_ended"
                orderLines.append(fill(key, ["type": word("ordertype_\(last.type.rawValue)"), "date": day(last.endsAt)]))
            } else {
                orderLines.append(word("order_none"))
            }
        }

        // what the police or the court did last, by its date
        var actions: [(at: ZonedDateTime, what: String)] = []
        for order in file.protectiveOrders {
            let type = ["type": word("ordertype_\(order.type.rawValue)")]
            actions.append((order.issuedAt, fill("victim_did_order_issued", type)))
            if let revoked = order.revokedAt { actions.append((revoked, fill("victim_did_order_revoked", type))) }
        }
        for sanction in file.administrativeCases { actions.append((sanction.decidedAt, word("victim_did_admin"))) }
        for proceeding in file.criminalProceedings { actions.append((proceeding.registeredAt, word("victim_did_proceeding"))) }
        for verdict in file.verdicts { actions.append((verdict.decidedAt, word("victim_did_verdict_\(verdict.outcome.rawValue)"))) }
        let last = actions.filter { $0.at.epochMilliseconds <= now.epochMilliseconds }
            .max { $0.at.epochMilliseconds < $1.at.epochMilliseconds }

        return VictimCaseSummary(
            title: number.map { fill("victim_case_title", ["number": $0]) } ?? word("victim_case_untitled"),
            stage: word("victim_stage_\(stage.rawValue)"), stageCode: stage.rawValue, orderLines: orderLines,
            lastAction: last.map { fill("victim_last_action", ["date": day($0.at), "what": $0.what]) },
            next: word("victim_next_\(stage.rawValue)"))
    }
}
