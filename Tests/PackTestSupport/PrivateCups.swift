public import Foundation
public import PackPrint

/// A cupsd of the test's own: private ServerRoot, spool and logs in a temporary
/// directory, listening on a Unix socket only. It needs root (cupsd drops to
/// `lp` for its backends), as the CI runs.
public final class PrivateCups: @unchecked Sendable {
    public let directory: String
    public var socket: String { "\(directory)/cups.sock" }
    private var daemon: Daemon?

    public static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/cupsd")
            && FileManager.default.isExecutableFile(atPath: "/usr/sbin/lpadmin")
    }

    public init() throws {
        directory = NSTemporaryDirectory() + "packd-cups-\(UUID().uuidString.prefix(8))"
        let fm = FileManager.default
        for sub in ["spool", "cache", "state", "tmp", "log", "ppd"] {
            try fm.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
        }
        try """
            Listen \(directory)/cups.sock
            Browsing No
            WebInterface No
            DefaultAuthType None
            LogLevel warn
            AccessLogLevel all
            JobRetryInterval 1
            <Location />
              Order allow,deny
              Allow all
            </Location>
            <Location /admin>
              Order allow,deny
              Allow all
            </Location>
            """.write(toFile: "\(directory)/cupsd.conf", atomically: true, encoding: .utf8)
        try """
            ServerRoot \(directory)
            RequestRoot \(directory)/spool
            CacheDir \(directory)/cache
            StateDir \(directory)/state
            TempDir \(directory)/tmp
            AccessLog \(directory)/log/access_log
            ErrorLog \(directory)/log/error_log
            PageLog \(directory)/log/page_log
            SystemGroup root
            User lp
            Group lp
            """.write(toFile: "\(directory)/cups-files.conf", atomically: true, encoding: .utf8)
        for file in ["raw.convs", "raw.types"] where fm.fileExists(atPath: "/etc/cups/\(file)") {
            try fm.copyItem(atPath: "/etc/cups/\(file)", toPath: "\(directory)/\(file)")
        }
        try Self.run("/bin/chown", ["-R", "root:lp"] + ["spool", "cache", "state", "tmp", "log"].map { "\(directory)/\($0)" })
        try Self.run("/bin/chmod", ["0770", "\(directory)/spool", "\(directory)/tmp"])
        try start()
    }

    deinit {
        stop()
        // PACKD_KEEP_CUPS=1 keeps the directory (logs, spool) for a post-mortem.
        if ProcessInfo.processInfo.environment["PACKD_KEEP_CUPS"] != "1" {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Starts cupsd and returns once it answers (within 10 s).
    public func start() throws {
        daemon = try Daemon("/usr/sbin/cupsd", ["-f", "-c", "\(directory)/cupsd.conf", "-s", "\(directory)/cups-files.conf"])
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? CupsConnection(server: socket, timeoutMilliseconds: 200).printers()) != nil { return }
            // cupsd takes 20-50 ms to answer; ask again shortly.
            usleep(10_000)
        }
        throw PrinterError("the private cupsd did not answer within 10 s (log: \(directory)/log/error_log)")
    }

    /// Stops cupsd (SIGTERM, or SIGKILL for a crash) and waits for it to exit.
    public func stop(_ signal: Int32 = SIGTERM) {
        daemon?.stop(signal)
        daemon = nil
    }

    public var environment: [String: String] { ["CUPS_SERVER": socket] }

    /// The IPP operations cupsd has answered so far, in order (its access log, every request logged).
    public var operations: [String] {
        let log = (try? String(contentsOfFile: "\(directory)/log/access_log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { line in
            // ... "POST /printers/zebra1 HTTP/1.1" 200 123 Get-Job-Attributes successful-ok
            let words = line.split(separator: " ")
            return words.count >= 2 ? String(words[words.count - 2]) : nil
        }
    }

    /// A private cupsd with one raw queue, `queue`, to a socket printer of its
    /// own that records the bytes: what most printing tests start from.
    public static func withRawQueue(_ queue: String = "zebra1") throws -> (cups: PrivateCups, printer: SocketPrinter) {
        let cups = try PrivateCups()
        let printer = try SocketPrinter()
        try cups.addRawQueue(queue, port: printer.port)
        return (cups, printer)
    }

    /// A raw queue to a socket printer on this machine.
    public func addRawQueue(_ name: String, port: UInt16) throws {
        try lpadmin(["-p", name, "-E", "-v", "socket://127.0.0.1:\(port)", "-m", "raw"])
    }

    public func lpadmin(_ arguments: [String]) throws { try Self.run("/usr/sbin/lpadmin", arguments, environment: environment) }

    public func command(_ path: String, _ arguments: [String]) throws { try Self.run(path, arguments, environment: environment) }

    /// Runs a CUPS tool (or any program) and throws with its output unless it succeeds.
    public static func run(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let result = try ExternalTool.run(path, arguments, environment: environment)
        guard result.status == 0 else {
            throw PrinterError("\(path) \(arguments.joined(separator: " ")): \(result.text)\(result.stderr)")
        }
    }

    public func connection() throws -> CupsConnection { try CupsConnection(server: socket) }

    /// Polls a job until it is final (completed, aborted or canceled) or the time is up.
    public func waitForFinalState(printer: String, job: Int, timeout: Double = 30) throws -> JobStatus {
        let cups = try connection()
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let status = try cups.job(printer: printer, id: job)
            if status.state.isFinal || Date() > deadline { return status }
            usleep(20_000)
        }
    }
}

extension PrivateCups {
    /// The part of a packd.toml that points packd at this cupsd: printer
    /// `label-01` on queue `zebra1` in ZPL for every station, and a serial
    /// scanner at `scanner` for station pack-01.
    public func packdConfig(scanner: String? = nil) -> String {
        var text = """
            [cups]
            server = "\(socket)"

            [printers.label-01]
            queue = "zebra1"
            language = "zpl"

            [engine]
            printer = "label-01"

            """
        if let scanner { text += "\n[[scanners]]\nstation = \"pack-01\"\ndevice = \"\(scanner)\"\n" }
        return text
    }
}
