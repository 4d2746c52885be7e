import Foundation
import PackTestRequirements
import PackTestSupport
import Synchronization
import Testing

/// Many packd processes on one shared PostgreSQL store, through their HTTP APIs:
/// whatever each one's book believes, no order is claimed twice and no parcel
/// ships twice.
@Suite(.offCooperativePool, .serialized, .requires(PrivatePostgres.available, "needs PostgreSQL 15 (postgresql-15)"))
struct FleetDaemonTests {
    static func fleetConfig(url: String, node: String, stations: [String]) -> String {
        var text = """
            [store]
            backend = "postgres"
            url = "\(url)"
            node = "\(node)"
            # Ten debug builds and the server on two cores answer slowly.
            timeout_ms = 60000

            """
        // Scanning the same item back to back on purpose: no debounce.
        for station in stations { text += "\n[stations.\(station)]\ndebounce_ms = 0\n" }
        return text
    }

    /// Runs `body` on `count` threads of their own (blocking HTTP calls stay off
    /// Swift's two cooperative threads, which the rest of the suite needs) and
    /// returns their results.
    static func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) async -> [T] {
        let results = Shared<[Int: T]>([:])
        let done = DispatchGroup()
        for i in 0..<count {
            done.enter()
            Thread.detachNewThread {
                let value = body(i)
                results.withLock { $0[i] = value }
                done.leave()
            }
        }
        await withCheckedContinuation { continuation in done.notify(queue: .global()) { continuation.resume() } }
        return results.withLock { r in (0..<count).map { r[$0]! } }
    }

    static func scan(_ code: String, station: String, port: Int, token: String) throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: ["code": code])
        // Correctness, not speed (docs/benchmarks.md has that): ten debug builds and
        // the rest of the suite on two cores make the last contested claims slow.
        let r = try HTTPClient.request(
            port: port, method: "POST", path: "/v1/stations/\(station)/scans", token: token, body: Array(body), timeout: 180)
        guard r.status == 200 else { throw HTTPClient.ClientError("scan \(code): \(r.status) \(r.text)") }
        return try JSONSerialization.jsonObject(with: Data(r.body)) as! [String: Any]
    }

    /// Waits until a packd's book has read `count` orders another packd imported
    /// (its metrics count them), within 30 s.
    static func waitUntilFollowed(_ packd: RunningPackd, _ count: Int) throws {
        _ = try packd.waitForMetric("packd_fleet_orders_followed_total") { ($0 ?? 0) >= Double(count) }
    }

    @Test func tenPackdOfTenStationsClaimAtFullSpeedAndNothingShipsTwice() async throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let url = try server.createDatabase()
        let database = PrivatePostgres.database(of: url)
        let dir = TempDirectory()
        let nodes = 10
        let perNode = 10
        let orders = 400
        var fleet: [RunningPackd] = []
        defer {
            for packd in fleet {
                let stopped = packd.stop()
                #expect(
                    stopped?.status == 0 && (stopped?.seconds ?? 99) < 5,
                    "\(String(describing: stopped)): \(packd.log.suffix(1500))")
            }
        }
        for n in 0..<nodes {
            let stations = (0..<perNode).map { "pc\(n)-st\($0)" }
            fleet.append(
                try RunningPackd(dir: dir.path + "/pc\(n)", config: Self.fleetConfig(url: url, node: "pc\(n)", stations: stations)))
        }
        let imported = try fleet[0].post("/v1/orders", TestOrder.batch(TestOrder.singleItem(orders, sku: "MUG")))
        #expect(imported.status == 200, "\(imported.text)")
        for packd in fleet.dropFirst() { try Self.waitUntilFollowed(packd, orders) }
        let endpoints = fleet.map { (port: $0.port, token: $0.token) }
        // Every packd's book holds every order (the others heard of them), then all
        // 100 stations scan the same item as fast as their answers come.
        let claimed = await Self.onThreads(nodes * perNode) { i -> [String] in
            let endpoint = endpoints[i / perNode]
            let station = "pc\(i / perNode)-st\(i % perNode)"
            var mine: [String] = []
            while true {
                let answer: [String: Any]
                do {
                    answer = try Self.scan("MUG", station: station, port: endpoint.port, token: endpoint.token)
                } catch {
                    return mine + ["ERROR \(error)"]
                }
                switch answer["outcome"] as? String {
                case "single_item_claimed": mine.append(answer["order"] as? String ?? "?")
                case "no_pending_order": return mine
                default: return mine + ["UNEXPECTED \(answer)"]
                }
            }
        }.flatMap { $0 }
        let failures = claimed.filter { $0.hasPrefix("ERROR") || $0.hasPrefix("UNEXPECTED") }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(Set(claimed).count == claimed.count, "an order was claimed twice")
        #expect(claimed.count == orders)
        func sql(_ q: String) throws -> String { try server.psql(q, database: database).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(try sql("SELECT count(*) FROM parcels WHERE state = 'shipped'") == "\(orders)")
        #expect(try sql("SELECT count(DISTINCT parcel_id) || '/' || count(*) FROM outbox WHERE type = 'parcel.shipped'") == "\(orders)/\(orders)")
        #expect(try sql("SELECT quantity FROM stock_levels WHERE sku = 'MUG'") == "-\(orders)")
        #expect(try sql("SELECT count(*) FROM stock_ledger WHERE sku = 'MUG'") == "\(orders)")
        // Every shipment came from one of the fleet's stations.
        #expect(try sql("SELECT count(DISTINCT node) FROM outbox") == "\(nodes)")
    }

    @Test func aCancellationThroughOnePackdInterceptsTheParcelOpenAtAnother() throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let url = try server.createDatabase()
        let database = PrivatePostgres.database(of: url)
        let dir = TempDirectory()
        let a = try RunningPackd(dir: dir.path + "/a", config: Self.fleetConfig(url: url, node: "pc-a", stations: ["a1"]))
        let b = try RunningPackd(dir: dir.path + "/b", config: Self.fleetConfig(url: url, node: "pc-b", stations: ["b1"]))
        defer {
            _ = a.stop()
            _ = b.stop()
        }
        let order = #"{"id": "M1", "status": "%@", "waybill": "WBM1", "lines": [{"sku": "MUG", "qty": 3}]}"#
        #expect(try a.post("/v1/orders", String(format: order, "approved")).status == 200)
        try Self.waitUntilFollowed(b, 1)
        #expect(try a.scan("WBM1", station: "a1")["outcome"] as? String == "parcel_opened")
        #expect(try a.scan("MUG", station: "a1")["outcome"] as? String == "item_verified")
        // The other PC's station hears where the parcel is.
        let elsewhere = try b.scan("WBM1", station: "b1")
        #expect(elsewhere["outcome"] as? String == "parcel_open_elsewhere")
        #expect((elsewhere["message"] as? String)?.contains("a1") == true)
        // Cancelled through pc-b: pc-a's next scan intercepts, once pc-a heard of it
        // (scanning the open parcel's own waybill changes nothing until then).
        #expect(try b.post("/v1/orders", String(format: order, "cancelled")).status == 200)
        try waitUntil("pc-a's scan of the open parcel intercepts it", seconds: 5) {
            let outcome = try a.scan("WBM1", station: "a1")["outcome"] as? String ?? ""
            #expect(["parcel_opened", "intercepted"].contains(outcome))
            return outcome == "intercepted"
        }
        func sql(_ q: String) throws -> String { try server.psql(q, database: database).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(try sql("SELECT state FROM parcels WHERE order_id = 'M1'") == "pending")
        #expect(try sql("SELECT string_agg(type, ',' ORDER BY seq) FROM outbox") == "order.intercepted")
    }
    /// The operator's commands (`packd orders import`, `stock`, `outbox`) work on
    /// the store `[store]` names, not on a journal of their own: what they change,
    /// the running packd see.
    @Test func theOperatorCommandsWorkOnTheSharedStore() throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let url = try server.createDatabase()
        let dir = TempDirectory()
        let a = try RunningPackd(dir: dir.path + "/a", config: Self.fleetConfig(url: url, node: "pc-a", stations: ["a1"]))
        defer { _ = a.stop() }
        // Another PC's configuration (node pc-c), with no packd running there.
        let other = dir.file("other.toml", Self.fleetConfig(url: url, node: "pc-c", stations: []))
        let orders = dir.file("orders.json", TestOrder.batch(TestOrder.singleItem(3, sku: "KETTLE")))
        let imported = try Packd.run(["orders", "import", orders, "--config", other])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("3 new"), "\(imported.stdout)")
        #expect(imported.stdout.contains("postgres://"), "\(imported.stdout)")
        try Self.waitUntilFollowed(a, 3)
        let counted = try Packd.run(["stock", "set", "KETTLE", "10", "--config", other])
        #expect(counted.status == 0, "\(counted.stderr)")
        // The packd ships what the command imported; the command reads what it shipped.
        #expect(try a.scan("KETTLE", station: "a1")["outcome"] as? String == "single_item_claimed")
        let stock = try Packd.run(["stock", "--json", "--config", other])
        #expect(stock.stdout.contains(#""sku":"KETTLE","quantity":9"#), "\(stock.stdout)\(stock.stderr)")
        let outbox = try Packd.run(["outbox", "--json", "--config", other])
        #expect(outbox.stdout.contains(#""applied":1"#), "\(outbox.stdout)\(outbox.stderr)")
        // A store that does not answer: a precise error, exit 2 (as every command that fails).
        let away = dir.file(
            "away.toml",
            Self.fleetConfig(url: "postgres://postgres@127.0.0.1:\(try HTTPClient.freePort())/packd?sslmode=disable", node: "pc-c", stations: [])
                .replacingOccurrences(of: "timeout_ms = 60000", with: "timeout_ms = 3000"))
        let refused = try Packd.run(["stock", "--config", away])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("the shared store"), "\(refused.stderr)")
    }
    /// Two stations of one id would be one station to the store (either could ship
    /// what the other opened): a packd refuses to start with a station of another
    /// packd that is connected, and takes over one whose packd is gone.
    @Test func aStationOfAnotherRunningPackdIsRefusedAndOneOfAGonePackdTakenOver() throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let url = try server.createDatabase()
        let dir = TempDirectory()
        let a = try RunningPackd(dir: dir.path + "/a", config: Self.fleetConfig(url: url, node: "pc-a", stations: ["a1"]))
        let second = Self.fleetConfig(url: url, node: "pc-c", stations: ["a1"])
        let config = dir.file("c.toml", second)
        let refused = try Packd.run(["run", "--config", config, "--state", dir.sub("c-state")], timeout: 60)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("station a1 belongs to packd pc-a, which is connected"), "\(refused.stderr)")
        #expect(a.stop()?.status == 0)
        // pc-a is gone (its PC replaced) once the server has ended its sessions: pc-c
        // takes the station over.
        let database = PrivatePostgres.database(of: url)
        // A backend ends when it next reads its closed socket; with the store
        // tests of the same run busy on this server that took over 10 s once.
        func sessions(_ columns: String) throws -> String {
            try server.psql("SELECT \(columns) FROM pg_stat_activity WHERE application_name = 'packd pc-a'", database: database)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        do {
            try waitUntil("pc-a's sessions end", seconds: 60) { try sessions("count(*)") == "0" }
        } catch let timeout as PollTimeout {
            throw PollTimeout("\(timeout), they wait on: \(try sessions("state, wait_event_type, wait_event, query"))")
        }
        let c = try RunningPackd(dir: dir.path + "/c", config: second)
        defer { _ = c.stop() }
        #expect(c.log.contains("station taken over from another packd"), "\(c.log.suffix(2000))")
        #expect(try server.psql("SELECT node FROM station_printers WHERE station = 'a1'", database: database)
            .trimmingCharacters(in: .whitespacesAndNewlines) == "pc-c")
    }
    /// Two packd on one PC (two state directories, no `[store] node`): each takes a
    /// node id of its own, so each hears what the other changes. Two with one node
    /// id (a copied configuration): the second is refused while the first runs.
    @Test func twoPackdOnOnePCGetNodeIdsOfTheirOwnAndOneIdIsNeverShared() throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let url = try server.createDatabase()
        let dir = TempDirectory()
        func unnamed(_ stations: [String]) -> String {
            Self.fleetConfig(url: url, node: "-", stations: stations).replacingOccurrences(of: "node = \"-\"\n", with: "")
        }
        let a = try RunningPackd(dir: dir.path + "/a", config: unnamed(["a1"]))
        let b = try RunningPackd(dir: dir.path + "/b", config: unnamed(["b1"]))
        defer {
            _ = a.stop()
            _ = b.stop()
        }
        func node(_ packd: RunningPackd) -> String? {
            packd.log.split(separator: "\n").first { $0.contains("fleet node") }
                .flatMap { line in line.range(of: "node=").map { String(line[$0.upperBound...].prefix { $0 != " " }) } }
        }
        let host = ProcessInfo.processInfo.hostName
        let nodes = [node(a), node(b)]
        #expect(nodes.allSatisfy { $0?.hasPrefix(host + "-") == true }, "\(nodes)")
        #expect(nodes[0] != nodes[1], "\(nodes)")
        // Imported through a, scanned at b; cancelled through b, intercepted at a.
        let order = #"{"id": "N1", "status": "%@", "waybill": "WBN1", "lines": [{"sku": "MUG", "qty": 2}]}"#
        #expect(try a.post("/v1/orders", String(format: order, "approved")).status == 200)
        try Self.waitUntilFollowed(b, 1)
        #expect(try b.scan("WBN1", station: "b1")["outcome"] as? String == "parcel_opened")
        #expect(try b.scan("MUG", station: "b1")["outcome"] as? String == "item_verified")
        #expect(try a.post("/v1/orders", String(format: order, "cancelled")).status == 200)
        try waitUntil("pc-b's scan of the open parcel intercepts it", seconds: 10) {
            try b.scan("WBN1", station: "b1")["outcome"] as? String == "intercepted"
        }
        // The same node id as a running packd, with stations of its own: refused.
        let copied = dir.file("copy.toml", Self.fleetConfig(url: url, node: try #require(nodes[0]), stations: ["c1"]))
        let refused = try Packd.run(["run", "--config", copied, "--state", dir.sub("c-state")], timeout: 60)
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("another packd runs as fleet node \"\(nodes[0]!)\""), "\(refused.stderr)")
        // The running one was not disturbed.
        #expect(try a.scan("WBN1", station: "a1")["outcome"] as? String == "intercepted")
    }
}
