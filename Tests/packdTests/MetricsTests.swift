import Foundation
import PackTestRequirements
import PackTestSupport
import Testing

/// Every series docs/api.md documents, read from a running packd's `/metrics`
/// while the thing it counts happens: scans on a real serial scanner, labels
/// through a private cupsd (one printed, one waiting in a stopped queue, one
/// cancelled in CUPS), delivery to the reference core (taken, refused, the core
/// away, a dead letter dropped from the CLI), the fleet's store stopped and back.
@Suite(.offCooperativePool, .serialized)
struct MetricsTests {
    let dir = TempDirectory()

    @Test(.requires(PrivateCups.available, "needs root and cupsd"), .timeLimit(.minutes(3)))
    func scansLabelsAndTheScannerShowInTheMetricsAsTheyHappen() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let pty = try PseudoTerminal()
        // One submission per label, so a job cancelled in CUPS fails at once.
        let config = cups.packdConfig(scanner: pty.slavePath)
            .replacingOccurrences(of: "language = \"zpl\"\n", with: "language = \"zpl\"\nmax_attempts = 1\n")
            + "\n[stations.pack-01]\nlabel_policy = \"on_complete\"\n\n[stations.pack-02]\nlabel_policy = \"on_approval\"\n"
        let packd = try RunningPackd(dir: dir.path, config: config)
        try packd.waitForScanner()
        try packd.waitForMetric("packd_devices_connected", equals: 1)
        #expect(try packd.post("/v1/orders", TestOrder.labelled("SO-1", waybill: "YTM1", qty: 2).json).status == 200)

