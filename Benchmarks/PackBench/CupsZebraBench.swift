import Foundation
import PackLabels
import PackTestSupport

/// The path a user takes without packd: a PDF label printed through CUPS with
/// CUPS's own Zebra ZPL driver (zebra.ppd, compiled from sample.drv with ppdc),
/// to a socket printer, timed from `lp` to the last byte at the printer.
enum CupsZebraBench {
    struct Result {
        var samples: Samples
        var bytes: Int
        var count: Int { samples.count }
    }

    static func run(jobs: Int) throws -> Result? {
        let fm = FileManager.default
        guard PrivateCups.available, fm.isExecutableFile(atPath: "/usr/bin/ppdc"),
            fm.fileExists(atPath: "/usr/share/cups/drv/sample.drv")
        else { return nil }
        let cups = try PrivateCups()
        try PrivateCups.run("/usr/bin/ppdc", ["-d", "\(cups.directory)/ppd", "/usr/share/cups/drv/sample.drv"])
        let printer = try SocketPrinter()
        try cups.lpadmin([
            "-p", "zebra", "-E", "-v", "socket://127.0.0.1:\(printer.port)", "-P", "\(cups.directory)/ppd/zebra.ppd",
            "-o", "PageSize=w288h432",
        ])
        let template = try TemplateCatalog().template("waybill-100x150")
        var samples = Samples(capacity: jobs)
        var bytes = 0
        for (i, d) in LabelBench.data(jobs + 2).enumerated() {
            let path = "\(cups.directory)/label-\(i).pdf"
            try Data(LabelRenderer().render(template, data: d, format: .pdf).bytes).write(to: URL(fileURLWithPath: path))
            let start = now()
            try PrivateCups.run("/usr/bin/lp", ["-d", "zebra", path], environment: cups.environment)
            let job = try printer.nextJob()
            // The first two jobs warm CUPS's filters and caches; they are not counted.
            if i >= 2 { samples.add(job.end - start) }
            bytes = job.bytes.count
        }
        return Result(samples: samples, bytes: bytes)
    }
}
