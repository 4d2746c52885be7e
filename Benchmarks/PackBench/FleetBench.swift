import Foundation
import Glibc
import PackTestSupport
import Synchronization

/// The fleet (issue 13): 200 stations over several release `packd run`
/// processes on one private PostgreSQL 15, beside one packd with its SQLite
/// journal and the same 200 stations, through the HTTP API as stations use it.
///
/// - Paced: every station scans about once a second (a brisk packer), for
///   `seconds`: the latency a packer feels. Claims (一单一件: the item claims
///   the oldest waiting single-item order and ships it in one commit), then
///   shipments (scan the waybill, then the item: the completing scan ships).
/// - Full speed: every station scans again as soon as it has its answer:
///   throughput, and latency under saturation.
/// - Cancellation: an order cancelled through one packd, until every other
///   packd's book has it (their metrics count the orders they followed).
enum FleetBench {
    static let skus = 20
    typealias Node = DaemonBench.Running

    struct Result {
        var claims: Samples
        var claimsPerSecond: Double
        var shipments: Samples
        var shipmentsPerSecond: Double
        var fullSpeedClaims: Samples
        var fullSpeedClaimsPerSecond: Double
    }

    static func stationConfig(_ stations: [String]) -> String {
        stations.map { "\n[stations.\($0)]\ndebounce_ms = 0\n" }.joined()
    }

    /// Single-item orders `prefix`-i (SKU i % skus), approved in order; and
    /// scan-to-ship orders with their own waybills.
    static func orders(prefix: String, count: Int, waybillPrefix: String, sku: String = "SKU") -> [String] {
        stride(from: 0, to: count, by: 2000).map { start in
            let orders = (start..<min(count, start + 2000)).map { i in
                """
                {"id":"\(prefix)\(i)","status":"approved","approvedAt":"2026-11-22T\(String(format: "%02d:%02d:%02d", i / 3600 % 24, i / 60 % 60, i % 60))Z",\
                "waybill":"\(waybillPrefix)\(i)","lines":[{"sku":"\(sku)-\(i % skus)","qty":1}]}
                """
            }
            return "{\"orders\":[\(orders.joined(separator: ","))]}"
        }
    }

    /// Runs `body` for each station on a thread of its own, all started together.
    static func onStations(_ count: Int, _ body: @escaping @Sendable (Int) -> [UInt64]) -> [UInt64] {
        let results = Mutex<[UInt64]>([])
        let done = DispatchGroup()
        for i in 0..<count {
            done.enter()
            Thread.detachNewThread {
                let samples = body(i)
                results.withLock { $0 += samples }
                done.leave()
            }
        }
        done.wait()
        return results.withLock { $0 }
    }

