import Foundation
import PackCore
import PackStore

// packd-bench: the figures of docs/benchmarks.md, each beside its baseline,
// measured in the same run. Run in release mode:
//   swift run -c release packd-bench [orders] [scans]

let onlyCommits = CommandLine.arguments.contains("commits")
let onlySerial = CommandLine.arguments.contains("serial")
let onlyLabels = CommandLine.arguments.contains("labels")
let onlyPrint = CommandLine.arguments.contains("print")
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let orderCount = arguments.first ?? 1_000_000
let scanCount = arguments.dropFirst().first ?? 200_000

print("# packd-bench")
print("")
print("Machine: \(machineDescription())")
print("")

if CommandLine.arguments.contains("bookbuild") {
    let n = arguments.first ?? 200_000
    let orders = SyntheticOrders.make(count: n, prefix: "BENCH", skusPerOrder: 2, catalogueSize: 5_000)
    let records = orders.map(BookRecord.encode)
    var t = Date()
    let decoded = records.map { BookRecord.decode($0)! }
    print("decode (BookRecord): \(String(format: "%.3f", Date().timeIntervalSince(t))) s for \(n)")
    t = Date()
    var book = OrderBook()
    book.reserveCapacity(n)
    for order in decoded { book.upsert(order) }
    print("upsert: \(String(format: "%.3f", Date().timeIntervalSince(t))) s, \(book.orderCount) orders")
    exit(0)
}

if CommandLine.arguments.contains("fleet") {
    // packd-bench fleet [seconds]: needs the release packd (swift build -c release --product packd).
    try await FleetBench.report(seconds: Double(arguments.first ?? 30))
    exit(0)
}

if CommandLine.arguments.contains("render") {
    // packd-bench render [parcels]: needs the release packd, root and cupsd.
    let parcels = arguments.first ?? 500
    guard let r = try await RenderLoadBench.run(parcels: parcels) else {
        print("(render benchmark skipped: needs root and cupsd)")
        exit(0)
    }
    print("### Scans through the API while carriers' PDF labels render (\(r.pdfBytes) bytes each, one page of noise; \(parcels) parcels, open + complete, in each phase)")
    print("")
    print("| phase | scans | p50 | p99 | max |")
    print("|---|---|---|---|---|")
    print("| baseline: no label rendering | \(r.quiet.count) | \(millis(r.quiet.percentile(50))) | \(millis(r.quiet.percentile(99))) | \(millis(r.quiet.percentile(100))) |")
    print("| a PDF label rendering all the time (\(r.labels) labels, \(String(format: "%.2f", r.secondsPerLabel)) s each) | \(r.loaded.count) | \(millis(r.loaded.percentile(50))) | \(millis(r.loaded.percentile(99))) | \(millis(r.loaded.percentile(100))) |")
    print("| the same printing without rendering (each printer sent the \(r.labelBytes) bytes a PDF label became, as a ZPL document: \(r.documents) during the phase) | \(r.printingOnly.count) | \(millis(r.printingOnly.percentile(50))) | \(millis(r.printingOnly.percentile(99))) | \(millis(r.printingOnly.percentile(100))) |")
    print("")
    print("p99 loaded / baseline: \(String(format: "%.2f", Double(r.loaded.percentile(99)) / Double(max(1, r.quiet.percentile(99)))))")
    print("p99 printing without rendering / baseline: \(String(format: "%.2f", Double(r.printingOnly.percentile(99)) / Double(max(1, r.quiet.percentile(99)))))")
    exit(0)
}

if CommandLine.arguments.contains("corelink") {
    try await CoreLinkBench.report()
    exit(0)
}

