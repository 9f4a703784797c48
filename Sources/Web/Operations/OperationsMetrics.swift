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
