import Foundation
import Glibc
import Hummingbird
import PackCore
import PackDaemon
import PackPrint
import PackStore
import PackTestSupport

/// The whole daemon (`packd run`, release build) measured from outside, as a
/// station uses it: a pty scanner to a socket printer through a private cupsd,
/// and scans through the HTTP API.
enum DaemonBench {
    struct PrintResult {
        /// The item scanned as soon as the waybill's outcome arrives.
        var daemon: Samples
        /// The item scanned `packerPauseMicroseconds` after the waybill's outcome.
        var paced: Samples
        var lp: Samples
        var libcups: Samples
        var labelBytes: Int
    }

    struct APIResult {
        var packd: Samples
        var packdPerSecond: Double
        var bare: Samples
        var barePerSecond: Double
    }

    /// A quick packer's pace: the item scanned 0.3 s after the waybill (by hand,
    /// it takes longer: picking the item up and finding its barcode). The
    /// baselines start after the same pause, from an equally idle machine.
    static let packerPauseMicroseconds: UInt32 = 300_000

    static func orders(_ n: Int) -> [Order] {
        (0..<n).map { i in
            Order(
                id: "B-\(i)", status: .approved, approvedAt: Timestamp(millisecondsSinceEpoch: 1_795_334_400_000),
                recipient: Address(name: "王小明", phone: "+86 138 0000 0000", address1: "浙江省温岭市太平街道 88 号", city: "温岭", country: "CN"),
                lines: [OrderLine(sku: "SKU-\(i)", qty: 1)],
                parcels: [Parcel(id: "B-\(i)-1", waybill: "WB\(100_000 + i)", lines: [ParcelLine(sku: "SKU-\(i)", qty: 1)])])
        }
    }

    /// Immutable once started: shared by the fleet benchmark's station threads.
    final class Running: @unchecked Sendable {
        let dir: String
        let port: Int
        let daemon: Daemon
        let token: String

