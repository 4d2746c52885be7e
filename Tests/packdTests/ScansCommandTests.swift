import Foundation
import PackCore
import PackTestSupport
import PackTestRequirements
import Testing

/// `packd scans` on a pseudo-terminal playing a serial scanner.
@Suite(.offCooperativePool, .timeLimit(.minutes(1))) struct ScansCommandTests {
    @Test func printsOneJSONLinePerScanAndStopsAfterCount() throws {
        let pty = try PseudoTerminal()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Packd.binary)
        process.arguments = ["scans", "--device", pty.slavePath, "--baud", "115200", "--count", "2", "--timeout", "30"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.startDyingWithUs()
        // Wait until packd has opened and configured the port before "scanning".
        let log = LineWatcher(err.fileHandleForReading)
        #expect(log.wait { !$0.isEmpty })
        pty.send("]C10109501101530003\u{1D}10LOT\r\nSECOND\r")
        let lines = LineWatcher(out.fileHandleForReading)
        process.waitUntilExit(seconds: 60)
        let printed = lines.untilEnd()
        #expect(process.terminationStatus == 0)
        #expect(log.untilEnd().first?.contains("opened \(pty.slavePath) at 115200 baud") == true)
        let scans = try printed.map { try JSONParser.parse($0) }
        #expect(scans.map { $0["code"] } == ["]C10109501101530003\u{1D}10LOT", "SECOND"])
        #expect(scans.allSatisfy { $0["device"] == .string(pty.slavePath) && $0["symbology"] == .null })
    }

    @Test func badOptionsAreRefused() throws {
        let result = try Packd.run(["scans", "--device", "/dev/null", "--baud", "12345"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--baud must be one of"))
    }

    @Test func timeoutEndsARunWithoutScans() throws {
        let pty = try PseudoTerminal()
        let result = try Packd.run(["scans", "--device", pty.slavePath, "--timeout", "0.3"], timeout: 20)
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
    }
}

@Suite(.offCooperativePool) struct ScansEvdevOptionTests {
    @Test func anUnknownLayoutIsRefused() throws {
        let result = try Packd.run(["scans", "--device", "/dev/input/event99", "--layout", "xx-nonexistent", "--timeout", "1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown keyboard layout \"xx-nonexistent\""), "\(result.stderr)")
    }
}
