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
        var printingOnly: Samples
        var labels: Int
        var documents: Int
        var pdfBytes: Int
        var labelBytes: Int
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
        let running = try await DaemonBench.Running(config: config, orders: DaemonBench.orders(3 * parcels + 10))
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
        let started = now()
        let (loaded, labels, total, printedBytes) = try loadedPhase(printers, running: running, measuring: { try phase(parcels..<2 * parcels) }) { n, asked in
            #"{"printer": "label-0\#(n + 1)", "order": "PDF-\#((asked + n) % pdfOrders)"}"#
        }
        let elapsed = Double(now() - started) / 1e9
        // The same printing without the renders: the bytes a PDF label became,
        // sent as a document (printed as it is), so that what the rest of the
        // printing costs the scans (the API, cupsd and its backend, the
        // benchmark's printers) is seen apart from the rasterising.
        let document = Data(printedBytes).base64EncodedString()
        let (printingOnly, documents, _, _) = try loadedPhase(printers, running: running, measuring: { try phase(2 * parcels + 10..<3 * parcels + 10) }) { n, _ in
            #"{"printer": "label-0\#(n + 1)", "document": {"format": "zpl", "base64": "\#(document)"}}"#
        }
        return Result(
            quiet: quiet, loaded: loaded, printingOnly: printingOnly, labels: labels, documents: documents,
            pdfBytes: pdf.count, labelBytes: printedBytes.count, secondsPerLabel: total > 0 ? elapsed / Double(total) : 0)
    }

    /// Runs `measuring` while each printer is kept busy with `body`'s print
    /// requests, one asked for as soon as the printer has the one before.
    /// Returns its samples, the labels printed during it and in all, and the
    /// bytes of the first label printed.
    static func loadedPhase(
        _ printers: [SocketPrinter], running: DaemonBench.Running, measuring: () throws -> Samples,
        body: @escaping @Sendable (Int, Int) -> String
    ) throws -> (Samples, Int, Int, [UInt8]) {
        let stop = Shared(false)
        let printed = Shared(0)
        let port = running.port
        let token = running.token
        let already = printers.map { $0.jobs.count }
        let done = DispatchGroup()
        for (n, printer) in printers.enumerated() {
            done.enter()
            Thread {
                var asked = already[n]
                while !stop.withLock({ $0 }) {
                    _ = try? HTTPClient.request(
                        port: port, method: "POST", path: "/v1/print", token: token, body: Array(body(n, asked).utf8))
                    asked += 1
                    _ = try? printer.waitForJobs(asked, timeout: 120)
                    printed.withLock { $0 += 1 }
                }
                done.leave()
            }.start()
        }
        // The first label under way before the measured scans begin.
        let deadline = Date().addingTimeInterval(60)
        while printed.withLock({ $0 }) < 2, Date() < deadline { usleep(10_000) }
        let start = printed.withLock { $0 }
        let samples = try measuring()
        let during = printed.withLock { $0 } - start
        stop.withLock { $0 = true }
        // Both printers' last requests done before the next phase begins.
        _ = done.wait(timeout: .now() + 120)
        let first = printers[0].jobs.dropFirst(already[0]).first ?? []
        return (samples, during, printed.withLock { $0 }, first)
    }
}
