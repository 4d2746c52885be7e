import Foundation
import Hummingbird
import Logging
import PackCore
import PackCoreLink
import PackDaemon
import PackStore
import PackTestSupport
import Synchronization

/// Delivery to the core: a backlog drained (events per second), and a shipment's
/// way from the completing scan to the core's receipt, against an in-process
/// core (Hummingbird) that parses each batch and records each event by id.
enum CoreLinkBench {
    /// The benchmark's core: parses each batch with packd's JSON parser (as a core
    /// must) and keeps when each parcel's event first arrived.
    final class Record: Sendable {
        let received = Mutex<[String: UInt64]>([:])
        let requests = Atomic<Int>(0)
    }

    final class BenchCore: Sendable {
        let port: Int
        let record = Record()
        private let server: Task<Void, any Error>

        init() async throws {
            port = try HTTPClient.freePort()
            let record = self.record
            let router = Router()
            router.post("/v1/outbound-events") { request, _ -> Response in
                var request = request
                let body = try await request.collectBody(upTo: 64 << 20)
                let value = try JSONParser.parse(Array(body.readableBytesView))
                let at = now()
                record.requests.add(1, ordering: .relaxed)
                if case .array(let events)? = value["events"] {
                    record.received.withLock { seen in
                        for event in events {
                            if case .string(let key)? = event["parcelId"] ?? event["id"], seen[key] == nil { seen[key] = at }
                        }
                    }
                }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
            }
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
            server = Task { try await app.run() }
            for _ in 0..<500 {
                if (try? HTTPClient.request(port: port, method: "POST", path: "/v1/outbound-events", body: Array("{\"events\":[]}".utf8))) != nil { return }
                try await Task.sleep(for: .milliseconds(10))
            }
            throw PrinterError("the bench core did not start")
        }

        var url: String { "http://127.0.0.1:\(port)" }
        var count: Int { record.received.withLock { $0.count } }
        func stop() { server.cancel() }
    }

    struct NoObserver: CoreLinkObserver {
        func delivered(_ events: [DeliveryBatch.Event], status: Int) async {}
        func retrying(_ events: [DeliveryBatch.Event], reason: String, delayMs: Int) async {}
        func deadLettered(_ event: DeliveryBatch.Event, status: Int, body: String) async {}
        func coreUnreachable(_ reason: String?) async {}
    }

    struct DrainResult {
        var events: Int
        var seconds: Double
        var requests: Int
        var perSecond: Double { Double(events) / seconds }
    }

    /// `count` parcel.shipped events waiting in a remote-mode journal, then drained
    /// by the delivery loop with `batchSize` and `perSecond` requests at most (0: no limit).
    static func drain(events count: Int, batchSize: Int, perSecond: Double) async throws -> DrainResult {
        let dir = NSTemporaryDirectory() + "packd-bench-core-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let journal = try SQLiteJournal(directory: dir, mode: .remote)
        var ids = ULIDGenerator(rng: SystemRandomNumberGenerator())
        let at = WallClock.now()
        for start in stride(from: 0, to: count, by: 1000) {
            let events = (start..<min(count, start + 1000)).map { i in
                EventDraft(
                    type: .parcelShipped, occurredAt: at, station: "pack-01", operatorId: "op-7", orderId: "SO-\(i)",
                    parcelId: "SO-\(i)-1", waybill: "YT\(2_412_345_678_901 + i)",
                    items: [ParcelLine(sku: "RAZOR-01", qty: 2), ParcelLine(sku: "BLADE-10", qty: 1)], weightG: 318
                ).identified(by: ids.next(at: at))
            }
            try await journal.record(ScanCommit(station: nil, changes: [], events: events))
        }
        let core = try await BenchCore()
        defer { core.stop() }
        var settings = CoreLinkSettings(url: core.url)
        settings.batchSize = batchSize
        settings.maxRequestsPerSecond = perSecond
        let client = try CoreClient(settings: settings)
        let delivery = OutboxDelivery(store: journal, client: client, settings: settings, observer: NoObserver(), now: { WallClock.now() })
        let started = Date()
        let loop = Task { await delivery.run() }
        while try await journal.outboxBacklog().pending > 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        let seconds = Date().timeIntervalSince(started)
        loop.cancel()
        await loop.value
        await client.shutdown()
        return DrainResult(events: count, seconds: seconds, requests: core.record.requests.load(ordering: .relaxed))
    }

