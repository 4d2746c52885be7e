import Foundation

/// Prints the label figures of docs/benchmarks.md: packd's renderers, and the
/// CUPS Zebra driver path a user would otherwise take, measured in the same run.
enum LabelBenchReport {
    static func print() throws {
        let count = 1000
        let results = try LabelBench.run(labels: count)
        Swift.print("### Labels: waybill-100x150, Chinese address, 203 dpi (\(count) different parcels per format)")
        Swift.print("")
        Swift.print("| format | labels/s | p50 per label | p99 per label | bytes per label |")
        Swift.print("|---|---|---|---|---|")
        for r in results {
            Swift.print(
                "| \(r.format.rawValue) | \(rate(r.samples.count, r.samples.total)) | \(millis(r.samples.percentile(50))) "
                    + "| \(millis(r.samples.percentile(99))) | \(r.bytes) |")
        }
        Swift.print("")
        let socket = try LabelBench.toSocketPrinter(labels: 300)
        if let cups = ProcessInfo.processInfo.environment["PACKD_BENCH_NO_CUPS"] != nil ? nil : try CupsZebraBench.run(jobs: 30) {
            Swift.print("Baseline, same run: the same label as PDF (packd's PDF), `lp` to a CUPS queue with CUPS's own")
            Swift.print("Zebra ZPL driver (zebra.ppd from sample.drv, ppdc) and a socket printer; timed from `lp` to the")
            Swift.print("last byte at the printer (\(cups.count) jobs, one at a time).")
            Swift.print("")
            Swift.print("| path | labels/s | p50 per label | p99 per label | bytes at the printer |")
            Swift.print("|---|---|---|---|---|")
            Swift.print(
                "| packd ZPL, rendered and written to the same kind of socket printer | \(rate(socket.count, socket.total)) | "
                    + "\(millis(socket.percentile(50))) | \(millis(socket.percentile(99))) | (ZPL above) |")
            Swift.print(
                "| CUPS zebra.ppd (PDF -> raster -> ZPL) | \(rate(cups.samples.count, cups.samples.total)) | "
                    + "\(millis(cups.samples.percentile(50))) | \(millis(cups.samples.percentile(99))) | \(cups.bytes) |")
            let ratio = Double(cups.samples.percentile(50)) / Double(socket.percentile(50))
            let ratio99 = Double(cups.samples.percentile(99)) / Double(socket.percentile(99))
            Swift.print("")
            Swift.print(
                String(format: "To the last byte, packd's ZPL is %.0fx faster at p50 and %.0fx at p99 than the CUPS driver path.", ratio, ratio99))
        } else {
            Swift.print("(CUPS baseline skipped: needs root, cupsd, ppdc and /usr/share/cups/drv/sample.drv.)")
        }
        Swift.print("")
    }
}
