import Foundation
import Glibc
import PackTestRequirements
import PackTestSupport
import Synchronization
import Testing

/// The fleet when things die: the shared PostgreSQL restarted mid-run, a packd
/// SIGKILLed mid-claim, the packd delivering the outbox killed. Real packd
/// processes, a real PostgreSQL 15, a real HTTP core.
@Suite(.offCooperativePool, .serialized, .requires(PrivatePostgres.available, "needs PostgreSQL 15 (postgresql-15)"))
struct FleetFaultTests {
    /// What the stations' threads saw.
    struct Seen: Sendable {
        var claimed: [String] = []
        var refusals: [String] = []
        var unexpected: [String] = []
        var finished = false
    }

    /// What each station saw and how it ended, and the end of each packd's log:
    /// enough to tell a stuck store connection from a station that stopped.
    static func account(_ seen: [Seen], _ results: [String?], _ fleet: [RunningPackd]) -> String {
        let stations = seen.enumerated().map { i, s in
            "station \(i): \(s.claimed.count) claimed, \(s.refusals.count) refused (last: \(s.refusals.last ?? "-")), "
                + "\(s.unexpected.count) unexpected, ended: \(results[i] ?? "nil")"
        }
        let logs = fleet.enumerated().map { n, packd in "pc\(n) log:\n\(packd.log.suffix(3000))" }
        return (stations + logs).joined(separator: "\n")
    }

