import Foundation
import PackTestSupport
import Testing

/// A packd command run inside a umockdev testbed (Tests/UmockdevHarness): devices
/// are plugged in and out on command while it runs, as udev would report them.
final class UmockdevRun {
    let process = Process()
    let stdout: LineWatcher
    let stderr: LineWatcher
    private let input = Pipe()

    static var harness: String {
        URL(fileURLWithPath: Packd.binary).deletingLastPathComponent().appendingPathComponent("packd-umockdev-harness").path
    }

    static func fixture(_ name: String) -> String {
        Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/\(name).umockdev").path
    }

    /// Starts `packd ARGUMENTS` under the harness.
    init(_ arguments: [String], environment extra: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Self.harness)
        process.arguments = ["--", Packd.binary] + arguments
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["LD_PRELOAD"] = "libumockdev-preload.so.0"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.startDyingWithUs()
        stdout = LineWatcher(out.fileHandleForReading)
        stderr = LineWatcher(err.fileHandleForReading)
    }

    /// A harness command (`add FILE`, `remove FILE`, `events NODE FILE`, `write NODE HEX`);
    /// returns once the harness has carried it out.
    func send(_ command: String, done: String) throws {
        let before = stderr.lines.filter { $0 == "harness: \(done)" }.count
        input.fileHandleForWriting.write(Data((command + "\n").utf8))
        guard stderr.wait({ $0.filter { $0 == "harness: \(done)" }.count > before }) else {
            throw PollTimeout("the harness did not do '\(command.prefix(80))' within 20 s: \(stderr.lines.suffix(20))")
        }
    }

    func add(_ fixture: String) throws { try send("add \(fixture)", done: "added") }
    func remove(_ fixture: String) throws { try send("remove \(fixture)", done: "removed") }
    func events(_ node: String, _ script: String) throws { try send("events \(node) \(script)", done: "events loaded") }
    func write(_ node: String, _ bytes: [UInt8]) throws {
        try send("write \(node) \(bytes.map { String(format: "%02x", $0) }.joined())", done: "written")
    }

    /// Ends the harness and the command under it.
    func quit() {
        input.fileHandleForWriting.write(Data("quit\n".utf8))
        process.waitUntilExit(seconds: 60)
    }
}
