import Foundation
import Glibc
import PackTestSupport

/// scripts/reference-core.py as the ERP's core: a real HTTP server in its own
/// process that records what packd sends (in its data directory, so it survives
/// its own restart) and can be told to fail, hang or drop connections.
final class ReferenceCore {
    let dataDir: String
    private(set) var port: Int
    private var daemon: Daemon?
    let logPath: String
    static let script = Packd.repository.appendingPathComponent("scripts/reference-core.py").path

    /// With `tls` (certificate chain, key): https. Control requests then go through curl.
    let tls: (cert: String, key: String)?

    init(dataDir: String, port: Int = 0, orders: String? = nil, tokenFile: String? = nil, tls: (cert: String, key: String)? = nil) throws {
        self.dataDir = dataDir
        self.port = port
        self.tls = tls
        logPath = "\(dataDir).log"
        try start(orders: orders, tokenFile: tokenFile)
    }

    func start(orders: String? = nil, tokenFile: String? = nil) throws {
        var arguments = [Self.script, "--port", "\(port)", "--data", dataDir, "--quiet"]
        if let orders { arguments += ["--orders", orders] }
        if let tokenFile { arguments += ["--token-file", tokenFile] }
        if let tls { arguments += ["--tls-cert", tls.cert, "--tls-key", tls.key] }
        try? FileManager.default.removeItem(atPath: logPath)
        daemon = try Daemon("/usr/bin/python3", ["-u"] + arguments, output: logPath)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let line = log.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                let bound = Int(line.split(separator: ":").last ?? "")
            {
                port = bound
                return
            }
            if let status = daemon?.exited() { throw HTTPClient.ClientError("the reference core exited (\(status)): \(log)") }
            usleep(20_000)
        }
        throw HTTPClient.ClientError("the reference core did not start")
    }

    func stop() {
        daemon?.stop(SIGKILL)
        daemon = nil
    }

    var url: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    func control(_ path: String, _ json: String) throws {
        let r = try HTTPClient.json(port: port, method: "POST", path: "/control/\(path)", token: nil, json: json)
        guard r.status == 200 else { throw HTTPClient.ClientError("control \(path): \(r.status) \(r.text)") }
    }

    struct State {
        var events: [[String: Any]]
        var receivedMs: [String: Int]
        var duplicates: Int
        var requests: Int
        /// When the core answered each injected error.
        var faultsAnsweredMs: [Int]
    }

    func state() throws -> State {
        let r = try HTTPClient.request(port: port, method: "GET", path: "/control/state")
        guard r.status == 200, let o = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] else {
            throw HTTPClient.ClientError("state: \(r.status)")
        }
        return State(
            events: o["events"] as? [[String: Any]] ?? [], receivedMs: o["receivedMs"] as? [String: Int] ?? [:],
            duplicates: o["duplicates"] as? Int ?? 0, requests: o["requests"] as? Int ?? 0,
            faultsAnsweredMs: o["faultsAnsweredMs"] as? [Int] ?? [])
    }

    /// Polls the core's state until `condition` holds, for at most `seconds`.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 60, _ condition: (State) -> Bool) throws -> State {
        var last: State?
        do {
            try waitUntil("the core has \(what)", seconds: seconds) {
                last = try? state()
                return last.map(condition) ?? false
            }
        } catch {
            throw HTTPClient.ClientError("\(error) (it has \(last?.events.count ?? -1) events)")
        }
        return last!
    }

    deinit { stop() }
}