    /// 200 stations on `processes` packd (postgres) or one (sqlite).
    static func measure(stations: Int, processes: Int, storeURL: String?, seconds: Double) async throws -> Result {
        let perNode = stations / processes
        var nodes: [Node] = []
        defer { for node in nodes { node.stop() } }
        for n in 0..<processes {
            let ids = (0..<perNode).map { "pc\(n)-st\($0)" }
            var config = stationConfig(ids)
            if let storeURL {
                config = "[store]\nbackend = \"postgres\"\nurl = \"\(storeURL)\"\nnode = \"pc\(n)\"\ntimeout_ms = 30000\n" + config
            }
            nodes.append(try await Node(config: config, orders: []))
        }
        let pacedScans = Int(seconds)
        // Claims: each station claims `pacedScans` paced, then full speed for
        // `seconds`; enough orders that none runs dry.
        let claimOrders = stations * (pacedScans + 200)
        for page in orders(prefix: "C", count: claimOrders, waybillPrefix: "WC") { try nodes[0].importOrders(page) }
        // Scan-to-ship: each station its own parcels, of items no claim scans.
        for page in orders(prefix: "S", count: stations * pacedScans, waybillPrefix: "WS", sku: "SHIP") { try nodes[0].importOrders(page) }
        if storeURL != nil {
            let deadline = Date().addingTimeInterval(120)
            for node in nodes.dropFirst() {
                while try node.followed() < claimOrders + stations * pacedScans {
                    guard Date() < deadline else { throw PrinterError("the fleet did not follow the imports") }
                    usleep(50_000)
                }
            }
        }
        let sendableNodes = nodes
        let where_: @Sendable (Int) -> (Node, String) = { i in (sendableNodes[i / perNode], "pc\(i / perNode)-st\(i % perNode)") }
        let interval = 1.0

        // Paced claims: one a second per station, starts spread over the first second.
        var started = Date()
        let claims = onStations(stations) { i in
            let (node, station) = where_(i)
            var samples: [UInt64] = []
            usleep(UInt32(Double(i) / Double(stations) * interval * 1_000_000))
            let origin = Date()
            for k in 0..<pacedScans {
                let due = origin.addingTimeInterval(Double(k) * interval)
                if due > Date() { usleep(UInt32(due.timeIntervalSinceNow * 1_000_000)) }
                let t = now()
                guard (try? node.scan("SKU-\(i % skus)", station: station)) == "single_item_claimed" else { continue }
                samples.append(now() - t)
            }
            return samples
        }
        let claimRate = Double(claims.count) / Date().timeIntervalSince(started)

        // Paced shipments: the waybill, then (half a second later) the item.
        started = Date()
        let shipments = onStations(stations) { i in
            let (node, station) = where_(i)
            var samples: [UInt64] = []
            usleep(UInt32(Double(i) / Double(stations) * interval * 1_000_000))
            let origin = Date()
            for k in 0..<pacedScans {
                let order = i * pacedScans + k
                let due = origin.addingTimeInterval(Double(k) * interval)
                if due > Date() { usleep(UInt32(due.timeIntervalSinceNow * 1_000_000)) }
                guard (try? node.scan("WS\(order)", station: station)) == "parcel_opened" else { continue }
                usleep(UInt32(interval / 2 * 1_000_000))
                let t = now()
                guard (try? node.scan("SHIP-\(order % skus)", station: station)) == "parcel_completed" else { continue }
                samples.append(now() - t)
            }
            return samples
        }
        let shipmentRate = Double(shipments.count) / Date().timeIntervalSince(started)

        // Full speed claims for `seconds`.
        started = Date()
        let stopAt = Date().addingTimeInterval(seconds)
        let fullSpeed = onStations(stations) { i in
            let (node, station) = where_(i)
            var samples: [UInt64] = []
            while Date() < stopAt {
                let t = now()
                guard (try? node.scan("SKU-\(i % skus)", station: station)) == "single_item_claimed" else { break }
                samples.append(now() - t)
            }
            return samples
        }
        let fullRate = Double(fullSpeed.count) / Date().timeIntervalSince(started)

        func samples(_ values: [UInt64]) -> Samples {
            var s = Samples(capacity: values.count)
            for v in values { s.add(v) }
            return s
        }
        return Result(
            claims: samples(claims), claimsPerSecond: claimRate, shipments: samples(shipments), shipmentsPerSecond: shipmentRate,
            fullSpeedClaims: samples(fullSpeed), fullSpeedClaimsPerSecond: fullRate)
    }

    /// Cancellations through packd 0 until each of the others has applied it:
    /// the slowest of them per cancellation (one sample), polled every ~1 ms.
    static func cancellationDelay(processes: Int, storeURL: String, count: Int) async throws -> Samples {
        var nodes: [Node] = []
        defer { for node in nodes { node.stop() } }
        for n in 0..<processes {
            let config = "[store]\nbackend = \"postgres\"\nurl = \"\(storeURL)\"\nnode = \"cx\(n)\"\n" + stationConfig(["cx\(n)-st"])
            nodes.append(try await Node(config: config, orders: []))
        }
        for page in orders(prefix: "X", count: count, waybillPrefix: "WX") { try nodes[0].importOrders(page) }
        let others = Array(nodes.dropFirst())
        var seen = try others.map { node in
            let deadline = Date().addingTimeInterval(60)
            var n = try node.followed()
            while n < count, Date() < deadline {
                usleep(20_000)
                n = try node.followed()
            }
            return n
        }
        var delays = Samples(capacity: count)
        for i in 0..<count {
            let cancel = "{\"orders\":[{\"id\":\"X\(i)\",\"status\":\"cancelled\",\"waybill\":\"WX\(i)\",\"lines\":[{\"sku\":\"SKU-\(i % skus)\",\"qty\":1}]}]}"
            try nodes[0].importOrders(cancel)
            let t = now()
            var pending = Set(others.indices)
            let deadline = Date().addingTimeInterval(10)
            while !pending.isEmpty {
                guard Date() < deadline else { throw PrinterError("cancellation \(i) not applied everywhere within 10 s") }
                for j in pending {
                    let n = try others[j].followed()
                    if n > seen[j] {
                        seen[j] = n
                        pending.remove(j)
                    }
                }
                if !pending.isEmpty { usleep(1000) }
            }
            delays.add(now() - t)
        }
        return delays
    }

