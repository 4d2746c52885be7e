import Foundation
import PackTestSupport
import Testing

/// Runs the real `packd` binary, as a user or a script would.
enum Packd {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    }

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["PACKD_BINARY"] { return path }
        // The test bundle sits beside the products: .build/<triple>/debug/.
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("packd").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return dir.appendingPathComponent("packd").path
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func sample(_ name: String) -> String { repository.appendingPathComponent("samples/\(name)").path }

    /// Runs packd under `umockdev-run` with these umockdev arguments (device file,
    /// event files): libudev and /dev inside see only the mocked devices.
    static func runUnderUmockdev(_ umockdev: [String], _ arguments: [String], timeout: Double = 60) throws -> Result {
        try run(umockdev + ["--", binary] + arguments, executable: "/usr/bin/umockdev-run", timeout: timeout)
    }

    /// Runs packd to completion; kills it if it outlives `timeout` seconds.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], executable: String? = nil, timeout: Double = 120,
        directory: String? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        // Never the test process's own: tests run in parallel.
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["PACKD_STATE"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.startDyingWithUs()
        let collector = PipeCollector(out: out, err: err)
        // At the time limit the kill rule ends it.
        process.waitUntilExit(seconds: timeout)
        let (stdout, stderr) = collector.finish()
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Drains stdout and stderr on their own threads so a chatty child never blocks.
final class PipeCollector: @unchecked Sendable {
    private var out = Data()
    private var err = Data()
    private let group = DispatchGroup()

    init(out: Pipe, err: Pipe) {
        group.enter()
        DispatchQueue.global().async {
            self.out = out.fileHandleForReading.readDataToEndOfFile()
            self.group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            self.err = err.fileHandleForReading.readDataToEndOfFile()
            self.group.leave()
        }
    }

    func finish() -> (String, String) {
        // The pipes close when packd exits (it was killed at the deadline); a child
        // it left holding them must not hang the test.
        _ = group.wait(timeout: .now() + 30)
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

