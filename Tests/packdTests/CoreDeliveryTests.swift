import Foundation
import Glibc
import PackTestSupport
import PackTestRequirements
import Testing

/// Outbound events from a running packd to a real HTTP core (the reference
/// core, scripts/reference-core.py): once each, in order per order, ids stable,
/// and a refused event costing only itself.
@Suite(.offCooperativePool, .serialized)
struct CoreDeliveryTests {
    let dir = TempDirectory()

    static func coreConfig(_ core: ReferenceCore, extra: String = "") -> String {
        """
        [core]
        mode = "remote"
        url = "\(core.url)"
        request_timeout_ms = 1500
        connect_timeout_ms = 500
        backoff_base_ms = 50
        backoff_max_ms = 400
        \(extra)
        """
    }

    /// Scans a parcel's waybill and its one item through the API: it ships.
    static func ship(_ packd: RunningPackd, order i: Int, parcel k: Int = 1) throws {
        #expect(try packd.scan("W-\(i)-\(k)")["outcome"] as? String == "parcel_opened")
        #expect(try packd.scan("SKU-\(i)-\(k)")["outcome"] as? String == "parcel_completed")
    }

    /// Polls `GET /v1/outbox` until its counts satisfy `condition` (at most `seconds`).
    @discardableResult
    static func waitForOutbox(_ packd: RunningPackd, seconds: Double = 30, _ condition: ([String: Int]) -> Bool) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try waitUntil("the outbox's counts as wanted (last: \(counts))", seconds: seconds) {
            counts = jsonObject(try packd.get("/v1/outbox"))["counts"] as? [String: Int] ?? [:]
            return condition(counts)
        }
        return counts
    }

    /// Polls `GET /v1/outbox` until `condition` holds for the whole answer.
    @discardableResult
    static func waitForOutboxJSON(_ packd: RunningPackd, seconds: Double = 30, _ condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        var last: [String: Any] = [:]
        try waitUntil("the outbox as wanted", seconds: seconds) {
            last = jsonObject(try packd.get("/v1/outbox"))
            return condition(last)
        }
        return last
    }

    /// contracts.md section 4: 401/403 are a link failure. A wrong (or rotated)
    /// token pauses delivery with the backlog in order and nothing dead; SIGHUP
    /// reads the token file again and never ends packd; the fixed token drains it.
    @Test(.timeLimit(.minutes(2)))
    func aRefusedTokenPausesDeliveryAndAFixedOneResumesItWithNothingDead() throws {
        let good = dir.file("core.token", "the-core-token\n")
        let core = try ReferenceCore(dataDir: dir.sub("core"), tokenFile: good)
        let tokenFile = dir.file("packd-core.token", "an-old-token\n")
        let packd = try RunningPackd(dir: dir.sub("packd"), config: Self.coreConfig(core, extra: "token_file = \"\(tokenFile)\""))
        #expect(try packd.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...6))).status == 200)
        for i in 1...6 { try Self.ship(packd, order: i) }
        try packd.waitForMetric("packd_core_token_refused", equals: 1)
        // Several tries later nothing is dead, the station says why delivery waits.
        try Self.waitForOutboxJSON(packd) { ($0["counts"] as? [String: Int])?["pending"] == 6 }
        let station = jsonObject(try packd.get("/v1/stations/pack-01"))
        #expect(station["coreRefusesToken"] as? Bool == true, "\(station)")
        #expect(station["outboxDeadLetters"] as? Int == 0)
        #expect(packd.log.contains("the core refuses packd's token"), "\(packd.log.suffix(2000))")
        let doctor = try Packd.run(["doctor", "--config", packd.configPath])
        #expect(doctor.stdout.contains("refuses packd's token (HTTP 401)"), "\(doctor.stdout)")
        // SIGHUP with the file unchanged: packd reloads, goes on, still waits.
        let pid = try #require(packd.pid)
        #expect(kill(pid, SIGHUP) == 0)
        try waitUntil("packd logs its reload") { packd.log.contains("reloaded (SIGHUP)") }
        #expect(packd.log.contains("core_token=\"core token unchanged\""), "\(packd.log.suffix(1000))")
        #expect(try packd.get("/healthz").status == 200)
        // The operator writes the right token and reloads: the backlog drains, in order, once.
        try "the-core-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        #expect(kill(pid, SIGHUP) == 0)
        let state = try core.waitFor("6 events", seconds: 30) { $0.events.count >= 6 }
        #expect(state.events.compactMap { $0["orderId"] as? String } == (1...6).map { "SO-\($0)" })
        #expect(state.duplicates == 0)
        try packd.waitForMetric("packd_core_token_refused", equals: 0)
        let counts = try Self.waitForOutbox(packd) { ($0["pending"] ?? 0) == 0 }
        #expect((counts["dead"] ?? 0) == 0, "\(counts)")
        #expect(jsonObject(try packd.get("/v1/stations/pack-01"))["coreRefusesToken"] as? Bool == false)
        #expect(packd.stop()?.status == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func everyEventArrivesOnceInOrderPerOrder() throws {
        let core = try ReferenceCore(dataDir: dir.sub("core"))
        let packd = try RunningPackd(dir: dir.sub("packd"), config: Self.coreConfig(core))
        #expect(try packd.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...10, parcels: 2))).status == 200)
        // Parcel 1 of every order, then parcel 2 of every order: each order's two
        // events are far apart in the outbox and may travel in different batches.
        for k in 1...2 { for i in 1...10 { try Self.ship(packd, order: i, parcel: k) } }
        let state = try core.waitFor("20 parcel.shipped events", seconds: 30) { $0.events.count >= 20 }
        #expect(state.events.count == 20)
        #expect(state.duplicates == 0, "under normal conditions nothing is sent twice")
        let ids = state.events.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == 20)
        for i in 1...10 {
            let parcels = state.events.filter { $0["orderId"] as? String == "SO-\(i)" }.compactMap { $0["parcelId"] as? String }
            #expect(parcels == ["SO-\(i)-1", "SO-\(i)-2"], "order SO-\(i) arrived as \(parcels)")
        }
        let shipped = state.events.first { $0["parcelId"] as? String == "SO-3-2" }
        #expect(shipped?["type"] as? String == "parcel.shipped")
        #expect(shipped?["station"] as? String == "pack-01")
        #expect(shipped?["waybill"] as? String == "W-3-2")
        #expect((shipped?["items"] as? [[String: Any]])?.first?["sku"] as? String == "SKU-3-2")
        // packd's own account agrees (once the core's answers are journaled): all delivered.
        let counts = try Self.waitForOutbox(packd) { $0["pending"] == 0 }
        #expect(counts["delivered"] == 20, "\(counts)")
        let station = jsonObject(try packd.get("/v1/stations/pack-01"))
        #expect(station["outboxBacklog"] as? Int == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func aRefusedEventIsADeadLetterAloneAndIsSentAgainOnceTheCoreIsFixed() throws {
        let core = try ReferenceCore(dataDir: dir.sub("core"))
        try core.control("refuse", #"{"orderIds": ["SO-3"]}"#)
        let packd = try RunningPackd(dir: dir.sub("packd"), config: Self.coreConfig(core, extra: "linger_ms = 300"))
        #expect(try packd.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...6, parcels: 2))).status == 200)
        // With a linger, the first parcels of all six orders go in one batch, which
        // the core refuses as a whole because of SO-3's event.
        for i in 1...6 { try Self.ship(packd, order: i) }
        try core.waitFor("the five good events") { $0.events.count >= 5 }
        // SO-3's second event waits behind its dead letter; the others go on.
        for i in 1...6 { try Self.ship(packd, order: i, parcel: 2) }
        try core.waitFor("ten events") { $0.events.count >= 10 }
        let outbox = jsonObject(try packd.get("/v1/outbox"))
        let letters = outbox["deadLetters"] as? [[String: Any]] ?? []
        #expect(letters.count == 1, "\(outbox)")
        #expect(letters.first?["orderId"] as? String == "SO-3")
        #expect(letters.first?["status"] as? Int == 422)
        #expect((letters.first?["response"] as? String)?.contains("order SO-3 is refused") == true)
        #expect(letters.first?["holds"] as? Int == 1)
        let arrived = try core.state().events.compactMap { $0["orderId"] as? String }
        #expect(!arrived.contains("SO-3"), "\(arrived)")
        // The CLI shows the same, from the journal the daemon is using.
        let listed = try Packd.run(["outbox", "--state", packd.statePath])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("dead 1"), "\(listed.stdout)")
        #expect(listed.stdout.contains("HTTP 422") && listed.stdout.contains("holds 1 later event(s)"), "\(listed.stdout)")
        let doctor = try Packd.run(["doctor", "--config", packd.configPath])
        #expect(doctor.stdout.contains("FAIL outbox: 1 event(s) the core refused for good"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("packd outbox retry --all"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("ok   core: the core answers at \(core.url)"), "\(doctor.stdout)")
        let metrics = try packd.get("/metrics").text
        #expect(metrics.contains("packd_core_events_dead_lettered_total 1"), "\(metrics)")
        // Naming an event that is not a dead letter changes nothing.
        let wrong = try Packd.run(["outbox", "retry", "01NOTADEADLETTER0000000000", "--state", packd.statePath])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("not a dead letter: 01NOTADEADLETTER0000000000"), "\(wrong.stderr)")
        // The core is fixed; the operator sends the dead letter again.
        try core.control("refuse", #"{"orderIds": []}"#)
        let retried = try Packd.run(["outbox", "retry", "--all", "--state", packd.statePath])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stdout.contains("1 dead letter(s) will be sent again"))
        let state = try core.waitFor("all twelve events") { $0.events.count >= 12 }
        let so3 = state.events.filter { $0["orderId"] as? String == "SO-3" }.compactMap { $0["parcelId"] as? String }
        #expect(so3 == ["SO-3-1", "SO-3-2"], "the held event never overtakes the dead letter: \(so3)")
        #expect(state.duplicates == 0)
        let counts = try Self.waitForOutbox(packd) { $0["delivered"] == 12 }
        #expect(counts["dead"] == 0 && counts["pending"] == 0, "\(counts)")
    }

    @Test(.timeLimit(.minutes(2)))
    func droppingADeadLetterNeedsAReasonAndReleasesTheEventsBehindIt() throws {
        let core = try ReferenceCore(dataDir: dir.sub("core"))
        try core.control("refuse", #"{"orderIds": ["SO-1"]}"#)
        let packd = try RunningPackd(dir: dir.sub("packd"), config: Self.coreConfig(core))
        #expect(try packd.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...1, parcels: 2))).status == 200)
        try Self.ship(packd, order: 1)
        var letters: [[String: Any]] = []
        try waitUntil("a dead letter", seconds: 20) {
            letters = jsonObject(try packd.get("/v1/outbox"))["deadLetters"] as? [[String: Any]] ?? []
            return !letters.isEmpty
        }
        let id = try #require(letters.first?["id"] as? String)
        try core.control("refuse", #"{"orderIds": []}"#)
        try Self.ship(packd, order: 1, parcel: 2)
        let noReason = try packd.post("/v1/outbox/drop", #"{"ids": ["\#(id)"]}"#)
        #expect(noReason.status == 422)
        #expect(noReason.text.contains("reason"))
        let unnamed = try packd.post("/v1/outbox/drop", #"{"reason": "x"}"#)
        #expect(unnamed.status == 422 && unnamed.text.contains("name the dead letters to drop"), "\(unnamed.text)")
        let unknown = try packd.post("/v1/outbox/drop", #"{"ids": ["nope"], "reason": "x"}"#)
        #expect(unknown.status == 404)
        let dropped = try packd.post("/v1/outbox/drop", #"{"ids": ["\#(id)"], "reason": "booked by hand in the ERP"}"#)
        #expect(dropped.status == 200, "\(dropped.text)")
        let state = try core.waitFor("the event behind the dropped one") { $0.events.count >= 1 }
        #expect(state.events.compactMap { $0["parcelId"] as? String } == ["SO-1-2"])
        // A core that is away is a problem doctor names, with what to check.
        core.stop()
        let doctor = try Packd.run(["doctor", "--config", packd.configPath])
        #expect(doctor.stdout.contains("FAIL core: the core does not answer at \(core.url)"), "\(doctor.stdout)")
        let listed = try Packd.run(["outbox", "--all", "--state", packd.statePath])
        #expect(listed.stdout.contains("dropped: ") && listed.stdout.contains("booked by hand in the ERP"), "\(listed.stdout)")
    }

    /// The core away: stations keep packing, the backlog and its age show on the
    /// station, its event stream, the metrics and the log; back, it drains paced.
    @Test(.timeLimit(.minutes(2)))
    func withTheCoreAwayStationsPackAndTheBacklogDrainsPacedWhenItIsBack() throws {
        let core = try ReferenceCore(dataDir: dir.sub("core"))
        let port = core.port
        core.stop()
        let packd = try RunningPackd(
            dir: dir.sub("packd"), config: Self.coreConfig(core, extra: "batch_size = 1\nmax_requests_per_second = 5"))
        #expect(try packd.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...15))).status == 200)
        let events = try packd.events()
        for i in 1...15 { try Self.ship(packd, order: i) }
        let backlog = try events.collect { $0.event == "backlog" && $0.data.contains("\"pending\":15") }.last
        #expect(backlog?.data.contains("\"oldestAgeSeconds\":") == true, "\(backlog?.data ?? "")")
        let station = jsonObject(try packd.get("/v1/stations/pack-01"))
        #expect(station["outboxBacklog"] as? Int == 15)
        #expect(station["outboxOldestAgeSeconds"] is Int)
        #expect(try packd.get("/metrics").text.contains("packd_core_reachable 0"))
        #expect(packd.log.contains("core unreachable: stations keep packing"), "\(packd.log)")
        // Back: the backlog drains in journal order, at most 5 requests a second
        // (a burst of 5, then one every 0.2 s: 15 one-event requests take 2 s or more).
        let back = try ReferenceCore(dataDir: dir.sub("core"), port: port)
        let state = try back.waitFor("the backlog") { $0.events.count >= 15 }
        #expect(state.events.compactMap { $0["orderId"] as? String } == (1...15).map { "SO-\($0)" })
        let times = state.events.compactMap { $0["id"] as? String }.compactMap { state.receivedMs[$0] }
        #expect(times.count == 15 && times.max()! - times.min()! >= 1_800, "paced: \(times)")
        try Self.waitForOutbox(packd) { $0["pending"] == 0 }
        try waitUntil("packd logs the core reachable again", seconds: 10) { packd.log.contains("core reachable again: the backlog drains") }
    }

    /// 429 with Retry-After: packd waits as long as the core asked (not its own
    /// shorter backoff), then sends the same event again.
    @Test(.timeLimit(.minutes(2)))
    func a429WithRetryAfterIsHonoured() throws {
        let core = try ReferenceCore(dataDir: dir.sub("core"))
        try core.control("fault", #"{"mode": "error", "status": 429, "retryAfter": 2, "count": 1}"#)
        let packd = try RunningPackd(dir: dir.sub("packd"), config: Self.coreConfig(core))
        #expect(try packd.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...1))).status == 200)
        try Self.ship(packd, order: 1)
        let state = try core.waitFor("the event after the 429") { $0.events.count == 1 }
        let refusedAt = try #require(state.faultsAnsweredMs.first)
        let id = try #require(state.events.first?["id"] as? String)
        let takenAt = try #require(state.receivedMs[id])
        // backoff_max_ms is 400 here: only Retry-After explains a wait of 2 s.
        #expect(takenAt - refusedAt >= 1_900, "sent again \(takenAt - refusedAt) ms after the 429")
        #expect(state.duplicates == 0)
    }
}
