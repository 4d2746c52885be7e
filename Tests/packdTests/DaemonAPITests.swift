import Foundation
import Glibc
import PackTestSupport
import PackTestRequirements
import Testing

/// `packd run` through its HTTP API, as an ERP integrator meets it: tokens,
/// problem+json errors, scans, the event stream, and signals.
@Suite(.offCooperativePool, .serialized)
struct DaemonAPITests {
    let dir = TempDirectory()

    static let order = """
        {"id": "SO-1", "status": "approved", "approvedAt": "2026-11-22T08:00:00Z",
         "recipient": {"name": "王小明", "address1": "1 Market St", "city": "San Francisco", "country": "US"},
         "lines": [{"sku": "RAZOR-01", "name": "剃须刀", "qty": 2, "barcodes": ["6901234567892"]}],
         "parcels": [{"id": "SO-1-1", "waybill": "YT0001", "lines": [{"sku": "RAZOR-01", "qty": 2}]}]}
        """

    @Test(.timeLimit(.minutes(2)))
    func everyRouteButHealthzNeedsTheToken() throws {
        let packd = try RunningPackd(dir: dir.path)
        let token = packd.token
        #expect(token.count == 64)
        var info = stat()
        stat("\(packd.statePath)/api.token", &info)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(packd.log.contains("API token created"))
        let routes: [(String, String)] = [
            ("POST", "/v1/orders"), ("GET", "/v1/orders/SO-1"), ("POST", "/v1/print"), ("GET", "/v1/jobs/x"),
            ("POST", "/v1/stations/pack-01/scans"), ("GET", "/v1/stations/pack-01"), ("GET", "/v1/stations/pack-01/events"),
            ("GET", "/v1/devices"), ("GET", "/metrics"), ("GET", "/v1/nowhere"),
        ]
        for (method, path) in routes {
            // A near miss: the real token with its last character changed (never to itself).
            let nearMiss = String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0")
            for wrong: String? in [nil, "wrong", nearMiss, token + "0"] {
                let r = try HTTPClient.request(port: packd.port, method: method, path: path, token: wrong, body: method == "POST" ? Array("{}".utf8) : nil)
                #expect(r.status == 401, "\(method) \(path) with \(wrong ?? "no token"): \(r.status)")
                #expect(r.header("content-type") == "application/problem+json")
            }
        }
        let health = try HTTPClient.request(port: packd.port, method: "GET", path: "/healthz")
        #expect(health.status == 200)
        #expect(try packd.get("/v1/devices").status == 200)
        #expect(try packd.get("/metrics").text.contains("packd_outbox_backlog"))
        // A token file named in the configuration is used as it is.
        packd.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func theDefaultConfigurationListensOnLoopbackOnly() throws {
        let empty = dir.file("empty.toml", "")
        let result = try Packd.run(["config", "check", empty])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("api: 127.0.0.1:7780"))
        let open = dir.file("open.toml", "[api]\nlisten = \"0.0.0.0:7780\"\n")
        let warned = try Packd.run(["config", "check", open])
        #expect(warned.stdout.contains("reachable from other machines"))
        let bad = dir.file("bad.toml", "[api]\nlisten = \"everywhere\"\n")
        let refused = try Packd.run(["config", "check", bad])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("api.listen: must be HOST:PORT"))
        let noPrinter = dir.file("np.toml", "[engine]\nlabel_policy = \"on_approval\"\n")
        let inconsistent = try Packd.run(["config", "check", noPrinter])
        #expect(inconsistent.status == 2)
        #expect(inconsistent.stderr.contains("label_policy = \"on_approval\" needs a printer"))
        // The daemon refuses what config check refuses.
        let refusedRun = try Packd.run(["run", "--config", noPrinter, "--state", dir.sub("state")], timeout: 30)
        #expect(refusedRun.status == 2)
        #expect(refusedRun.stderr.contains("needs a printer"), "\(refusedRun.stderr)")
    }

    @Test(.timeLimit(.minutes(2)))
    func aParcelShipsThroughTheAPIAndTheStreamCarriesEveryOutcomeInOrder() throws {
        let packd = try RunningPackd(dir: dir.path)
        let events = try packd.events()
        let first = try events.next()
        #expect(first.event == "station")
        #expect(first.data.contains("\"openParcel\":null"))
        let imported = try packd.post("/v1/orders", Self.order)
        #expect(imported.status == 200, "\(imported.text)")
        let codes = ["YT0001", "6901234567892", "RAZOR-01", "X-UNKNOWN", "PACKD:ACK"]
        var answers: [String] = []
        for code in codes { answers.append(try packd.scan(code)["outcome"] as! String) }
        #expect(answers == ["parcel_opened", "item_verified", "parcel_completed", "unknown_code", "acknowledged"])
        let streamed = try events.collect { $0.event == "outcome" && $0.data.contains("acknowledged") }
            .filter { $0.event == "outcome" }
        #expect(streamed.count == codes.count)
        for (message, outcome) in zip(streamed, answers) {
            #expect(message.data.contains("\"outcome\":\"\(outcome)\""))
            #expect(message.data.contains("\"station\":\"pack-01\""))
        }
        let ids = streamed.compactMap { $0.id.flatMap { Int64($0) } }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
        let order = jsonObject(try packd.get("/v1/orders/so-1"))
        let parcel = (order["parcels"] as! [[String: Any]])[0]
        #expect(parcel["state"] as? String == "shipped")
        #expect(parcel["station"] as? String == "pack-01")
        #expect(parcel["shippedAt"] is String)
        // A client that lost the connection gets what it missed.
        let resumed = try packd.events(lastEventId: streamed[1].id)
        let missed = try resumed.collect { $0.data.contains("acknowledged") }
        #expect(missed.map(\.event) == ["outcome", "outcome", "outcome"])
        #expect(missed.first?.id == streamed[2].id)
        // One from before a restart (or too old) gets the station's state first.
        let stale = try packd.events(lastEventId: "5")
        #expect(try stale.next().event == "station")
        let stopped = packd.stop()
        #expect(stopped?.status == 0)
        #expect((stopped?.seconds ?? 99) < 5, "SIGTERM with two event streams open took \(stopped?.seconds ?? -1) s")
    }

    /// An API on a unix socket is for packd's group (0660), and commands reach the
    /// daemon through it (`packd orders import`).
    @Test(.timeLimit(.minutes(2)))
    func aUnixSocketAPIIsOpenToItsGroupAndCommandsGoThroughIt() throws {
        let socket = dir.path + "/api.sock"
        let packd = try RunningPackd(dir: dir.path, listen: "unix:\(socket)")
        var info = stat()
        #expect(stat(socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660, "mode \(String(info.st_mode & 0o777, radix: 8))")
        let health = try ExternalTool.run("/usr/bin/curl", ["-sS", "--max-time", "10", "--unix-socket", socket, "http://packd/healthz"])
        #expect(health.text.contains("ok"), "\(health.text)\(health.stderr)")
        let file = dir.file("u.json", #"[{"id": "U1", "status": "approved", "waybill": "WU1", "lines": [{"sku": "X", "qty": 1}]}]"#)
        let imported = try Packd.run(["orders", "import", file, "--config", packd.configPath])
        #expect(imported.stdout.contains("at unix:\(socket)"), "\(imported.stdout)\(imported.stderr)")
        let scanned = try ExternalTool.run(
            "/usr/bin/curl",
            ["-sS", "--max-time", "10", "--unix-socket", socket, "-H", "Authorization: Bearer \(packd.token)", "-H",
             "Content-Type: application/json", "-d", #"{"code": "WU1"}"#, "http://packd/v1/stations/pack-01/scans"])
        #expect(scanned.text.contains("parcel_opened"), "\(scanned.text)\(scanned.stderr)")
        #expect(packd.stop()?.status == 0)
    }

    /// contracts.md section 5: a client that connects while scans arrive is given
    /// the station's state, then every outcome after it, none twice, none missed.
    @Test(.timeLimit(.minutes(2)))
    func aClientConnectingWhileScansArriveSeesEveryOutcomeAfterItsStateExactlyOnce() throws {
        let packd = try RunningPackd(dir: dir.path, config: "[stations.pack-01]\ndebounce_ms = 0\n")
        let total = 400
        #expect(try packd.post(
            "/v1/orders", #"{"id": "SSE", "status": "approved", "waybill": "WBSSE", "lines": [{"sku": "BOLT", "qty": \#(total + 1)}]}"#
        ).status == 200)
        #expect(try packd.scan("WBSSE")["outcome"] as? String == "parcel_opened")
        let scanned = Shared(0)
        let done = DispatchSemaphore(value: 0)
        let (port, token) = (packd.port, packd.token)
        let scanner = Thread {
            defer { done.signal() }
            for _ in 0..<total {
                let r = try? HTTPClient.request(
                    port: port, method: "POST", path: "/v1/stations/pack-01/scans", token: token, body: Array(#"{"code": "BOLT"}"#.utf8))
                guard r?.status == 200, r?.text.contains("item_verified") == true else { break }
                scanned.withLock { $0 += 1 }
            }
        }
        scanner.start()
        func verified(_ json: [String: Any]) -> Int? {
            ((json["openParcel"] as? [String: Any])?["lines"] as? [[String: Any]])?.first?["verified"] as? Int
        }
        var clients = 0
        while scanned.withLock({ $0 }) < total - 20 {
            let stream = try packd.events()
            let first = try stream.next()
            #expect(first.event == "station")
            let state = try #require(verified(try JSONSerialization.jsonObject(with: Data(first.data.utf8)) as! [String: Any]))
            guard state + 10 < total else { break }
            // The next ten outcomes are exactly the ten scans after that state.
            var seen: [Int] = []
            while seen.count < 10 {
                let m = try stream.next()
                guard m.event == "outcome" else { continue }
                seen.append((try JSONSerialization.jsonObject(with: Data(m.data.utf8)) as! [String: Any])["verified"] as? Int ?? -1)
            }
            #expect(seen == Array(state + 1...state + 10), "client \(clients): state \(state), then \(seen)")
            clients += 1
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(scanned.withLock { $0 } == total)
        #expect(clients >= 3, "only \(clients) clients connected while the scans ran")
        #expect(packd.stop()?.status == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func badInputGetsAProblemNamingTheFieldAndChangesNothing() throws {
        let packd = try RunningPackd(dir: dir.path)
        func problem(_ r: HTTPClient.Response, _ status: Int, _ detail: String?, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(r.status == status, "\(r.text.prefix(300))", sourceLocation: sourceLocation)
            #expect(r.header("content-type") == "application/problem+json", sourceLocation: sourceLocation)
            let body = jsonObject(r)
            if let detail { #expect((body["detail"] as? String ?? "").contains(detail), "\(r.text)", sourceLocation: sourceLocation) }
            if let field { #expect(body["field"] as? String == field, "\(r.text)", sourceLocation: sourceLocation) }
        }
        problem(try packd.post("/v1/orders", "{\"id\": \"A\",\n \"status\": }"), 400, "line 2, column")
        problem(try packd.post("/v1/orders", "[1, 2]"), 422, "must be an order object")
        problem(try packd.post("/v1/orders", #"{"id": 7, "status": "approved", "lines": [], "waybill": "W"}"#), 422, nil, field: "order.id")
        // A number no double holds is named by its field, like every other field error.
        problem(
            try packd.post("/v1/orders", #"{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X", "qty": 1e400}]}"#),
            422, "number 1e400 is out of range", field: "order.lines[0].qty")
        problem(
            try packd.post(
                "/v1/orders",
                #"{"orders": [{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X", "qty": 1}]}, {"id": "B", "status": "approved", "waybill": "V", "lines": [{"sku": "X", "qty": 1}, {"sku": "Y", "qty": -1e999}]}]}"#),
            422, "out of range", field: "orders[1].lines[1].qty")
        problem(try packd.post("/v1/stations/pack-01/scans", #"{"code": "X", "n": 1e400}"#), 422, "out of range", field: "n")
        #expect(try packd.get("/v1/orders/A").status == 404)
        problem(
            try packd.post("/v1/orders", #"{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X", "qty": 99999999999999999999999}]}"#),
            422, nil, field: "order.lines[0].qty")
        problem(
            try packd.post("/v1/orders", #"{"id": "A", "status": "approved", "waybill": "W", "lines": [{"sku": "X", "qty": -3}]}"#),
            422, nil, field: "order.lines[0].qty")
        let huge = try HTTPClient.request(
            port: packd.port, method: "POST", path: "/v1/orders", token: packd.token,
            body: Array(repeating: UInt8(ascii: " "), count: 1 << 20), declaredLength: (64 << 20) + 1)
        problem(huge, 413, "larger than")
        let text = try HTTPClient.request(
            port: packd.port, method: "POST", path: "/v1/orders", token: packd.token, body: Array("{}".utf8), contentType: "text/plain")
        problem(text, 415, "application/json")
        // docs/api.md: JSON bodies only, so a body that does not say it is JSON is refused too.
        let undeclared = try HTTPClient.request(
            port: packd.port, method: "POST", path: "/v1/orders", token: packd.token,
            body: Array(#"{"id": "U", "status": "approved", "waybill": "WU", "lines": [{"sku": "X", "qty": 1}]}"#.utf8),
            contentType: nil)
        problem(undeclared, 415, "no Content-Type")
        #expect(try packd.get("/v1/orders/U").status == 404)
        problem(try packd.post("/v1/stations/pack-99/scans", #"{"code": "X"}"#), 404, "no station \"pack-99\"", field: "station")
        problem(try packd.post("/v1/stations/pack-01/scans", #"{"code": 12}"#), 422, "must be a string", field: "code")
        problem(try packd.post("/v1/stations/pack-01/scans", #"{"device": "d"}"#), 422, "required", field: "code")
        problem(
            try packd.post("/v1/stations/pack-01/scans", "{\"code\": \"\(String(repeating: "9", count: 5000))\"}"), 422,
            "at most 4096", field: "code")
        problem(try packd.post("/v1/print", #"{"printer": "nope", "order": "A"}"#), 404, "no printer", field: "printer")
        problem(try packd.get("/v1/orders/NOPE"), 404, "no order NOPE")
        problem(try packd.get("/v1/jobs/NOPE"), 404, "no print job")
        // 10,000 orders in one request go in whole; one bad order anywhere keeps them all out.
        func orders(_ n: Int, prefix: String, badAt: Int? = nil) -> String {
            TestOrder.batch((0..<n).map { i in
                TestOrder("\(prefix)-\(i)", approvedAt: nil, waybill: "W\(prefix)\(i)", lines: [.init("S\(i % 50)", qty: i == badAt ? 0 : 1)])
            })
        }
        problem(try packd.post("/v1/orders", orders(10_000, prefix: "BAD", badAt: 9_999)), 422, nil, field: "orders[9999].lines[0].qty")
        #expect(try packd.get("/v1/orders/BAD-0").status == 404)
        problem(try packd.post("/v1/orders", orders(10_001, prefix: "MANY")), 413, "at most 10000")
        #expect(try packd.get("/v1/orders/MANY-0").status == 404)
        let bulk = try packd.post("/v1/orders", orders(10_000, prefix: "OK"))
        #expect(bulk.status == 200, "\(bulk.text.prefix(500))")
        #expect(jsonObject(bulk)["added"] as? Int == 10_000)
        #expect(try packd.get("/v1/orders/OK-9999").status == 200)
        #expect(try HTTPClient.request(port: packd.port, method: "GET", path: "/healthz").status == 200)
        let stopped = packd.stop()
        #expect(stopped?.status == 0, "\(packd.log.suffix(3000))")
    }

    @Test(.timeLimit(.minutes(2)))
    func aStationResumesItsOpenParcelAfterSIGKILL() throws {
        let packd = try RunningPackd(dir: dir.path)
        #expect(try packd.post("/v1/orders", Self.order).status == 200)
        #expect(try packd.scan("YT0001")["outcome"] as? String == "parcel_opened")
        #expect(try packd.scan("6901234567892")["outcome"] as? String == "item_verified")
        // A parcel opened is answered before it is on disk (StationHub: only a
        // decision with consequences waits for the disk), so a crash a moment later
        // may lose it and the packer scans the waybill again. What this test shows
        // is the other half: once on disk, the open parcel outlives a SIGKILL.
        // Read from the journal itself, as the next start will.
        let journal = "\(dir.path)/state/journal.sqlite"
        let query = "import sqlite3,sys; print(sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True).execute(\"SELECT state FROM stations WHERE id = 'pack-01'\").fetchone())"
        try waitUntil("the open parcel is in the journal", seconds: 20) {
            (try? ExternalTool.run("python3", ["-c", query, journal]))?.text.contains("SO-1-1") == true
        }
        packd.stop(SIGKILL)
        try packd.start()
        let station = jsonObject(try packd.get("/v1/stations/pack-01"))
        let open = station["openParcel"] as? [String: Any]
        #expect(open?["parcel"] as? String == "SO-1-1")
        // The count of a non-consequential step may be lost to a crash; the parcel is not.
        let outcome = try packd.scan("6901234567892")["outcome"] as? String
        #expect(outcome == "item_verified" || outcome == "parcel_completed")
        #expect(packd.stop()?.status == 0)
    }
}