        // Six scans on the scanner (an error, one ignored until acknowledged, the
        // parcel); the counts by outcome are the outcomes the station was told.
        let events = try packd.events()
        for code in ["ZZ-NOT-AN-ORDER", "YTM1", "PACKD:ACK", "YTM1", "6901234567892", "RAZOR-01"] { pty.send("\(code)\r\n") }
        let told = try events.collect { $0.event == "outcome" && $0.data.contains(#""code":"RAZOR-01""#) }
            .filter { $0.event == "outcome" }
            .compactMap { (try? JSONSerialization.jsonObject(with: Data($0.data.utf8))) as? [String: Any] }
            .compactMap { $0["outcome"] as? String }
        #expect(told == ["unknown_code", "ack_required", "acknowledged", "parcel_opened", "item_verified", "parcel_completed"], "\(told)")
        let scraped = try packd.metrics()
        for outcome in Set(told) {
            #expect(scraped.value("packd_scans_total", ["outcome": outcome]) == Double(told.filter { $0 == outcome }.count), "\(scraped)")
        }
        #expect(scraped.all("packd_scans_total").reduce(0) { $0 + $1.value } == 6)
        Self.expectHistogram(scraped, "packd_scan_to_outcome_seconds", count: 6)

        // The label of the completed parcel prints: a completed job, its time, an empty queue.
        _ = try printer.nextJob(timeout: 60)
        let printed = try packd.waitForMetric("packd_print_jobs_total", ["printer": "label-01", "state": "completed"], equals: 1)
        Self.expectHistogram(printed, "packd_print_job_seconds", ["printer": "label-01"], count: 1)
        try packd.waitForMetric("packd_print_queue_depth", ["printer": "label-01"], equals: 0)
        #expect(printed.all("packd_labels_rendered_total").reduce(0) { $0 + $1.value } == 1, "\(printed)")

        // A label waiting in a stopped queue is in the depth; cancelled in CUPS
        // (an operator at the CUPS web page), it is a failed job, with no print time.
        try cups.command("/usr/sbin/cupsdisable", ["zebra1"])
        #expect(try packd.post("/v1/orders", TestOrder.labelled("A", waybill: "YTMA1", station: "pack-02").json).status == 200)
        try DaemonPrintTests.waitForLabel(packd, order: "A", state: "sent")
        try packd.waitForMetric("packd_print_queue_depth", ["printer": "label-01"], equals: 1)
        let parcels = jsonObject(try packd.get("/v1/orders/A"))["parcels"] as? [[String: Any]] ?? []
        let job = try #require((parcels.first?["labels"] as? [[String: Any]])?.last?["job"] as? String)
        let cupsJob = try #require(jsonObject(try packd.get("/v1/jobs/\(job)"))["cupsJob"] as? Int)
        try cups.command("/usr/bin/cancel", ["zebra1-\(cupsJob)"])
        let failed = try packd.waitForMetric("packd_print_jobs_total", ["printer": "label-01", "state": "failed"], equals: 1)
        #expect(failed.value("packd_print_job_seconds_count", ["printer": "label-01"]) == 1, "\(failed)")
        try packd.waitForMetric("packd_print_queue_depth", ["printer": "label-01"], equals: 0)
        // Standalone, every event is booked in the local ledger: nothing waits.
        let last = try packd.metrics()
        #expect(last.value("packd_outbox_backlog") == 0 && last.value("packd_outbox_dead_letters") == 0, "\(last)")
        #expect(packd.stop()?.status == 0, "\(packd.log.suffix(3000))")
    }

    @Test(.timeLimit(.minutes(3)))
    func deliveryToTheCoreShowsInTheMetricsThroughRefusalAbsenceAndADropFromTheCLI() throws {
        let core = try ReferenceCore(dataDir: dir.sub("core"))
        try core.control("refuse", #"{"orderIds": ["SO-2"]}"#)
        let packd = try RunningPackd(dir: dir.sub("packd"), config: CoreDeliveryTests.coreConfig(core))
        #expect(try packd.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...3))).status == 200)
        try CoreDeliveryTests.ship(packd, order: 1)
        try CoreDeliveryTests.ship(packd, order: 2)
        // SO-1 taken, SO-2 refused for good.
        try packd.waitForMetric("packd_core_events_dead_lettered_total", equals: 1)
        let taken = try packd.waitForMetric("packd_core_events_delivered_total", equals: 1)
        Self.expectHistogram(taken, "packd_core_delivery_seconds", count: 1)
        try packd.waitForMetric("packd_outbox_dead_letters", equals: 1)
        let settled = try packd.waitForMetric("packd_outbox_backlog", equals: 0)
        #expect(settled.value("packd_core_reachable") == 1, "\(settled)")
        #expect(settled.value("packd_core_token_refused") == 0, "\(settled)")

        // The core away: the backlog, its age, failed sends, unreachable.
        let port = core.port
        core.stop()
        try CoreDeliveryTests.ship(packd, order: 3)
        try packd.waitForMetric("packd_core_reachable", equals: 0)
        try packd.waitForMetric("packd_core_delivery_retries_total") { ($0 ?? 0) >= 1 }
        // The outbox gauges are refreshed every 2 s (WatchdogService).
        try packd.waitForMetric("packd_outbox_backlog", equals: 1)
        try packd.waitForMetric("packd_outbox_oldest_age_seconds") { ($0 ?? 0) >= 1 }

        // The dead letter dropped with `packd outbox drop` while packd runs: the gauge follows.
        let letters = jsonObject(try packd.get("/v1/outbox"))["deadLetters"] as? [[String: Any]] ?? []
        let id = try #require(letters.first?["id"] as? String)
        let dropped = try Packd.run(["outbox", "drop", id, "--reason", "booked by hand in the ERP", "--state", packd.statePath])
        #expect(dropped.status == 0, "\(dropped.stderr)")
        #expect(dropped.stdout.contains("1 dead letter(s) dropped"), "\(dropped.stdout)")
        try packd.waitForMetric("packd_outbox_dead_letters", equals: 0)
        let again = try Packd.run(["outbox", "drop", id, "--reason", "twice", "--state", packd.statePath])
        #expect(again.status != 0 && again.stderr.contains("not a dead letter: \(id)"), "\(again.stderr)")

        // Back: the backlog drains and its age is 0 again.
        let back = try ReferenceCore(dataDir: dir.sub("core"), port: port)
        let drained = try packd.waitForMetric("packd_core_events_delivered_total", equals: 2)
        Self.expectHistogram(drained, "packd_core_delivery_seconds", count: 2)
        try packd.waitForMetric("packd_core_reachable", equals: 1)
        let empty = try packd.waitForMetric("packd_outbox_backlog", equals: 0)
        try packd.waitForMetric("packd_outbox_oldest_age_seconds", equals: 0)
        #expect(empty.value("packd_core_events_dead_lettered_total") == 1, "\(empty)")
        #expect(try back.state().events.compactMap { $0["orderId"] as? String } == ["SO-1", "SO-3"])
        #expect(packd.stop()?.status == 0, "\(packd.log.suffix(3000))")
    }

    @Test(.requires(PrivatePostgres.available, "needs PostgreSQL 15 (postgresql-15)"), .timeLimit(.minutes(3)))
    func theSharedStoreStoppedAndBackShowsInTheMetrics() throws {
        // A server of this test's own: it is stopped mid-test.
        let server = try PrivatePostgres()
        let url = try server.createDatabase()
        let packd = try RunningPackd(dir: dir.sub("packd"), config: FleetDaemonTests.fleetConfig(url: url, node: "pc-m", stations: ["m1"]))
        try packd.waitForMetric("packd_store_reachable", equals: 1)
        server.stop()
        try packd.waitForMetric("packd_store_reachable", equals: 0, seconds: 60)
        try server.start()
        try packd.waitForMetric("packd_store_reachable", equals: 1, seconds: 60)
        #expect(packd.stop()?.status == 0, "\(packd.log.suffix(3000))")
    }

    /// docs/api.md's table is the list: a series added there without a test
    /// that reads it from a running packd fails here.
    @Test func everyDocumentedSeriesIsReadByATest() throws {
        let api = try String(contentsOf: Packd.repository.appendingPathComponent("docs/api.md"), encoding: .utf8)
        let table = api.components(separatedBy: "## Metrics").dropFirst().first?.components(separatedBy: "\n## ").first ?? ""
        let documented = Set(table.matches(of: /`(packd_[a-z_]+)/).map { String($0.output.1) })
        #expect(documented.count >= 19, "\(documented.sorted())")
        let tests = Packd.repository.appendingPathComponent("Tests/packdTests")
        let sources = try FileManager.default.contentsOfDirectory(atPath: tests.path)
            .filter { $0.hasSuffix(".swift") && $0 != "MetricsScrape.swift" }
            .map { try String(contentsOf: tests.appendingPathComponent($0), encoding: .utf8) }
        // A line of code (not a comment, not this test's own list) that names the series.
        let code = sources.flatMap { $0.split(separator: "\n") }.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
        let read = documented.filter { series in code.contains { $0.contains("\"\(series)") || $0.contains("\"\(series)_") } }
        #expect(read == documented, "documented but read by no test: \(documented.subtracting(read).sorted())")
    }

    /// A histogram's buckets rise to `count` at +Inf; its sum is positive.
    static func expectHistogram(
        _ scrape: MetricsScrape, _ name: String, _ labels: [String: String] = [:], count: Double,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let buckets = scrape.all("\(name)_bucket").filter { b in labels.allSatisfy { b.labels[$0.key] == $0.value } }
        let counts = buckets.sorted { (Double($0.labels["le"] ?? "") ?? .infinity) < (Double($1.labels["le"] ?? "") ?? .infinity) }.map(\.value)
        #expect(!counts.isEmpty && counts == counts.sorted() && counts.last == count, "\(name) buckets \(counts)", sourceLocation: sourceLocation)
        #expect(scrape.value("\(name)_count", labels) == count, "\(scrape)", sourceLocation: sourceLocation)
        #expect((scrape.value("\(name)_sum", labels) ?? 0) > 0, "\(scrape)", sourceLocation: sourceLocation)
    }
}
