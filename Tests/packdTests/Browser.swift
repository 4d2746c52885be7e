import Foundation
import Glibc
import PackTestSupport

/// Headless Chromium (Debian's chromium) driven through the DevTools protocol by
/// Tests/Browser/cdp.py: load a page, read it with JavaScript, take screenshots.
final class Browser {
    static let available = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
    static let driver = Packd.repository.appendingPathComponent("Tests/Browser/cdp.py").path

    let profile: String
    let port: Int
    private let process: Daemon
    /// Where the running chromium writes its output.
    private let logPath: String
    /// CSS pixels of the page for every command, as WIDTHxHEIGHT.
    var viewport = "1366x768"

    init(profile: String) throws {
        self.profile = profile
        // Generous: beside the rest of the suite on two cores, chromium once took
        // over 30 s to start, and once died starting; a starved start is not what
        // these tests test, so a chromium that dies or stays silent is started
        // once more, with a fresh profile.
        var failures: [String] = []
        for attempt in 1...2 {
            try? FileManager.default.removeItem(atPath: profile)
            try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
            let log = "\(profile)-\(attempt).log"
            let started = try Daemon(
                "/usr/bin/chromium",
                [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-port=0",
                    "--user-data-dir=\(profile)", "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--lang=zh-CN", "about:blank",
                ], output: log, ownGroup: true)
            switch Self.devToolsPort(of: started, profile: profile, seconds: 60) {
            case .success(let found):
                process = started
                port = found
                logPath = log
                return
            case .failure(let why):
                // The whole group: a chromium's zygote and renderers outlive it
                // otherwise, and slow every later test.
                started.stopGroup(SIGKILL)
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                failures.append("attempt \(attempt): \(why): \(output.suffix(1500))")
            }
        }
        throw HTTPClient.ClientError("chromium did not open its DevTools port:\n\(failures.joined(separator: "\n"))")
    }

    /// The port chromium writes into DevToolsActivePort once it listens, or why
    /// there is none: it exited, or `seconds` passed.
    private static func devToolsPort(of chromium: Daemon, profile: String, seconds: Double) -> Result<Int, HTTPClient.ClientError> {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            // The port counts once it takes a connection: a chromium that wrote
            // its port and then died would fail the test's first command instead.
            // (Only a connection: chromium keeps HTTP connections open whatever
            // the request asks.)
            if let text = try? String(contentsOfFile: "\(profile)/DevToolsActivePort", encoding: .utf8),
                let port = text.split(separator: "\n").first.flatMap({ Int($0) }),
                let connection = try? HTTPClient.connectLoopback(port: port, timeout: 5)
            {
                close(connection)
                return .success(port)
            }
            if let status = chromium.exited() { return .failure(HTTPClient.ClientError("exited with status \(status)")) }
            usleep(50_000)
        }
        return .failure(HTTPClient.ClientError("no DevTools port within \(Int(seconds)) s"))
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [Self.driver, "\(port)"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["CDP_VIEWPORT"] = viewport
        p.environment = environment
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.startDyingWithUs()
        p.waitUntilExit(seconds: 60)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard p.terminationStatus == 0 else {
            let why = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            // Whether chromium is still there, and what it said: a refused
            // connection is otherwise all there is to read.
            let browser = process.exited().map { "chromium exited with status \($0)" } ?? "chromium is running"
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw HTTPClient.ClientError("cdp \(arguments.first ?? ""): \(why.suffix(500))\n\(browser); its log ends:\n\(log.suffix(1500))")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func navigate(_ url: String) throws { try run(["navigate", url]) }

    /// The JSON of a JavaScript expression's value.
    func evaluate(_ expression: String) throws -> Any? {
        let text = try run(["eval", expression])
        return try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
    }

    /// The page's visible text.
    func text() throws -> String { (try evaluate("document.body.innerText") as? String) ?? "" }

    func screenshot(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try run(["screenshot", path])
    }

    /// Polls the page until `condition` holds for its text (at most `seconds`).
    @discardableResult
    func waitForText(_ what: String, seconds: Double = 20, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try text()
            if condition(last) { return last }
            usleep(50_000)
        }
        throw HTTPClient.ClientError("the page never showed \(what); it shows:\n\(last)")
    }

    deinit {
        process.stopGroup(SIGKILL)
        try? FileManager.default.removeItem(atPath: profile)
    }
}
