import Foundation
import PackTestSupport
import PackCore
import PackTestRequirements
import Testing

/// Hot-plug: `packd scans` with no device runs inside a umockdev testbed; a scanner
/// is plugged in, scans, is unplugged and plugged in again. Every code arrives
/// exactly once, and the unplugged scanner is released.
@Suite(.offCooperativePool, .timeLimit(.minutes(1))) struct HotplugTests {
    static let fixture = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/scanner.umockdev").path
    let dir = TempDirectory()

    /// Digits and capitals A-C, as a US-layout scanner types them.
    static let keys: Evemu.Keys = [
        "0": (11, []), "1": (2, []), "2": (3, []), "3": (4, []), "4": (5, []), "5": (6, []),
        "A": (30, [42]), "B": (48, [42]), "C": (46, [42]),
    ]

    func events(_ codes: [String], pauseBefore: Int? = nil) -> String {
        dir.file("events-\(UUID().uuidString)", Evemu.script(codes, keys: Self.keys, pauseBefore: pauseBefore))
    }

    @Test func scannersPluggedInAreReadAndOneUnpluggedIsReleased() throws {
        let scannerA = Self.fixture
        let scannerB = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/scanner-b.umockdev").path
        let run = try UmockdevRun(["scans", "--count", "6", "--timeout", "45", "--inter-key-timeout", "2000"])
        let stdout = run.stdout
        let stderr = run.stderr
        defer { run.quit() }

        #expect(stderr.wait { $0.contains { $0.contains("watching for scanners") } }, "\(stderr.lines)")
        try run.add(scannerA)
        #expect(stderr.wait { $0.contains { $0.contains("/dev/input/event7: opened") } }, "\(stderr.lines)")
        try run.events("/dev/input/event7", events(["A1", "B2"]))
        #expect(stdout.wait { $0.count == 2 }, "\(stdout.lines) \(stderr.lines)")

        // A second scanner is plugged in while the first one is read.
        try run.add(scannerB)
        #expect(stderr.wait { $0.contains { $0.contains("/dev/input/event9: opened") } }, "\(stderr.lines)")
        // (umockdev replays one event file per device: the second scanner's codes
        // come in two bursts, the second after the first scanner is unplugged.)
        try run.events("/dev/input/event9", events(["C3", "A4", "B5", "C0"], pauseBefore: 2))
        #expect(stdout.wait { $0.count == 4 }, "\(stdout.lines) \(stderr.lines)")

        // The first is unplugged: released; the second goes on.
        try run.remove(scannerA)
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

@Suite(.offCooperativePool, .timeLimit(.minutes(1))) struct DualInterfaceTests {
    @Test func aScannerWithKeyboardAndHIDPOSInterfacesIsReadOnceThroughHIDPOS() throws {
        let fixture = Packd.repository.appendingPathComponent("Tests/packdTests/Fixtures/dual-interface-scanner.umockdev").path
        let result = try Packd.runUnderUmockdev(["-d", fixture], ["scans", "--timeout", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("/dev/hidraw3: opened /dev/hidraw3"), "\(result.stderr)")
        #expect(result.stderr.contains("/dev/input/event12: not read: the same scanner is read through HID POS (/dev/hidraw3)"), "\(result.stderr)")
        #expect(!result.stderr.contains("/dev/input/event12: opened"))
    }
}
