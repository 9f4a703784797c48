import Domain
import Foundation
import Law
import Presentation
import Store

/// The top of the case page: where the case stands at a glance (its stage, the order in force
/// and its conditions, the risk level and when it is due again, the nearest deadline, the open
/// alerts), each line a link to the section that holds it.
struct CaseAtAGlance: Encodable {
    struct Line: Encodable { var label: String; var text: String; var link: String; var urgent: Bool }
    var lines: [Line]
    /// The sections an officer can jump to.
    var sections: [Line]

    static func make(file: CaseFile, caseID: UUID, status: String, pack: JurisdictionPack, risk: RiskStatus?,
                     deadlines: [Deadline], openAlerts: Int, today: LocalDate, t: [String: String], words: CaseWords) -> CaseAtAGlance {
        let format = words.format
        var lines: [Line] = []

        var stage = status
        if let latest = file.criminalProceedings.max(by: { $0.registeredAt.epochMilliseconds < $1.registeredAt.epochMilliseconds }) {
            let template: String = t["summary_proceeding"] ?? "{article} № {number}: {stage}"
            stage += "; " + template.replacingOccurrences(of: "{article}", with: words.article(latest.article))
                .replacingOccurrences(of: "{number}", with: latest.registrationNumber ?? "—")
                .replacingOccurrences(of: "{stage}", with: t["stage_\(latest.stage.rawValue)"] ?? latest.stage.rawValue)
        }
        lines.append(Line(label: t["summary_stage"] ?? "", text: stage, link: "#proceedings", urgent: false))

        let now = pack.now().epochMilliseconds
        let inForce = file.protectiveOrders.filter { $0.revokedAt == nil && $0.issuedAt.epochMilliseconds <= now && $0.validUntil.epochMilliseconds > now }
        let orderText = inForce.isEmpty ? (t["summary_no_order"] ?? "") : inForce.map { order in
            var conditions: [String] = []
            if order.conditions.noContact { conditions.append(t["summary_no_contact"] ?? "") }
            if let meters = order.conditions.minDistanceMeters {
                let text: String = t["summary_distance"] ?? "{meters}"
                conditions.append(text.replacingOccurrences(of: "{meters}", with: format.number(Int64(meters))))
            }
            if let zones = order.conditions.zones, !zones.isEmpty {
                let text: String = t["summary_zones"] ?? "{count}"
                conditions.append(text.replacingOccurrences(of: "{count}", with: String(zones.count)))
            }
            let kind: String = t["ordertype_\(order.type.rawValue)"] ?? order.type.rawValue
            let until: String = (t["summary_until"] ?? "{date}").replacingOccurrences(of: "{date}", with: format.date(order.validUntil.localDate))
            return kind + " " + until + (conditions.isEmpty ? "" : ": " + conditions.joined(separator: ", "))
        }.joined(separator: "; ")
        lines.append(Line(label: t["orders"] ?? "", text: orderText, link: "#orders", urgent: inForce.isEmpty))

        if let risk {
            var text = t["risklevel_\(risk.level.rawValue)"] ?? risk.level.rawValue
            if risk.dueNow { text += " · " + (t["summary_risk_due_now"] ?? "") }
            else if let due = risk.due { text += " · " + (t["summary_risk_due"] ?? "{date}").replacingOccurrences(of: "{date}", with: format.date(due.localDate)) }
            lines.append(Line(label: t["summary_risk"] ?? "", text: text, link: "/cases/\(caseID.apiString)/risk", urgent: risk.dueNow || risk.level >= .high))
        }

        if let next = deadlines.min(by: { $0.due < $1.due }) {
            let left = DashboardPage.left(next.daysLeft, t)
            // the record by its name where it has one (an episode, an order)
            let named = next.kind == .episodeTimeBar || next.kind == .orderExpiring ? ": " + words.episode(next.record) : ""
            let what = (t["deadline_\(next.kind.rawValue)"] ?? next.kind.rawValue) + named
            let link = switch next.kind {
            case .episodeTimeBar: "#incident-\(next.record)"
            case .orderExpiring: "#orders"
            case .paymentOverdue: "#verdicts"
            case .riskReassessment: "/cases/\(caseID.apiString)/risk"
            }
            lines.append(Line(label: t["summary_next_deadline"] ?? "", text: what + " — " + format.date(next.due) + " (" + left + ")",
                              link: link, urgent: next.daysLeft <= 7))
        }
        lines.append(Line(label: t["summary_open_alerts"] ?? "", text: openAlerts > 0 ? String(openAlerts) : t["summary_no_alerts"] ?? "0",
                          link: openAlerts > 0 ? "/alerts" : "", urgent: openAlerts > 0))

        let sections: [(String, String)] = [("assessment", "#assessment"), ("timeline", "#timeline"), ("incidents", "#incidents"),
                                             ("persons", "#persons"), ("orders", "#orders"), ("proceedings", "#proceedings"),
                                             ("evidence", "#evidence"), ("case_history", "#history")]
        return CaseAtAGlance(lines: lines, sections: sections.map { Line(label: "", text: t[$0.0] ?? $0.0, link: $0.1, urgent: false) })
    }
}