if CommandLine.arguments.contains("daemon") {
    if let r = try await DaemonBench.scanToLastByte(labels: 100) {
        print("### The whole daemon: completing scan on a pty scanner → the label's last byte at a socket printer (ZPL from the 100x150 template, \(r.labelBytes) bytes; 100 rounds, the four paths taking turns)")
        print("")
        print("| path | p50 | p99 | max |")
        print("|---|---|---|---|")
        for (name, s) in [
            ("packd run, the item scanned 0.3 s after the waybill (a quick packer): scan decided, shipment + label journaled (fsync), label rendered ahead, sent through CUPS", r.paced),
            ("packd run, the item scanned as soon as the waybill's outcome arrives (back to back: the label rendered ahead may still be rendering)", r.daemon),
            ("libcups alone, the same bytes (no scan, no journal, no rendering), 0.3 s after the last step", r.libcups),
            ("`lp -d zebra1 -o raw FILE`, the same bytes, 0.3 s after the last step", r.lp),
        ] {
            print("| \(name) | \(millis(s.percentile(50))) | \(millis(s.percentile(99))) | \(millis(s.percentile(100))) |")
        }
        print("")
    } else {
        print("(scan-to-label benchmark skipped: needs root and cupsd)")
    }
    let api = try await DaemonBench.apiScans(parcels: 1000)
    print("### Scans through the HTTP API (one request per connection, one client, 2,000 scans: open + complete)")
    print("")
    print("| server | scans/s | p50 | p99 |")
    print("|---|---|---|---|")
    print("| packd: POST /v1/stations/pack-01/scans (token, decision, journal; completions wait for fsync) | \(String(format: "%.0f", api.packdPerSecond)) | \(millis(api.packd.percentile(50))) | \(millis(api.packd.percentile(99))) |")
    print("| bare Hummingbird route parsing the same body | \(String(format: "%.0f", api.barePerSecond)) | \(millis(api.bare.percentile(50))) | \(millis(api.bare.percentile(99))) |")
    exit(0)
}

if let i = CommandLine.arguments.firstIndex(of: "loadbook"), i + 1 < CommandLine.arguments.count {
    // loadbook DIR [N]: times loading the book of the journal in DIR (made with N orders when absent).
    let directory = CommandLine.arguments[i + 1]
    if !FileManager.default.fileExists(atPath: "\(directory)/journal.sqlite") {
        try await StartupBench.prepare(orders: arguments.first ?? 1_000_000, directory: directory)
    }
    for _ in 0..<3 {
        let t = Date()
        let book = try await SQLiteJournal(directory: directory).loadBook(finishedBefore: Timestamp(millisecondsSinceEpoch: 0))
        print("loadBook: \(String(format: "%.3f", Date().timeIntervalSince(t))) s, \(book.orderCount) orders")
    }
    exit(0)
}

if CommandLine.arguments.contains("startup") {
    let large = arguments.first ?? 1_000_000
    print("### Daemon start to READY=1, and idle memory")
    print("")
    print("packd: \(StartupBench.packdBinary)")
    print("")
    print("| journal | start to READY (median of 5) | runs | idle RSS |")
    print("|---|---|---|---|")
    let rows: [(String, Int, [String: String])] = [
        ("0 orders", 0, [:]),
        ("0 orders, baseline: pango/cairo, poppler and libcups preloaded (as when linked)", 0, StartupBench.preloadingLazyLibraries),
        ("\(large) orders", large, [:]),
    ]
    for (name, orders, environment) in rows {
        let r = try await StartupBench.run(orders: orders, runs: 5, environment: environment)
        let sorted = r.toReady.sorted()
        let rss = String(format: "%.1f MiB (%.1f MB)", Double(r.idleRSSKiB) / 1024, Double(r.idleRSSKiB) * 1024 / 1_000_000)
        print("| \(name) | \(String(format: "%.3f s", sorted[sorted.count / 2])) | \(sorted.map { String(format: "%.3f", $0) }.joined(separator: ", ")) | \(rss) |")
    }
    exit(0)
}

if onlyPrint {
    guard let r = try await PrintBench.run(labels: 200) else {
        print("(print benchmark skipped: needs root and cupsd)")
        exit(0)
    }
    print("### Printing: request to last byte at a socket printer (raw ZPL, 9.8 KB, one label at a time, 200 labels)")
    print("")
    print("| path | p50 | p99 | max |")
    print("|---|---|---|---|")
    for (name, s) in [
        ("packd: journal queue (fsync) + worker + libcups", r.packd), ("libcups alone (no journal)", r.libcups),
        ("`lp -d zebra1 -o raw FILE`", r.lp),
    ] {
        print("| \(name) | \(millis(s.percentile(50))) | \(millis(s.percentile(99))) | \(millis(s.percentile(100))) |")
    }
    print("")
    print(
        "packd's own added time (durable enqueue + reading the queue head, measured alone): p50 \(millis(r.own.percentile(50))), "
            + "p99 \(millis(r.own.percentile(99))), max \(millis(r.own.percentile(100)))")
    exit(0)
}

