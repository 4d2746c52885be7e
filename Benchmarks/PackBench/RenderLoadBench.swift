import Foundation
import PackCore
import PackTestSupport

/// Scans through the API while carriers' PDF labels render (issue 23): rendering
/// and the label's reads run on packd's render threads (nice 10), so a station's
/// scans should not wait behind a PDF being rasterised on the two cooperative
/// threads. The same scans without the renders, in the same run, are the baseline.
enum RenderLoadBench {
    struct Result {
        var quiet: Samples
        var loaded: Samples
        var labels: Int
        var pdfBytes: Int
        var secondsPerLabel: Double
    }

    /// `parcels` parcels scanned (open + complete) in each phase; the PDFs are the
    /// 8 MiB an order's carrier document may be (InputLimits.carrierDocumentBytes).
    static func run(parcels: Int, pdfOrders: Int = 4) async throws -> Result? {
        guard PrivateCups.available else { return nil }
        let cups = try PrivateCups()
        // Two printers, each with a PDF rendering all the time: as many renders as
        // a station PC has cores (two), which is what could hold every thread the
        // scans run on.
        let printers = [try SocketPrinter(), try SocketPrinter()]
        try cups.addRawQueue("zebra1", port: printers[0].port)
        try cups.addRawQueue("zebra2", port: printers[1].port)
        // The scanned parcels print nothing: only the PDFs keep the renderer busy.
        let config = cups.packdConfig(scanner: nil) + "\n[printers.label-02]\nqueue = \"zebra2\"\nlanguage = \"zpl\"\n"
            + "\n[stations.pack-01]\nlabel_policy = \"never\"\n"
        let running = try await DaemonBench.Running(config: config, orders: DaemonBench.orders(2 * parcels + 10))
        defer { running.stop() }
        let pdf = LargePDF.make(bytes: InputLimits.carrierDocumentBytes - 4096)
        let base64 = Data(pdf).base64EncodedString()
        for j in 0..<pdfOrders {
            let order = #"{"id": "PDF-\#(j)", "status": "approved", "waybill": "WBPDF\#(j)", "lines": [{"sku": "X", "qty": 1}], "parcels": [{"id": "PDF-\#(j)-1", "waybill": "WBPDF\#(j)", "lines": [{"sku": "X", "qty": 1}], "label": {"document": {"format": "pdf", "base64": "\#(base64)"}}}]}"#
            let r = try HTTPClient.request(
                port: running.port, method: "POST", path: "/v1/orders", token: running.token, body: Array(order.utf8), timeout: 120)
            guard r.status == 200 else { throw PrinterError("PDF order: \(r.status) \(r.text.prefix(300))") }
        }
        func scan(_ code: String) throws -> UInt64 {
            let start = now()
            let r = try HTTPClient.request(
                port: running.port, method: "POST", path: "/v1/stations/pack-01/scans", token: running.token,
                body: Array("{\"code\": \"\(code)\"}".utf8))
            guard r.status == 200 else { throw PrinterError("scan \(code): \(r.status) \(r.text)") }
            return now() - start
        }
        func phase(_ range: Range<Int>) throws -> Samples {
            var samples = Samples(capacity: range.count * 2)
            for i in range {
                samples.add(try scan("WB\(100_000 + i)"))
                samples.add(try scan("SKU-\(i)"))
            }
            return samples
        }
        // Warm up (connections, caches), then the quiet phase.
        _ = try phase(2 * parcels..<2 * parcels + 10)
        let quiet = try phase(0..<parcels)
        // Renders go on for the whole loaded phase: a new label is asked for as
        // soon as the one before reached the printer.
        let stop = Shared(false)
        let printed = Shared(0)
        let port = running.port
        let token = running.token
        let started = now()
        for (n, printer) in printers.enumerated() {
            Thread {
                var asked = 0
                while !stop.withLock({ $0 }) {
                    _ = try? HTTPClient.request(
                        port: port, method: "POST", path: "/v1/print", token: token,
                        body: Array(#"{"printer": "label-0\#(n + 1)", "order": "PDF-\#((asked + n) % pdfOrders)"}"#.utf8))
                    asked += 1
                    _ = try? printer.waitForJobs(asked, timeout: 120)
                    printed.withLock { $0 += 1 }
                }
            }.start()
        }
        // The first render under way before the measured scans begin.
        let deadline = Date().addingTimeInterval(60)
        while printed.withLock({ $0 }) < 2, Date() < deadline { usleep(10_000) }
        let loadedStart = printed.withLock { $0 }
        let loaded = try phase(parcels..<2 * parcels)
        let labels = printed.withLock { $0 } - loadedStart
        stop.withLock { $0 = true }
        let elapsed = Double(now() - started) / 1e9
        let total = printed.withLock { $0 }
        return Result(
            quiet: quiet, loaded: loaded, labels: labels, pdfBytes: pdf.count,
            secondsPerLabel: total > 0 ? elapsed / Double(total) : 0)
    }
}
