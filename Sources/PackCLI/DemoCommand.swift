import ArgumentParser
import Foundation
import Glibc
import PackCore
import PackDaemon
import PackStore

/// `packd demo`: the real daemon on sample orders, for someone with no scanner,
/// printer or ERP.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run packd on sample orders: the terminal is the scanner, ./labels the printer.",
        discussion: """
            Starts the real daemon on a temporary state directory with packd's sample orders, the local stock \
            ledger and the HTTP API. Type or paste codes to scan them at station pack-01; each label is written \
            to the labels directory as ZPL and PNG. With no terminal on standard input it plays the sample scan \
            script and exits. Ctrl-D or Ctrl-C ends it.

            Example:
              packd demo
              echo YT2412345678901 | packd demo --labels /tmp/labels
            """
    )

    @Option(help: "Where labels are written.")
    var labels = "labels"

    @Option(help: "The API's port on 127.0.0.1 (default 7780, or any free one when that is taken; 0: any free port).")
    var port: Int?

    @Flag(help: "Play the sample scan script even on a terminal.")
    var script = false

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be 0 (any free port) to 65535") }
    }

    func run() async throws {
        let state = try Self.temporaryDirectory()
        let labelDirectory = URL(fileURLWithPath: labels).standardizedFileURL.path
        var config = PackConfig()
        config.stations["pack-01"] = config.engine
        config.printers["demo"] = PrinterProfile(name: "demo", language: .zpl)
        config.defaultPrinter = "demo"
        config.api.listen = .tcp(host: "127.0.0.1", port: port ?? (Self.isFree(7780) ? 7780 : 0))
        let orders = try OrderDecoder().decodeFile(Array(DemoSamples.orders.utf8))
        _ = try await SQLiteJournal(directory: state).importOrders(orders, at: WallClock.now())
        let interactive = isatty(STDIN_FILENO) == 1 && !script
        let steps: [ReplayStep]? = interactive ? nil : try ReplayScript.parse(Array(DemoSamples.scans.utf8))
        var options = DaemonRunner.Options(config: config, stateDirectory: state)
        options.printService = { parts in
            FilePrinterService(parts: parts, printer: "demo", directory: labelDirectory) { files in
                Output.lineNow("  ▤ label: " + files.map { Self.relative($0) }.joined(separator: ", "))
            }
        }
        options.extraServices = [
            { parts in
                TerminalScanner(parts: parts, station: "pack-01", printer: "demo", script: steps) { Output.lineNow($0) }
            }
        ]
        options.onReady = { _, listen, token, displayToken in
            Output.lineNow(
                Self.guide(
                    listen: listen, token: token, displayToken: displayToken, state: state, labels: Self.relative(labelDirectory),
                    interactive: interactive))
        }
        let metrics = DaemonRunner.bootstrap(level: .warning)
        do {
            try await DaemonRunner.run(options, metrics: metrics)
        } catch let error as DaemonRunner.StartError {
            throw CLIError(error.description)
        }
        Output.lineNow("packd demo: done. Labels are in \(Self.relative(labelDirectory))/; the journal in \(state).")
    }

    static func guide(listen: String, token: String, displayToken: String, state: String, labels: String, interactive: Bool) -> String {
        """
        packd demo: open the station screen in a browser, then scan:
          Screen: http://\(listen)/stations/pack-01?token=\(displayToken)
        The daemon is running on sample orders (station pack-01, stock in the local ledger).
          API:    http://\(listen)   token: \(token)
                  curl -H 'Authorization: Bearer \(token)' http://\(listen)/v1/stations/pack-01
          Labels: \(labels)/ (ZPL and PNG)   Journal: \(state)
        \(interactive ? """
          Scan by typing a code and Enter. Try:
            YT2412345678901   open parcel SO-1001 (2 × 6901234567892, 1 × 012345678905)
            6901234567892     count a razor;  012345678905  the case: the parcel completes and its label prints
            ZTO7300000005     a cancelled order: STOP, then PACKD:ACK
            4006381333931     one item with no parcel open: 一单一件 claims the oldest waiting order
            PACKD:REPRINT     the last label again;   Ctrl-D ends the demo
        """ : "  No terminal on standard input: playing the sample scan script.")
        """
    }

    static func relative(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }

    static func temporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "packd-demo-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CLIError("cannot make a temporary directory: errno \(errno)") }
        return String(cString: made)
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