if onlyLabels {
    try LabelBenchReport.print()
    exit(0)
}

if onlySerial || !onlyCommits {
    let serial = try await SerialBench.run()
    print("### Serial scanners (pseudo-terminal, 115200 baud setting)")
    print("")
    print("| figure | packd | baseline |")
    print("|---|---|---|")
    print("| codes framed per second | \(String(format: "%.0f", serial.framerCodesPerSecond))/s (SerialFramer) | \(String(format: "%.0f", serial.naiveCodesPerSecond))/s (accumulate text, split lines) |")
    print("| terminator written -> Scan delivered, p50 | \(micros(serial.latency.percentile(50))) | \(micros(serial.rawLatency.percentile(50))) (bare blocking read of the same bytes) |")
    print("| terminator written -> Scan delivered, p99 | \(micros(serial.latency.percentile(99))) | \(micros(serial.rawLatency.percentile(99))) |")
    print("")
    let keyboard = try KeyboardBench.run()
    print("### Keyboard-wedge decoding (key events to codes, 14-character waybills)")
    print("")
    print("| figure | packd (libxkbcommon, us layout) | baseline (fixed US table, layout-blind) |")
    print("|---|---|---|")
    print("| codes decoded per second | \(String(format: "%.0f", keyboard.codesPerSecond))/s | \(String(format: "%.0f", keyboard.tableCodesPerSecond))/s |")
    let evdev = try await EvdevLatencyBench.run()
    print("| Enter written -> Scan delivered, p50 | \(micros(evdev.packd.percentile(50))) | \(micros(evdev.bare.percentile(50))) (bare blocking read of the same records) |")
    print("| Enter written -> Scan delivered, p99 | \(micros(evdev.packd.percentile(99))) | \(micros(evdev.bare.percentile(99))) |")
    print("")
}
if onlySerial { exit(0) }

if !onlyCommits {
let scan = ScanBench.run(orders: orderCount, scans: scanCount)
print("### Scans against \(scan.orders) open orders (engine decision + book update, no disk)")
print("")
print("| figure | packd | naive baseline (walk the orders) |")
print("|---|---|---|")
print("| book build | \(millis(scan.buildNs)) (\(rate(scan.orders, scan.buildNs)) orders) | - |")
print("| RSS with the book | \(String(format: "%.0f MB", scan.rssAfterMB)) (\(String(format: "%.0f MB", scan.rssAfterMB - scan.rssBeforeMB)) for the book) | - |")
print("| scans | \(scan.scans.count) | \(scan.naive.count) |")
print("| scans per second | \(rate(scan.scans.count, scan.scans.total)) | \(rate(scan.naive.count, scan.naive.total)) (\(min(orderCount, 200_000)) orders) |")
print("| p50 per scan | \(micros(scan.scans.percentile(50))) | \(micros(scan.naive.percentile(50))) |")
print("| p99 per scan | \(micros(scan.scans.percentile(99))) | \(micros(scan.naive.percentile(99))) |")
print("| max per scan | \(micros(scan.scans.percentile(100))) | \(micros(scan.naive.percentile(100))) |")
print("")
let mix = scan.outcomes.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
print("Outcome mix: \(mix)")
print("")
}

print("### Durably confirmed shipments (synchronous=FULL; a scan is answered after its commit)")
print("")
print("| journal | stations | shipments | shipments/s | p50 confirm | p99 confirm | transactions |")
print("|---|---|---|---|---|---|---|")
for stations in [1, 8, 16] {
    let per = stations == 1 ? 500 : 250
    for mode in CommitBench.Mode.allCases {
        let r = try await CommitBench.run(mode, stations: stations, shipmentsPerStation: per)
        print(
            "| \(r.label) | \(r.stations) | \(r.shipments) | \(rate(r.shipments, r.wallNs)) | \(millis(r.confirm.percentile(50))) "
                + "| \(millis(r.confirm.percentile(99))) | \(r.transactions) for \(r.commits) commits |")
    }
}
print("")
print("A shipment is three scans (waybill, two items); each scan's decision is committed before it is answered.")