    static func report(seconds: Double) async throws {
        guard let server = try PrivatePostgres.shared() else {
            print("(fleet benchmark skipped: needs PostgreSQL 15)")
            return
        }
        let stations = 200
        let processes = 5
        let sqlite = try await measure(stations: stations, processes: 1, storeURL: nil, seconds: seconds)
        let fleet = try await measure(stations: stations, processes: processes, storeURL: try server.createDatabase(), seconds: seconds)
        let cancel = try await cancellationDelay(processes: processes, storeURL: try server.createDatabase(), count: 200)

        print("### The fleet: \(stations) stations through the HTTP API (one client thread per station, a connection per scan)")
        print("")
        print("Paced: each station scans once a second for \(Int(seconds)) s (claims), then opens a parcel each second and completes it half a second later (shipments). Full speed: each station scans again as soon as it has its answer, for \(Int(seconds)) s. \(skus) SKUs, so 10 stations contend for each SKU's oldest order.")
        print("")
        print("| store | scans | p50 | p99 | max | per second |")
        print("|---|---|---|---|---|---|")
        for (name, r) in [("PostgreSQL, \(processes) packd x \(stations / processes) stations", fleet), ("SQLite, 1 packd x \(stations) stations (baseline)", sqlite)] {
            for (what, s, perSecond) in [
                ("claims, paced", r.claims, r.claimsPerSecond), ("shipments (completing scan), paced", r.shipments, r.shipmentsPerSecond),
                ("claims, full speed", r.fullSpeedClaims, r.fullSpeedClaimsPerSecond),
            ] {
                print("| \(name): \(what) | \(s.count) | \(millis(s.percentile(50))) | \(millis(s.percentile(99))) | \(millis(s.percentile(100))) | \(String(format: "%.0f", perSecond)) |")
            }
        }
        print("")
        print("### A cancellation through one packd, until the other \(processes - 1) have applied it (their books; polled every ~1 ms)")
        print("")
        print("| cancellations | p50 | p99 | max |")
        print("|---|---|---|---|")
        print("| \(cancel.count) | \(millis(cancel.percentile(50))) | \(millis(cancel.percentile(99))) | \(millis(cancel.percentile(100))) |")
        print("")
    }
}

/// What the fleet benchmark asks of a running packd, through its API.
extension DaemonBench.Running {
    func scan(_ code: String, station: String) throws -> String {
        let r = try HTTPClient.request(
            port: port, method: "POST", path: "/v1/stations/\(station)/scans", token: token,
            body: Array("{\"code\": \"\(code)\"}".utf8), timeout: 60)
        guard r.status == 200 else { throw PrinterError("scan \(code) at \(station): \(r.status) \(r.text)") }
        guard let outcome = (try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])?["outcome"] as? String else {
            throw PrinterError("no outcome: \(r.text)")
        }
        return outcome
    }

    func importOrders(_ json: String) throws {
        let r = try HTTPClient.json(port: port, method: "POST", path: "/v1/orders", token: token, json: json)
        guard r.status == 200 else { throw PrinterError("import: \(r.status) \(r.text.prefix(500))") }
    }

    /// Orders other packd changed that this one read into its book.
    func followed() throws -> Int {
        let text = try HTTPClient.request(port: port, method: "GET", path: "/metrics", token: token).text
        let line = text.split(separator: "\n").first { $0.hasPrefix("packd_fleet_orders_followed_total ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? 0
    }
}
