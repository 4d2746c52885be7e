import Foundation
import Glibc
import PackCore
import PackStore
import PackTestSupport

/// `packd run` from start to READY=1 (the sd_notify message systemd waits for),
/// with an empty journal and with a large one, and the daemon's resident memory
/// once idle.
enum StartupBench {
    struct Result {
        var orders: Int
        var toReady: [Double]
        var idleRSSKiB: Int
    }

    /// The release packd beside packd-bench, or `$PACKD_BENCH_PACKD` (the
    /// packaged binary, say: `dpkg-deb -x dist/packd_*.deb DIR`).
    static var packdBinary: String {
        ProcessInfo.processInfo.environment["PACKD_BENCH_PACKD"]
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("packd").path
    }

    /// The libraries packd loads on first use, preloaded: packd as it was when
    /// it linked them (the baseline of the idle-memory figure).
    static let preloadingLazyLibraries = ["LD_PRELOAD": "libpangocairo-1.0.so.0 libpoppler-glib.so.8 libcups.so.2"]

    /// A journal of `orders` synthetic approved orders in `directory`.
    static func prepare(orders: Int, directory: String) async throws {
        let journal = try SQLiteJournal(directory: directory)
        var made = 0
        while made < orders {
            let batch = min(20_000, orders - made)
            _ = try await journal.importOrders(
                SyntheticOrders.make(count: batch, prefix: "BENCH", skusPerOrder: 2, catalogueSize: 5_000, startIndex: made),
                at: Timestamp(millisecondsSinceEpoch: 1_790_000_000_000))
            made += batch
        }
    }

    /// Starts packd `runs` times on the journal; seconds to READY=1 each time, and
    /// the RSS of the last run after a second of idling.
    static func run(orders: Int, runs: Int, environment extra: [String: String] = [:]) async throws -> Result {
        let directory = NSTemporaryDirectory() + "packd-bench-startup-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await prepare(orders: orders, directory: "\(directory)/state")
        let config = "\(directory)/packd.toml"
        var times: [Double] = []
        var rss = 0
        for run in 0..<runs {
            let port = try HTTPClient.freePort()
            try "state_dir = \"\(directory)/state\"\n[api]\nlisten = \"127.0.0.1:\(port)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            let notify = try NotifyListener(path: "\(directory)/notify-\(run).sock")
            var env = ProcessInfo.processInfo.environment
            env["NOTIFY_SOCKET"] = notify.path
            env.merge(extra) { $1 }
            let start = Date()
            let daemon = try Daemon(packdBinary, ["run", "--config", config], environment: env, output: "\(directory)/log")
            guard notify.wait(for: "READY=1", timeout: 300) else {
                daemon.stop(SIGKILL)
                throw HTTPClient.ClientError("packd did not become ready: \((try? String(contentsOfFile: "\(directory)/log", encoding: .utf8)) ?? "")")
            }
            times.append(Date().timeIntervalSince(start))
            if run == runs - 1 {
                try await Task.sleep(for: .seconds(2))
                rss = residentKiB(daemon.pid)
            }
            daemon.stop(SIGTERM)
        }
        return Result(orders: orders, toReady: times, idleRSSKiB: rss)
    }

    static func residentKiB(_ pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
