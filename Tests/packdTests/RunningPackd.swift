import Foundation
import Glibc
import PackTestSupport

/// `packd run` as systemd runs it: its own process with a NOTIFY_SOCKET, spoken
/// to over HTTP on a free loopback port, stopped with a signal.
final class RunningPackd {
    let dir: String
    /// The API's port, as packd reports it (it binds port 0: no race for a free one).
    private(set) var port = 0
    let notify: NotifyListener
    private(set) var daemon: Daemon?
    var configPath: String { "\(dir)/packd.toml" }
    var statePath: String { "\(dir)/state" }
    var logPath: String { "\(dir)/packd.log" }
    let environment: [String: String]

    /// Writes the configuration (`listen` and `state_dir` added) and starts packd.
    var pid: pid_t? { daemon?.pid }

    /// `listen`: where the API listens; port 0 (the default) lets the kernel choose.
    init(dir: String, config: String = "", environment: [String: String] = [:], listen: String = "127.0.0.1:0", start: Bool = true) throws {
        self.dir = dir
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        notify = try NotifyListener(path: "\(dir)/notify.sock")
        var env = ProcessInfo.processInfo.environment
        env["PACKD_STATE"] = nil
        env["NOTIFY_SOCKET"] = notify.path
        for (k, v) in environment { env[k] = v }
        self.environment = env
        let full = "state_dir = \"\(dir)/state\"\n" + config + "\n[api]\nlisten = \"\(listen)\"\n"
        FileManager.default.createFile(atPath: configPath, contents: Data(full.utf8))
        if start { try self.start() }
    }

    /// Starts packd and waits for READY=1. With `shell`, packd is started by
    /// `/bin/sh -c "<shell> && exec packd run ..."` (a mount of its own first).
    func start(timeout: Double = 30, shell: String? = nil, unshareMounts: Bool = false) throws {
        if let shell {
            let command = "\(shell) && exec '\(Packd.binary)' run --config '\(configPath)'"
            let arguments = unshareMounts ? ["-m", "--propagation", "private", "/bin/sh", "-c", command] : ["-c", command]
            daemon = try Daemon(unshareMounts ? "/usr/bin/unshare" : "/bin/sh", arguments, environment: environment, output: logPath)
        } else {
            daemon = try Daemon(Packd.binary, ["run", "--config", configPath], environment: environment, output: logPath)
        }
        guard notify.wait(for: "READY=1", timeout: timeout) else {
            throw HTTPClient.ClientError("packd did not report READY=1 within \(timeout) s; log:\n\(log)")
        }
        // STATUS=ready: 1 station(s), API on 127.0.0.1:PORT (or unix:PATH: no port)
        if notify.matched?.contains("API on unix:") == true { return }
        guard let status = notify.matched, let text = status.split(separator: "127.0.0.1:").last,
            let bound = Int(text.prefix { $0.isNumber })
        else { throw HTTPClient.ClientError("no port in packd's STATUS: \(notify.matched ?? "")") }
        port = bound
    }

    /// The token, when the test knows it otherwise (the state is out of its sight).
    var knownToken: String?

    var token: String {
        if let knownToken { return knownToken }
        return (try? String(contentsOfFile: "\(statePath)/api.token", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func get(_ path: String, token: String? = nil) throws -> HTTPClient.Response {
        try HTTPClient.request(port: port, method: "GET", path: path, token: token ?? self.token)
    }

    func post(_ path: String, _ json: String, token: String? = nil) throws -> HTTPClient.Response {
        try HTTPClient.json(port: port, method: "POST", path: path, token: token ?? self.token, json: json)
    }

    func scan(_ code: String, station: String = "pack-01") throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: ["code": code])
        let r = try HTTPClient.request(
            port: port, method: "POST", path: "/v1/stations/\(station)/scans", token: token, body: Array(body))
        guard r.status == 200 else { throw HTTPClient.ClientError("scan \(code): \(r.status) \(r.text)") }
        return try JSONSerialization.jsonObject(with: Data(r.body)) as! [String: Any]
    }

    func events(station: String = "pack-01", lastEventId: String? = nil) throws -> SSEClient {
        try SSEClient(port: port, path: "/v1/stations/\(station)/events", token: token, lastEventId: lastEventId)
    }

    /// Waits until packd reads a scanner (its reader has opened the device).
    func waitForScanner(timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let scanners = jsonObject(try get("/v1/devices"))["scanners"] as? [[String: Any]] ?? []
            if scanners.contains(where: { $0["state"] as? String == "reading" }) { return }
            usleep(20_000)
        }
        throw HTTPClient.ClientError("the scanner was not opened within \(timeout) s:\n\(log)")
    }

    /// Sends `signal` and waits for packd to exit: its status and how long it took.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, timeout: Double = 10) -> (status: Int32, seconds: Double)? {
        guard let daemon else { return nil }
        let start = Date()
        kill(daemon.pid, signal)
        while Date().timeIntervalSince(start) < timeout {
            if let status = daemon.exited() {
                self.daemon = nil
                // PACKD_KEEP_LOG=DIR keeps the log of a packd that did not exit cleanly.
                if status != 0, let keep = ProcessInfo.processInfo.environment["PACKD_KEEP_LOG"] {
                    try? FileManager.default.copyItem(atPath: logPath, toPath: "\(keep)/packd-\(daemon.pid).log")
                }
                return (status, Date().timeIntervalSince(start))
            }
            usleep(10_000)
        }
        daemon.stop(SIGKILL)
        self.daemon = nil
        return nil
    }

    deinit {
        if let daemon {
            daemon.stop(SIGKILL)
            if let keep = ProcessInfo.processInfo.environment["PACKD_KEEP_LOG"] {
                try? FileManager.default.copyItem(atPath: logPath, toPath: "\(keep)/packd-\(daemon.pid)-killed.log")
            }
        }
    }
}

func jsonObject(_ r: HTTPClient.Response) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
}
