import Foundation
public import Metrics
public import Prometheus

/// The daemon's metrics, through swift-metrics, exported by swift-prometheus at
/// `GET /metrics`. Bootstrapped once per process, by `packd run`.
public final class DaemonMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let devices: Metrics.Gauge
    private let backlog: Metrics.Gauge
    private let oldestAge: Metrics.Gauge
    private let dead: Metrics.Gauge
    private let scanLatency: Metrics.Timer

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        devices = Metrics.Gauge(label: "packd_devices_connected")
        backlog = Metrics.Gauge(label: "packd_outbox_backlog")
        oldestAge = Metrics.Gauge(label: "packd_outbox_oldest_age_seconds")
        dead = Metrics.Gauge(label: "packd_outbox_dead_letters")
        scanLatency = Metrics.Timer(label: "packd_scan_to_outcome_seconds")
    }

    /// Makes swift-metrics report to this registry (once per process).
    public static func bootstrap() -> DaemonMetrics {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let fine: [Duration] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(5),
        ]
        factory.durationHistogramBuckets["packd_scan_to_outcome_seconds"] = fine
        factory.durationHistogramBuckets["packd_print_job_seconds"] = fine + [.seconds(10), .seconds(30), .seconds(60)]
        factory.durationHistogramBuckets["packd_core_delivery_seconds"] = fine + [.seconds(10), .seconds(60), .seconds(600), .seconds(3600)]
        MetricsSystem.bootstrap(factory)
        return DaemonMetrics(registry: registry)
    }

    public func scanned(outcome: String, latency: Duration) {
        Counter(label: "packd_scans_total", dimensions: [("outcome", outcome)]).increment()
        scanLatency.recordNanoseconds(latency.nanoseconds)
    }

    public func printed(printer: String, state: String, latency: Duration?) {
        Counter(label: "packd_print_jobs_total", dimensions: [("printer", printer), ("state", state)]).increment()
        if let latency {
            Metrics.Timer(label: "packd_print_job_seconds", dimensions: [("printer", printer)])
                .recordNanoseconds(latency.nanoseconds)
        }
    }

    /// A parcel label rendered for a print job: `ahead` when it was ready before
    /// its job (rendered while the parcel was packed), `at_print` otherwise.
    public func labelRendered(printer: String, ahead: Bool) {
        Counter(label: "packd_labels_rendered_total", dimensions: [("printer", printer), ("when", ahead ? "ahead" : "at_print")])
            .increment()
    }

    public func queueDepth(printer: String, jobs: Int) {
        Metrics.Gauge(label: "packd_print_queue_depth", dimensions: [("printer", printer)]).record(jobs)
    }

    public func outbox(backlog count: Int, oldestAgeSeconds: Double, dead deadCount: Int) {
        backlog.record(count)
        oldestAge.record(oldestAgeSeconds)
        dead.record(deadCount)
    }

    public func devicesConnected(_ count: Int) { devices.record(count) }

    public func text() -> String { registry.emitToString() }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}

extension DaemonMetrics {
    /// Events the core took, and how long after they happened.
    public func coreDelivered(_ count: Int, ages: [Duration]) {
        Counter(label: "packd_core_events_delivered_total").increment(by: count)
        let timer = Metrics.Timer(label: "packd_core_delivery_seconds")
        for age in ages { timer.recordNanoseconds(age.nanoseconds) }
    }

    public func coreFailed(_ count: Int, dead: Bool) {
        Counter(label: dead ? "packd_core_events_dead_lettered_total" : "packd_core_delivery_retries_total").increment(by: count)
    }

    public func coreReachable(_ reachable: Bool) {
        Metrics.Gauge(label: "packd_core_reachable").record(reachable ? 1 : 0)
    }

    /// 1 while the core refuses packd's token (401/403): delivery waits for a fixed token file.
    public func coreTokenRefused(_ refused: Bool) {
        Metrics.Gauge(label: "packd_core_token_refused").record(refused ? 1 : 0)
    }
}

extension DaemonMetrics {
    /// Orders another packd of the fleet changed, read into this one's book.
    public func fleetFollowed(_ count: Int) {
        Counter(label: "packd_fleet_orders_followed_total").increment(by: count)
    }

    /// Whether this packd is the fleet's one deliverer of the outbox.
    public func storeDelivering(_ delivering: Bool) {
        Metrics.Gauge(label: "packd_store_delivering").record(delivering ? 1 : 0)
    }

    /// Whether the fleet's shared store answered the last time it was asked.
    public func storeReachable(_ reachable: Bool) {
        Metrics.Gauge(label: "packd_store_reachable").record(reachable ? 1 : 0)
    }
}
