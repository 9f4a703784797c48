import Dispatch
import Metrics

/// What the ping pipeline counts, through swift-metrics (the server exports them to Prometheus at
/// `GET /metrics`): pings taken and refused by reason, the time from a batch's arrival to its
/// pings and alerts being stored, alerts raised by kind, and each group commit's size and time.
/// No label holds a case, a person or a place. Made at first use: after the server has set up
/// the metrics system.
enum MonitoringMetrics {
    private static let pingsAccepted = Counter(label: "qorgau_pings_total", dimensions: [("result", "accepted")])
    private static let batchTime = Metrics.Timer(label: "qorgau_ping_batch_seconds")
    private static let groupSize = Recorder(label: "qorgau_track_group_pings", aggregate: true)
    private static let commitTime = Metrics.Timer(label: "qorgau_track_commit_seconds")

    /// A ping batch stored (its outcome) `started` after it was queued.
    static func record(accepted: Int, refusals: [String], alertKinds: [String], since started: DispatchTime) {
        if accepted > 0 { pingsAccepted.increment(by: accepted) }
        var byReason: [String: Int] = [:]
        for reason in refusals { byReason[reasonLabel(reason), default: 0] += 1 }
        for (reason, count) in byReason {
            Counter(label: "qorgau_pings_total", dimensions: [("result", "refused"), ("reason", reason)]).increment(by: count)
        }
        var byKind: [String: Int] = [:]
        for kind in alertKinds { byKind[kind, default: 0] += 1 }
        for (kind, count) in byKind { Counter(label: "qorgau_alerts_raised_total", dimensions: [("kind", kind)]).increment(by: count) }
        batchTime.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds))
    }

    /// A group of pings written to the track, `started` before it was durable.
    static func recordTrackGroup(pings: Int, since started: DispatchTime) {
        groupSize.record(pings)
        commitTime.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds))
    }

    /// A refusal's reason as a label of few values (a field's problem names its index).
    static func reasonLabel(_ reason: String) -> String {
        if reason.hasPrefix("/") { return "invalid" }
        if reason == MonitoringHub.ownerChanging { return "owner changing" }
        if reason.hasSuffix(MonitoringHub.sendAgain) { return "instance unavailable" }
        return "not taken"
    }
}