        init(config: String, orders: [Order]) async throws {
            dir = NSTemporaryDirectory() + "packd-bench-daemon-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: "\(dir)/state", withIntermediateDirectories: true)
            if !orders.isEmpty { _ = try await SQLiteJournal(directory: "\(dir)/state").importOrders(orders, at: WallClock.now()) }
            port = try HTTPClient.freePort()
            try "state_dir = \"\(dir)/state\"\n\(config)\n[api]\nlisten = \"127.0.0.1:\(port)\"\n"
                .write(toFile: "\(dir)/packd.toml", atomically: true, encoding: .utf8)
            let notify = try NotifyListener(path: "\(dir)/notify.sock")
            var env = ProcessInfo.processInfo.environment
            env["NOTIFY_SOCKET"] = notify.path
            daemon = try Daemon(StartupBench.packdBinary, ["run", "--config", "\(dir)/packd.toml"], environment: env, output: "\(dir)/log")
            guard notify.wait(for: "READY=1", timeout: 60) else { throw PrinterError("packd did not start") }
            token = try String(contentsOfFile: "\(dir)/state/api.token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func stop() {
            daemon.stop(SIGTERM)
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    /// The completing scan's terminator written on the pty → the label's last byte at the printer.
    static func scanToLastByte(labels count: Int) async throws -> PrintResult? {
        guard PrivateCups.available else { return nil }
        let cups = try PrivateCups()
        let printer = try SocketPrinter()
        try cups.addRawQueue("zebra1", port: printer.port)
        let pty = try PseudoTerminal()
        let warmUp = 5
        let running = try await Running(config: cups.packdConfig(scanner: pty.slavePath), orders: orders(2 * (count + warmUp)))
        defer { running.stop() }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let devices = try HTTPClient.request(port: running.port, method: "GET", path: "/v1/devices", token: running.token).text
            if devices.contains("\"state\":\"reading\"") { break }
            usleep(10_000)
        }
        let events = try SSEClient(port: running.port, path: "/v1/stations/pack-01/events", token: running.token)
        let connection = try cups.connection()
        let file = "\(cups.directory)/label.zpl"
        var label: [UInt8] = []
        /// The first parcel's label: what the baselines send.
        var reference: [UInt8] = []

        /// Parcel `i`: its waybill, then (after `pause` µs) the item that
        /// completes it; answers the time from that scan to the label's last byte.
        func parcel(_ i: Int, pause: UInt32) throws -> UInt64 {
            pty.send("WB\(100_000 + i)\r\n")
            _ = try events.collect { $0.event == "outcome" && $0.data.contains("WB\(100_000 + i)") }
            if pause > 0 { usleep(pause) }
            let start = now()
            pty.send("SKU-\(i)\r\n")
            let job = try printer.nextJob()
            label = job.bytes
            // The next step starts on an idle printer.
            _ = try events.collect { $0.event == "label" && $0.data.contains("\"state\":\"printed\"") }
            return job.end - start
        }

        // The four paths take turns, so that each sees the same cupsd and the
        // same machine (cupsd alone moves by several ms from one minute to the
        // next); each of the first three starts after the same pause.
        var paced = Samples(capacity: count)
        var daemon = Samples(capacity: count)
        var libcups = Samples(capacity: count)
        var lp = Samples(capacity: count)
        for round in 0..<(count + warmUp) {
            let measured = round >= warmUp
            let pacedTime = try parcel(2 * round, pause: packerPauseMicroseconds)
            if round == 0 {
                reference = label
                try Data(reference).write(to: URL(fileURLWithPath: file))
            }

            usleep(packerPauseMicroseconds)
            var start = now()
            _ = try connection.submit(printer: "zebra1", jobName: "direct-\(round)", format: .raw, document: reference)
            let direct = try printer.nextJob()
            let libcupsTime = direct.end - start
            guard direct.bytes == reference else { throw PrinterError("libcups: the label did not arrive whole") }
            try PrintBench.waitIdle(connection)

            usleep(packerPauseMicroseconds)
            start = now()
            try PrivateCups.run("/usr/bin/lp", ["-d", "zebra1", "-o", "raw", file], environment: cups.environment)
            let lpTime = try printer.nextJob().end - start
            try PrintBench.waitIdle(connection)

            let backToBack = try parcel(2 * round + 1, pause: 0)
            if measured {
                paced.add(pacedTime)
                libcups.add(libcupsTime)
                lp.add(lpTime)
                daemon.add(backToBack)
            }
        }
        return PrintResult(daemon: daemon, paced: paced, lp: lp, libcups: libcups, labelBytes: reference.count)
    }

    /// `POST /v1/stations/pack-01/scans`, one request per connection, one after
    /// another: each parcel opened, then completed (a durable shipment); beside a
    /// bare Hummingbird route that parses the same body and answers JSON.
    static func apiScans(parcels count: Int) async throws -> APIResult {
        let running = try await Running(config: "", orders: orders(count))
        defer { running.stop() }
        var packd = Samples(capacity: count * 2)
        let started = Date()
        for i in 0..<count {
            for code in ["WB\(100_000 + i)", "SKU-\(i)"] {
                let start = now()
                let r = try HTTPClient.request(
                    port: running.port, method: "POST", path: "/v1/stations/pack-01/scans", token: running.token,
                    body: Array("{\"code\": \"\(code)\"}".utf8))
                packd.add(now() - start)
                guard r.status == 200 else { throw PrinterError("scan \(code): \(r.status) \(r.text)") }
            }
        }
        let packdRate = Double(count * 2) / Date().timeIntervalSince(started)

        let port = try HTTPClient.freePort()
        let router = Router()
        router.post("/scan") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 65_536)
            let value = try JSONParser.parse(Array(body.readableBytesView))
            let answer: JSONValue = ["code": value["code"] ?? .null, "outcome": "unknown_code"]
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer.serialized())))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        let server = Task { try await app.run() }
        defer { server.cancel() }
        var ready = false
        for _ in 0..<500 where !ready {
            ready = (try? HTTPClient.request(port: port, method: "POST", path: "/scan", body: Array("{\"code\":\"x\"}".utf8))) != nil
            if !ready { try await Task.sleep(for: .milliseconds(10)) }
        }
        var bare = Samples(capacity: count * 2)
        let bareStarted = Date()
        for i in 0..<(count * 2) {
            let start = now()
            _ = try HTTPClient.request(port: port, method: "POST", path: "/scan", body: Array("{\"code\": \"SKU-\(i)\"}".utf8))
            bare.add(now() - start)
        }
        let bareRate = Double(count * 2) / Date().timeIntervalSince(bareStarted)
        return APIResult(packd: packd, packdPerSecond: packdRate, bare: bare, barePerSecond: bareRate)
    }
}
