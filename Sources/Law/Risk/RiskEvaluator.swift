import Domain
import Foundation

/// Evaluates a case's risk at an instant from its case file. Pure: the same file, instant and
/// library give the same status.
public struct RiskEvaluator: Sendable {
    public let library: RiskLibrary

    public init(library: RiskLibrary) { self.library = library }

    public func status(of file: CaseFile, at: ZonedDateTime, instrument id: String? = nil,
                       language: Language = .en) throws -> RiskStatus {
        let done = (file.riskAssessments ?? []).filter { $0.assessedAt.epochMilliseconds <= at.epochMilliseconds }
            .sorted { ($0.assessedAt.epochMilliseconds, $0.id) < ($1.assessedAt.epochMilliseconds, $1.id) }
        let instrument = try library.instrument(id ?? done.last?.instrument ?? RiskLibrary.defaultInstrument)
        let incidents = file.incidents.filter { $0.occurredAt.epochMilliseconds <= at.epochMilliseconds }
        let last = done.last
        var status = RiskStatus(
            instrument: instrument.id, at: at, level: last?.level ?? .notAssessed, computedLevel: last?.computedLevel,
            assessment: last?.id, assessedAt: last?.assessedAt, assessor: last?.assessor, version: file.riskAssessments?.count ?? 0,
            applies: false, due: nil, dueNow: false, reasons: [], measures: [],
            history: done.map { .init(assessment: $0.id, at: $0.assessedAt, level: $0.level) },
            prefill: Prefill(instrument: instrument, file: file, incidents: incidents).answers(language),
            unverified: unverified(instrument))
        if let last {
            status.applies = true
            status.reasons = reasons(since: last, file: file, incidents: incidents, at: at)
            status.measures = library.levels[last.level]?.measures.map { $0[language] } ?? []
        } else if let since = appliesSince(instrument, incidents: incidents) {
            status.applies = true
            status.reasons = [.init(code: .notAssessed, at: since.at, record: since.incident,
                                    text: "not assessed yet, and \(instrument.id) applies: \(since.why)")]
        }
        if let due = status.reasons.min(by: { $0.at.epochMilliseconds < $1.at.epochMilliseconds }) {
            status.due = due.at
            status.dueNow = due.at.epochMilliseconds <= at.epochMilliseconds
        }
        return status
    }

    /// The interval of the last level, and every event after the last assessment (up to `at`)
    /// that calls for a new one.
    func reasons(since last: RiskAssessment, file: CaseFile, incidents: [Incident], at: ZonedDateTime) -> [RiskStatus.Reason] {
        let from = last.assessedAt.epochMilliseconds
        let triggers = library.levels.reassessImmediatelyOn
        let known = last.knownIncidents.map(Set.init)
        var reasons: [RiskStatus.Reason] = []
        if let hours = library.levels[last.level]?.reassessAfterHours {
            let due = ZonedDateTime(epochMilliseconds: from + Int64(hours) * 3_600_000, offsetSeconds: last.assessedAt.offsetSeconds)
            reasons.append(.init(code: .interval, at: due, record: last.id,
                                 text: "\(last.level.rawValue) is assessed again every \(hours) hours"))
        }
        // new to the last assessment: not among the incidents it knew (or, without that list, later than it);
        // one that happened before it but was reported after it is due at once
        let after = incidents.filter { incident in known.map { !$0.contains(incident.id) } ?? (incident.occurredAt.epochMilliseconds > from) }
        func when(_ incident: Incident) -> ZonedDateTime {
            incident.occurredAt.epochMilliseconds > from ? incident.occurredAt : last.assessedAt
        }
        for incident in after {
            if triggers.incidentKinds.contains(incident.kind) || (triggers.violenceFlag && incident.violence) {
                reasons.append(.init(code: .threatOrViolence, at: when(incident), record: incident.id,
                                     text: "incident \(incident.id) (\(incident.kind.rawValue)\(incident.violence ? ", violence" : "")) is new since the last assessment"))
            }
            if triggers.monitoringAlert, incident.reportedBy == .monitoring {
                reasons.append(.init(code: .monitoringAlert, at: when(incident), record: incident.id,
                                     text: "monitoring alert \(incident.id) is new since the last assessment"))
            }
        }
        if triggers.orderViolation {
            let byID = Dictionary(after.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for violation in OrderViolations.find(incidents: after, orders: file.protectiveOrders) {
                guard let incident = byID[violation.incident] else { continue }
                reasons.append(.init(code: .orderViolation, at: when(incident), record: incident.id,
                                     text: "incident \(incident.id) broke order \(violation.order) (\(violation.condition))"))
            }
        }
        if triggers.respondentRelease {
            for verdict in file.verdicts {
                guard let release = Self.release(after: verdict), release.epochMilliseconds > from,
                      release.epochMilliseconds <= at.epochMilliseconds else { continue }
                reasons.append(.init(code: .respondentRelease, at: release, record: verdict.id,
                                     text: "the respondent was due for release on \(release.localDate) after verdict \(verdict.id)"))
            }
        }
        return reasons.sorted { ($0.at.epochMilliseconds, $0.code.rawValue, $0.record ?? "") < ($1.at.epochMilliseconds, $1.code.rawValue, $1.record ?? "") }
    }

    /// When an arrest or a prison term from a verdict ends (counted from the verdict).
    static func release(after verdict: Verdict) -> ZonedDateTime? {
        guard verdict.outcome == .guilty, let punishment = verdict.punishment else { return nil }
        let days: Int
        switch punishment.type {
        case .arrest: days = punishment.days ?? 0
        case .imprisonment: days = (punishment.months ?? 0) * 30 + (punishment.days ?? 0)
        default: return nil
        }
        guard days > 0 else { return nil }
        return ZonedDateTime(epochMilliseconds: verdict.decidedAt.epochMilliseconds + Int64(days) * 86_400_000,
                             offsetSeconds: verdict.decidedAt.offsetSeconds)
    }

    /// When the instrument's rule of use first held, if it did: the incident that made it hold.
    func appliesSince(_ instrument: Instrument, incidents: [Incident]) -> (at: ZonedDateTime, incident: String, why: String)? {
        let sorted = incidents.sorted { ($0.occurredAt.epochMilliseconds, $0.id) < ($1.occurredAt.epochMilliseconds, $1.id) }
        let rule = instrument.ruleOfUse
        for (index, incident) in sorted.enumerated() {
            if index + 1 >= rule.minIncidents {
                return (incident.occurredAt, incident.id, "\(rule.minIncidents) or more incidents")
            }
            if let impact = rule.orImpact, incident.impact.contains(impact) {
                return (incident.occurredAt, incident.id, "incident \(incident.id) left the victim in \(impact.rawValue)")
            }
        }
        return nil
    }

    func unverified(_ instrument: Instrument) -> [String] {
        (instrument.levelRule.verified ? [] : ["\(instrument.id).levelRule"]) + (library.levels.verified ? [] : ["levels"])
    }
}
