import Dispatch
import Fluent
import Metrics
import Prometheus
import SQLKit
import Store
import Vapor

/// The numbers an operator watches, for Prometheus at `GET /metrics`: Vapor's own request counts
/// and latencies (`http_requests_total`, `http_request_duration_seconds`), pings taken and refused
/// by reason, the time from a batch's arrival to its pings and alerts being stored, alerts raised
/// by kind; and, read at each scrape, open and unacknowledged alerts, deliveries by state,
/// alert-stream listeners and this instance's place in the cluster. No label holds a case, a
/// person or a place.
enum OperationsMetrics {
    /// The process's registry, the metrics system bootstrapped on it once (tests make many apps).
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    // Made once, on the registry: each ping batch and each group commit records into these.
    private static let pingsAccepted: Metrics.Counter = { _ = registry; return Counter(label: "qorgau_pings_total", dimensions: [("result", "accepted")]) }()
    private static let batchTime: Metrics.Timer = { _ = registry; return Timer(label: "qorgau_ping_batch_seconds") }()
    private static let groupSize: Metrics.Recorder = { _ = registry; return Recorder(label: "qorgau_track_group_pings", aggregate: true) }()
    private static let commitTime: Metrics.Timer = { _ = registry; return Timer(label: "qorgau_track_commit_seconds") }()

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

    /// A group of pings stored in one transaction (the track writer's group commit): its size and
    /// how long the commit took.
    static func recordTrackGroup(pings: Int, since started: DispatchTime) {
        groupSize.record(pings)
        commitTime.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds))
    }

    /// A refusal's reason as a label of few values (a field's problem names its index).
    static func reasonLabel(_ reason: String) -> String {
        if reason.hasPrefix("/") { return "invalid" }
        if reason == MonitoringHub.ownerChanging { return "owner changing" }
        if reason.hasSuffix(PingRouter.sendAgain) { return "instance unavailable" }
        return "not taken"
    }

    /// The gauges read at a scrape, then everything in Prometheus's text format.
    static func scrape(_ app: Application) async throws -> String {
        if let sql = app.db as? any SQLDatabase {
            struct Count: Decodable { var n: Int }
            let open = try await sql.raw("SELECT COUNT(*) AS n FROM alerts WHERE acknowledged_at_ms IS NULL").first(decoding: Count.self)?.n ?? 0
            Gauge(label: "qorgau_alerts_open").record(open)
            // a device found silent stays so until its alert is acknowledged
            let silent = try await sql.raw("SELECT COUNT(DISTINCT device) AS n FROM alerts WHERE kind = 'silent' AND acknowledged_at_ms IS NULL")
                .first(decoding: Count.self)?.n ?? 0
            Gauge(label: "qorgau_devices_silent").record(silent)
            for (state, count) in try await DeliveryStore(db: app.db).counts() {
                Gauge(label: "qorgau_deliveries", dimensions: [("state", state.rawValue)]).record(count)
            }
        }
        Gauge(label: "qorgau_alert_stream_listeners").record(await app.monitoring.subscriberCount)
        Gauge(label: "qorgau_monitoring_engines_pending").record(max(0, await app.monitoring.enginesPending()))
        // the instances whose leases hold, and how many cases this one watches
        Gauge(label: "qorgau_cluster_instances").record(await app.monitoring.cluster.count)
        Gauge(label: "qorgau_cluster_cases_watched").record(await app.monitoring.ownedCaseCount)
        return registry.emitToString()
    }
}
