import Foundation
import PackLabels

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
        guard getuid() == 0, fm.isExecutableFile(atPath: "/usr/sbin/cupsd"), fm.isExecutableFile(atPath: "/usr/bin/ppdc"),
            fm.fileExists(atPath: "/usr/share/cups/drv/sample.drv")
        else { return nil }
        let dir = NSTemporaryDirectory() + "packd-cups-bench-\(getpid())"
        for sub in ["spool", "cache", "state", "tmp", "log", "ppd"] {
            try fm.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
        }
        defer { try? fm.removeItem(atPath: dir) }
        try """
            Listen \(dir)/cups.sock
            Browsing No
            WebInterface No
            DefaultAuthType None
            LogLevel warn
            <Location />
              Order allow,deny
              Allow all
            </Location>
            <Location /admin>
              Order allow,deny
              Allow all
            </Location>
            """.write(toFile: "\(dir)/cupsd.conf", atomically: true, encoding: .utf8)
        try """
            ServerRoot \(dir)
            RequestRoot \(dir)/spool
            CacheDir \(dir)/cache
            StateDir \(dir)/state
            TempDir \(dir)/tmp
            AccessLog \(dir)/log/access_log
            ErrorLog \(dir)/log/error_log
            PageLog \(dir)/log/page_log
            SystemGroup root
            User lp
            Group lp
            """.write(toFile: "\(dir)/cups-files.conf", atomically: true, encoding: .utf8)
        for file in ["raw.convs", "raw.types"] where fm.fileExists(atPath: "/etc/cups/\(file)") {
            try fm.copyItem(atPath: "/etc/cups/\(file)", toPath: "\(dir)/\(file)")
        }
        try shell("/bin/chown", ["-R", "root:lp", "\(dir)/spool", "\(dir)/cache", "\(dir)/state", "\(dir)/tmp", "\(dir)/log"])
        try shell("/bin/chmod", ["0770", "\(dir)/spool", "\(dir)/tmp"])
        try shell("/usr/bin/ppdc", ["-d", "\(dir)/ppd", "/usr/share/cups/drv/sample.drv"])

        let cupsd = Process()
        cupsd.executableURL = URL(fileURLWithPath: "/usr/sbin/cupsd")
        cupsd.arguments = ["-f", "-c", "\(dir)/cupsd.conf", "-s", "\(dir)/cups-files.conf"]
        cupsd.standardOutput = FileHandle.nullDevice
        cupsd.standardError = FileHandle.nullDevice
        try cupsd.run()
        defer {
            cupsd.terminate()
            cupsd.waitUntilExit()
        }
        let env = ["CUPS_SERVER": "\(dir)/cups.sock"]
        // cupsd answers in tens of milliseconds; ask until it does (bounded).
        var ready = false
        for _ in 0..<200 where !ready {
            ready = (try? shell("/usr/bin/lpstat", ["-r"], environment: env)) != nil
            if !ready { usleep(20_000) }
        }
        guard ready else { throw BenchError("the private cupsd did not start") }
        let printer = try SocketPrinter()
        try shell(
            "/usr/sbin/lpadmin",
            ["-p", "zebra", "-E", "-v", "socket://127.0.0.1:\(printer.port)", "-P", "\(dir)/ppd/zebra.ppd", "-o", "PageSize=w288h432"],
            environment: env)

        let data = LabelBench.data(jobs + 2)
        let template = try TemplateCatalog().template("waybill-100x150")
        var samples = Samples(capacity: jobs)
        var bytes = 0
        for (i, d) in data.enumerated() {
            let pdf = try LabelRenderer().render(template, data: d, format: .pdf).bytes
            let path = "\(dir)/label-\(i).pdf"
            try Data(pdf).write(to: URL(fileURLWithPath: path))
            let start = now()
            try shell("/usr/bin/lp", ["-d", "zebra", path], environment: env)
            let job = try printer.nextJob()
            // The first two jobs warm CUPS's filters and caches; they are not counted.
            if i >= 2 { samples.add(job.end - start) }
            bytes = job.bytes.count
        }
        return Result(samples: samples, bytes: bytes)
    }

    @discardableResult
    static func shell(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("\(path) failed: \(text)") }
        return text
    }
}