    /// The node id's claim is a lock on a connection: a restarted store ends it.
    /// packd claims it again once the store answers, so a copy with the same id
    /// is still refused after the restart.
    @Test(.timeLimit(.minutes(3)))
    func theNodeIdIsClaimedAgainAfterTheStoreRestarts() throws {
        let server = try PrivatePostgres()
        let url = try server.createDatabase()
        let dir = TempDirectory()
        let packd = try RunningPackd(dir: dir.path + "/a", config: FleetDaemonTests.fleetConfig(url: url, node: "pc-n", stations: ["n1"]))
        defer { _ = packd.stop() }
        server.stop()
        try server.start()
        try waitUntil("packd claims its node id again", seconds: 60) { packd.log.contains("fleet node id claimed again") }
        let copy = dir.file("copy.toml", FleetDaemonTests.fleetConfig(url: url, node: "pc-n", stations: ["n2"]))
        let refused = try Packd.run(["run", "--config", copy, "--state", dir.sub("copy-state")], timeout: 60)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("another packd runs as fleet node \"pc-n\""), "\(refused.stderr)")
    }

    @Test(.timeLimit(.minutes(8)))
    func postgresRestartedAndAPackdKilledMidClaimLoseAndRepeatNothing() async throws {
        // A server of this test's own: it is stopped mid-run.
        let server = try PrivatePostgres()
        let url = try server.createDatabase()
        let database = PrivatePostgres.database(of: url)
        let dir = TempDirectory()
        let nodes = 3
        let perNode = 4
        let orders = 240
        // Scans answer within 5 s while the store is away (the packer hears it).
        func config(_ n: Int) -> String {
            FleetDaemonTests.fleetConfig(url: url, node: "pc\(n)", stations: (0..<perNode).map { "pc\(n)-st\($0)" })
                .replacingOccurrences(of: "timeout_ms = 60000", with: "timeout_ms = 5000")
        }
        let fleet = try (0..<nodes).map { n in try RunningPackd(dir: dir.path + "/pc\(n)", config: config(n)) }
        defer { for packd in fleet { _ = packd.stop() } }
        // The import is one transaction, bounded by timeout_ms like a scan: with the
        // rest of the suite on two cores it may take longer, and is sent again.
        var imported = try fleet[0].post("/v1/orders", TestOrder.batch(TestOrder.singleItem(orders, sku: "MUG")))
        for _ in 0..<10 where imported.status == 503 {
            imported = try fleet[0].post("/v1/orders", TestOrder.batch(TestOrder.singleItem(orders, sku: "MUG")))
        }
        try #require(imported.status == 200, "\(imported.status) \(imported.text)")
        for packd in fleet.dropFirst() { try FleetDaemonTests.waitUntilFollowed(packd, orders) }

        let seen = Shared([Seen](repeating: Seen(), count: nodes * perNode))
        let killed = Shared(Set<Int>())
        let endpoints = fleet.map { (port: $0.port, token: $0.token) }
        let claimedSoFar: @Sendable () -> Int = { seen.withLock { $0.reduce(0) { $0 + $1.claimed.count } } }
        let refusedSoFar: @Sendable () -> Int = { seen.withLock { $0.reduce(0) { $0 + $1.refusals.count } } }
        // Each of the controller's steps needs orders left to claim. Twelve
        // stations can claim the 240 in a second or two, faster than a controller
        // starved on a loaded machine notices its 40 (a CI run once waited for
        // 40 claims after the restart with fewer than 40 orders left), so the
        // stations pause at a ceiling until the controller has taken its step:
        // at most 100 before the store stops, 30 more until the controller sees
        // it back, 60 more until the packd is killed (at most 202 of 240). Below
        // the ceiling they are mid-claim when the store dies and when the packd
        // is killed.
        let ceiling = Shared(100)
        let controllerSaw = Shared([String]())

        // The controller runs on a thread of its own like the stations; the
        // packd it kills and restarts is handed over to it.
        nonisolated(unsafe) let victim = fleet[1]
        let stationThreads = nodes * perNode
        let results = await FleetDaemonTests.onThreads(stationThreads + 1) { i -> String? in
            if i == stationThreads {
                // The controller: the store goes away and comes back, then a packd dies.
                func note(_ what: String) { controllerSaw.withLock { $0.append("\(what) at \(claimedSoFar()) claims") } }
                do {
                    try waitUntil("40 claims", seconds: 120) { claimedSoFar() >= 40 }
                    server.stop(mode: "immediate")
                    note("store stopped")
                    // The stations scan on (and are refused); at most 30 more claims
                    // once the store is back, before the controller sees it is.
                    ceiling.withLock { $0 = claimedSoFar() + 30 }
                    try waitUntil("a scan refused while the store is away", seconds: 60) { refusedSoFar() >= 1 }
                    try server.start()
                    let before = claimedSoFar()
                    note("store started")
                    ceiling.withLock { $0 = before + 60 }
                    try waitUntil("claims after the store came back", seconds: 120) { claimedSoFar() >= before + 40 }
                    killed.withLock { _ = $0.insert(1) }
                    guard victim.stop(SIGKILL) != nil else { return "pc1 did not die" }
                    note("pc1 killed")
                    ceiling.withLock { $0 = .max }
                    try victim.start()
                    return nil
                } catch {
                    ceiling.withLock { $0 = .max }
                    return "\(error) (\(controllerSaw.withLock { $0 }.joined(separator: ", ")))"
                }
            }
            let node = i / perNode
            let station = "pc\(node)-st\(i % perNode)"
            while true {
                if killed.withLock({ $0.contains(node) }) { return nil }
                if claimedSoFar() >= ceiling.withLock({ $0 }) {
                    // Bounded: the controller raises the ceiling or gives up.
                    do {
                        try waitUntil("the controller's next step", seconds: 180) { claimedSoFar() < ceiling.withLock { $0 } }
                    } catch {
                        return "\(station): \(error)"
                    }
                    continue
                }
                do {
                    let answer = try FleetDaemonTests.scan("MUG", station: station, port: endpoints[node].port, token: endpoints[node].token)
                    switch answer["outcome"] as? String {
                    case "single_item_claimed": seen.withLock { $0[i].claimed.append(answer["order"] as? String ?? "?") }
                    case "no_pending_order": return nil
                    default: seen.withLock { $0[i].unexpected.append("\(answer)") }
                    }
                } catch {
                    if killed.withLock({ $0.contains(node) }) { return nil }
                    seen.withLock { $0[i].refusals.append("\(error)") }
                    // The packer scans again a moment later.
                    usleep(100_000)
                }
            }
        }
        let all = seen.withLock { $0 }
        #expect(results.compactMap { $0 }.isEmpty, "\(results.compactMap { $0 })\n\(Self.account(all, results, fleet))")
        let claimed = all.flatMap(\.claimed)
        #expect(all.flatMap(\.unexpected).isEmpty, "\(all.flatMap(\.unexpected).prefix(3))")
        #expect(Set(claimed).count == claimed.count, "an order was claimed twice")
        // While the store was away the packer heard so, and that nothing shipped.
        let refusals = all.flatMap(\.refusals)
        #expect(refusals.contains { $0.contains("503") && $0.contains("nothing was shipped") && $0.contains("shared store") }, "\(refusals.prefix(3))")

        func sql(_ q: String) throws -> String { try server.psql(q, database: database).trimmingCharacters(in: .whitespacesAndNewlines) }
        // Every order shipped once: the killed packd's claims were completed or
        // released to the others, none is left half-claimed.
        #expect(try sql("SELECT count(*) FROM parcels WHERE state = 'shipped'") == "\(orders)")
        #expect(try sql("SELECT count(*) FROM parcels WHERE state <> 'shipped'") == "0")
        #expect(try sql("SELECT count(DISTINCT parcel_id) || '/' || count(*) FROM outbox WHERE type = 'parcel.shipped'") == "\(orders)/\(orders)")
        #expect(try sql("SELECT quantity FROM stock_levels WHERE sku = 'MUG'") == "-\(orders)")
        #expect(try sql("SELECT count(*) FROM stock_ledger WHERE sku = 'MUG'") == "\(orders)")
        // Every claim a packer was told of is in the store.
        let shipped = Set(try sql("SELECT string_agg(order_id, ',') FROM parcels WHERE state = 'shipped'").split(separator: ",").map(String.init))
        #expect(Set(claimed).isSubset(of: shipped))
        // The restarted packd took its place again: its stations answer from the shared book.
        let after = try fleet[1].scan("MUG", station: "pc1-st0")
        #expect(after["outcome"] as? String == "no_pending_order", "\(after)")
    }

    @Test(.timeLimit(.minutes(4)))
    func anotherPackdDeliversTheOutboxWhenTheDelivererDiesEachEventOnce() throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let url = try server.createDatabase()
        let database = PrivatePostgres.database(of: url)
        let dir = TempDirectory()
        let core = try ReferenceCore(dataDir: dir.sub("core"))
        // The core refuses everything at first: the events wait in the shared outbox.
        try core.control("fault", #"{"mode": "error", "status": 503}"#)
        func config(_ node: String) -> String {
            FleetDaemonTests.fleetConfig(url: url, node: node, stations: ["\(node)-st"]) + "\n" + CoreDeliveryTests.coreConfig(core)
        }
        let a = try RunningPackd(dir: dir.path + "/a", config: config("pc-a"))
        let b = try RunningPackd(dir: dir.path + "/b", config: config("pc-b"))
        defer {
            _ = a.stop()
            _ = b.stop()
        }
        #expect(try a.post("/v1/orders", TestOrder.batch(TestOrder.numbered(1...12))).status == 200)
        try FleetDaemonTests.waitUntilFollowed(b, 12)
        for i in 1...6 {
            #expect(try a.scan("W-\(i)-1", station: "pc-a-st")["outcome"] as? String == "parcel_opened")
            #expect(try a.scan("SKU-\(i)-1", station: "pc-a-st")["outcome"] as? String == "parcel_completed")
        }
        for i in 7...12 {
            #expect(try b.scan("W-\(i)-1", station: "pc-b-st")["outcome"] as? String == "parcel_opened")
            #expect(try b.scan("SKU-\(i)-1", station: "pc-b-st")["outcome"] as? String == "parcel_completed")
        }
        // One of them holds the lease and is trying to deliver; the other waits.
        var holder: RunningPackd?
        try? waitUntil("a packd takes the delivery lease", seconds: 30) {
            holder = [a, b].first { $0.log.contains("outbox delivery lease taken") }
            return holder != nil
        }
        let deliverer = try #require(holder, "no packd took the delivery lease:\n\(a.log.suffix(2000))\n\(b.log.suffix(2000))")
        let other = deliverer === a ? b : a
        #expect(!other.log.contains("outbox delivery lease taken"))
        try core.waitFor("refused requests", seconds: 30) { $0.requests >= 1 }
        #expect(try core.state().events.isEmpty)

        // The deliverer dies; the core is back.
        #expect(deliverer.stop(SIGKILL) != nil)
        try core.control("fault", #"{"mode": "ok"}"#)
        let state = try core.waitFor("12 events delivered by the other packd", seconds: 60) { $0.events.count >= 12 }
        #expect(other.log.contains("outbox delivery lease taken"))
        let ids = state.events.compactMap { $0["id"] as? String }
        #expect(ids.count == 12 && Set(ids).count == 12, "\(ids)")
        #expect(state.duplicates == 0)
        func sql(_ q: String) throws -> String { try server.psql(q, database: database).trimmingCharacters(in: .whitespacesAndNewlines) }
        let storeIds = Set(try sql("SELECT string_agg(id, ',') FROM outbox WHERE type = 'parcel.shipped'").split(separator: ",").map(String.init))
        #expect(storeIds == Set(ids))
        // The store records them delivered (once the other packd hears the core's answer).
        try waitUntil("the store records every event delivered", seconds: 30) {
            try sql("SELECT count(*) FROM outbox WHERE state <> 'delivered'") == "0"
        }

        // The operator sees it: the survivor's metrics and packd doctor name the deliverer.
        #expect(try other.get("/metrics").text.contains("packd_store_delivering 1"))
        let otherNode = other === a ? "pc-a" : "pc-b"
        let doctor = try Packd.run(["doctor", "--config", other.configPath])
        for line in ["ok   store: postgres://postgres@127.0.0.1:\(server.port)/\(database): PostgreSQL 15", "the primary, commits durable; node \(otherNode)",
                     "ok   fleet: connected: \(otherNode); \(otherNode) delivers the outbox", "ok   outbox: 0 event(s) waiting"] {
            #expect(doctor.stdout.contains(line), "\(line)\n\(doctor.stdout)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func doctorNamesAStoreThatIsAwayOrWouldLoseCommits() throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let dir = TempDirectory()
        // Nothing listens there.
        let away = dir.file("away.toml", """
            state_dir = "\(dir.sub("state"))"
            [store]
            backend = "postgres"
            url = "postgres://postgres@127.0.0.1:\(try HTTPClient.freePort())/packd?sslmode=disable"
            timeout_ms = 3000
            """)
        let unreachable = try Packd.run(["doctor", "--config", away])
        #expect(unreachable.status == 1)
        #expect(unreachable.stdout.contains("FAIL store: the shared store"), "\(unreachable.stdout)")
        #expect(unreachable.stdout.contains("fix: check that PostgreSQL runs"), "\(unreachable.stdout)")

        // A database whose commits are not flushed before they are confirmed, and
        // never migrated: the doctor says both and migrates nothing.
        let url = try server.createDatabase()
        let database = PrivatePostgres.database(of: url)
        try server.psql("ALTER DATABASE \(database) SET synchronous_commit = off")
        let lax = dir.file("lax.toml", """
            state_dir = "\(dir.sub("state"))"
            [store]
            backend = "postgres"
            url = "\(url)"
            node = "pc-9"
            """)
        let result = try Packd.run(["doctor", "--config", lax])
        #expect(result.status == 1)
        for line in ["FAIL store: ", "synchronous_commit = off: a confirmed shipment could be lost in a crash",
                     "warn store: the store lacks 6 migration(s): v1", "fix: start packd"] {
            #expect(result.stdout.contains(line), "\(line)\n\(result.stdout)")
        }
        #expect(try server.psql("SELECT to_regclass('packd_migrations') IS NULL", database: database).contains("t"))
    }
}
