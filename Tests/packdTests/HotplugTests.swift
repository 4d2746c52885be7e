import Foundation
import PackCore
import Testing

/// Hot-plug: `packd scans` with no device runs inside a umockdev testbed; a scanner
/// is plugged in, scans, is unplugged and plugged in again. Every code arrives
/// exactly once, and the unplugged scanner is released.
@Suite(.timeLimit(.minutes(1))) struct HotplugTests {
    static let fixture = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/scanner.umockdev").path
    let dir = TempDirectory()

    static var harness: String {
        URL(fileURLWithPath: Packd.binary).deletingLastPathComponent().appendingPathComponent("packd-umockdev-harness").path
    }

    /// evemu lines typing `codes` (digits and capitals A-C only) and Enter each,
    /// with a pause of `pause` seconds before code number `pauseBefore`.
    func events(_ codes: [String], pauseBefore: Int? = nil, pause: Double = 1.5) -> String {
        let keys: [Character: (UInt16, Bool)] = [
            "0": (11, false), "1": (2, false), "2": (3, false), "3": (4, false), "4": (5, false), "5": (6, false),
            "A": (30, true), "B": (48, true), "C": (46, true),
        ]
        var lines: [String] = []
        var t = 0.0
        func key(_ code: UInt16, _ value: Int) {
            t += 0.001
            lines.append(String(format: "E: %.6f 0001 %04x %04d", t, code, value))
            lines.append(String(format: "E: %.6f 0000 0000 0000", t))
        }
        for (i, code) in codes.enumerated() {
            if i == pauseBefore { t += pause }
            for ch in code {
                let (k, shift) = keys[ch]!
                if shift { key(42, 1) }
                key(k, 1)
                key(k, 0)
                if shift { key(42, 0) }
            }
            key(28, 1)
            key(28, 0)
        }
        return dir.file("events-\(UUID().uuidString)", lines.joined(separator: "\n") + "\n")
    }

    @Test func scannersPluggedInAreReadAndOneUnpluggedIsReleased() throws {
        let scannerA = Self.fixture
        let scannerB = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/scanner-b.umockdev").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.harness)
        process.arguments = ["--", Packd.binary, "scans", "--count", "6", "--timeout", "45", "--inter-key-timeout", "2000"]
        var env = ProcessInfo.processInfo.environment
        env["LD_PRELOAD"] = "libumockdev-preload.so.0"
        process.environment = env
        let input = Pipe()
        let out = Pipe()
        let err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = LineWatcher(out.fileHandleForReading)
        let stderr = LineWatcher(err.fileHandleForReading)
        func send(_ command: String) { input.fileHandleForWriting.write(Data((command + "\n").utf8)) }
        defer {
            send("quit")
            process.waitUntilExit()
        }

        #expect(stderr.wait { $0.contains { $0.contains("watching for scanners") } }, "\(stderr.lines)")
        send("add \(scannerA)")
        #expect(stderr.wait { $0.contains { $0.contains("/dev/input/event7: opened") } }, "\(stderr.lines)")
        send("events /dev/input/event7 \(events(["A1", "B2"]))")
        #expect(stdout.wait { $0.count == 2 }, "\(stdout.lines) \(stderr.lines)")

        // A second scanner is plugged in while the first one is read.
        send("add \(scannerB)")
        #expect(stderr.wait { $0.contains { $0.contains("/dev/input/event9: opened") } }, "\(stderr.lines)")
        // (umockdev replays one event file per device: the second scanner's codes
        // come in two bursts, the second after the first scanner is unplugged.)
        send("events /dev/input/event9 \(events(["C3", "A4", "B5", "C0"], pauseBefore: 2))")
        #expect(stdout.wait { $0.count == 4 }, "\(stdout.lines) \(stderr.lines)")

        // The first is unplugged: released; the second goes on.
        send("remove \(scannerA)")
        #expect(stderr.wait { $0.contains { $0.contains("/dev/input/event7: released (removed)") } }, "\(stderr.lines)")
        #expect(stdout.wait { $0.count == 6 }, "\(stdout.lines) \(stderr.lines)")

        let scans = try stdout.lines.map { try JSONParser.parse($0) }
        #expect(scans.map { $0["code"]?.stringValue ?? "" } == ["A1", "B2", "C3", "A4", "B5", "C0"])
        #expect(scans.map { $0["device"]?.stringValue ?? "" } == [
            "/dev/input/event7", "/dev/input/event7", "/dev/input/event9", "/dev/input/event9", "/dev/input/event9",
            "/dev/input/event9",
        ])
    }
}

/// Collects a pipe's lines on a thread of its own; a test waits, with a limit,
/// until they satisfy a condition.
final class LineWatcher: @unchecked Sendable {
    private let condition = NSCondition()
    private var collected: [String] = []
    private var partial = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                condition.lock()
                partial.append(data)
                while let newline = partial.firstIndex(of: 0x0A) {
                    collected.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
                    partial = Data(partial[(newline + 1)...])
                }
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    var lines: [String] {
        condition.lock()
        defer { condition.unlock() }
        return collected
    }

    /// True once `predicate` holds; false after `seconds`.
    func wait(seconds: Double = 20, _ predicate: ([String]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !predicate(collected) {
            if !condition.wait(until: deadline) { return predicate(collected) }
        }
        return true
    }
}

@Suite(.timeLimit(.minutes(1))) struct DualInterfaceTests {
    @Test func aScannerWithKeyboardAndHIDPOSInterfacesIsReadOnceThroughHIDPOS() throws {
        let fixture = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/dual-interface-scanner.umockdev").path
        let result = try Packd.runUnderUmockdev(["-d", fixture], ["scans", "--timeout", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("/dev/hidraw3: opened /dev/hidraw3"), "\(result.stderr)")
        #expect(result.stderr.contains("/dev/input/event12: not read: the same scanner is read through HID POS (/dev/hidraw3)"), "\(result.stderr)")
        #expect(!result.stderr.contains("/dev/input/event12: opened"))
    }
}