    /// The whole daemon: the completing scan sent (HTTP API) → the core has the
    /// parcel's parcel.shipped. One parcel at a time, `count` parcels, a completing
    /// scan every `spacingMs` at most (a busy warehouse: 10 a second).
    static func scanToReceipt(parcels count: Int, batchSize: Int, spacingMs: Int = 100) async throws -> Samples {
        let core = try await BenchCore()
        defer { core.stop() }
        let warmUp = 10
        let config = "[core]\nmode = \"remote\"\nurl = \"\(core.url)\"\nbatch_size = \(batchSize)\n"
        let running = try await DaemonBench.Running(config: config, orders: DaemonBench.orders(count + warmUp))
        defer { running.stop() }
        var samples = Samples(capacity: count)
        for i in 0..<(count + warmUp) {
            _ = try HTTPClient.request(
                port: running.port, method: "POST", path: "/v1/stations/pack-01/scans", token: running.token,
                body: Array("{\"code\": \"WB\(100_000 + i)\"}".utf8))
            let start = now()
            let r = try HTTPClient.request(
                port: running.port, method: "POST", path: "/v1/stations/pack-01/scans", token: running.token,
                body: Array("{\"code\": \"SKU-\(i)\"}".utf8))
            guard r.text.contains("parcel_completed") else { throw PrinterError("not completed: \(r.text)") }
            let parcel = "B-\(i)-1"
            let deadline = Date().addingTimeInterval(10)
            var receipt: UInt64?
            while receipt == nil, Date() < deadline {
                receipt = core.record.received.withLock { $0[parcel] }
                if receipt == nil { usleep(100) }
            }
            guard let receipt else { throw PrinterError("the core never had \(parcel)") }
            if i >= warmUp { samples.add(receipt > start ? receipt - start : 0) }
            let next = start + UInt64(spacingMs) * 1_000_000
            if now() < next { usleep(UInt32((next - now()) / 1000)) }
        }
        return samples
    }

    static func report() async throws {
        print("### Delivery to the core (issue #11): a backlog of parcel.shipped events drained to a local core")
        print("")
        print("| delivery | events | requests | seconds | events/s |")
        print("|---|---|---|---|---|")
        let rows: [(String, Int, Int, Double)] = [
            ("batches of 500, no pacing", 100_000, 500, 0),
            ("batches of 500, paced at the default 20 requests/s", 100_000, 500, 20),
            ("baseline: one POST per event, no batching", 5_000, 1, 0),
        ]
        for (name, events, batch, pace) in rows {
            let r = try await drain(events: events, batchSize: batch, perSecond: pace)
            print("| \(name) | \(r.events) | \(r.requests) | \(String(format: "%.2f", r.seconds)) | \(String(format: "%.0f", r.perSecond)) |")
        }
        print("")
        print("### The completing scan sent → the core has its parcel.shipped (packd run, HTTP API scans, 300 parcels one at a time, one every 100 ms)")
        print("")
        print("| delivery | p50 | p99 | max |")
        print("|---|---|---|---|")
        for (name, batch) in [("batches (default: up to 500, no linger)", 500), ("baseline: one POST per event", 1)] {
            let s = try await scanToReceipt(parcels: 300, batchSize: batch)
            print("| \(name) | \(millis(s.percentile(50))) | \(millis(s.percentile(99))) | \(millis(s.percentile(100))) |")
        }
        print("")
    }
}
