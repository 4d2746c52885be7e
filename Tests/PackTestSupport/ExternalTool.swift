public import Foundation

/// Runs an independent program (zbarimg, zint, python3 with zplkit, pdftoppm) with
/// a time limit, so a hung decoder fails the test instead of the run.
public enum ExternalTool {
    public struct Result {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    public static func run(
        _ executable: String, _ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:],
        timeout: Double = 60
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.startDyingWithUs()
        let done = DispatchGroup()
        let out = Shared(Data())
        let err = Shared(Data())
        DispatchQueue.global().async(group: done) {
            input.fileHandleForWriting.write(Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: done) {
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            err.withLock { $0 = data }
        }
        DispatchQueue.global().async(group: done) {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            out.withLock { $0 = data }
        }
        // At the time limit the kill rule ends it; a child it left holding the
        // pipes must not hang the test either (what is unread then stays unread).
        process.waitUntilExit(seconds: timeout)
        _ = done.wait(timeout: .now() + 30)
        return Result(
            status: process.terminationStatus, stdout: [UInt8](out.withLock { $0 }),
            stderr: String(decoding: err.withLock { $0 }, as: UTF8.self))
    }

    /// Writes `bytes` to a new temporary file and returns its path.
    public static func temporaryFile(_ bytes: [UInt8], suffix: String) throws -> String {
        let path = NSTemporaryDirectory() + "packd-label-\(UUID().uuidString)\(suffix)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

