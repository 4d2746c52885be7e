import Foundation
import PackCore
import PackTestRequirements
import PackTestSupport
import Testing

/// `packd scales watch` on a pseudo-terminal playing a serial scale.
@Suite(.offCooperativePool, .timeLimit(.minutes(1))) struct ScalesCommandTests {
    final class Watch {
        let process = Process()
        let lines: LineWatcher
        let log: LineWatcher

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: Packd.binary)
            process.arguments = ["scales", "watch"] + arguments + ["--timeout", "30"]
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.startDyingWithUs()
            lines = LineWatcher(out.fileHandleForReading)
            log = LineWatcher(err.fileHandleForReading)
        }

        func readings() throws -> [JSONValue] {
            process.waitUntilExit(seconds: 60)
            #expect(process.terminationStatus == 0, "\(log.untilEnd())")
            return try lines.untilEnd().map { try JSONParser.parse($0) }
        }
    }

    static func weights(_ readings: [JSONValue]) -> [String] {
        readings.map { r in
            if case .int(let g)? = r["grams"], case .string(let s)? = r["state"] { return "\(g) \(s)" }
            return "\(r)"
        }
    }

    /// packd asks (SI CR LF), the scale answers: moving, then settled, then over
    /// range; each change is one line.
    @Test func anMTSICSScaleIsAskedAndItsAnswersPrinted() throws {
        let pty = try PseudoTerminal()
        let watch = try Watch(["--device", pty.slavePath, "--protocol", "mt-sics", "--poll-ms", "50", "--count", "3"])
        for answer in ["S D      0.800 kg\r\n", "S S      0.812 kg\r\n", "S S      0.812 kg\r\n", "S +\r\n"] {
            let request = pty.receive { String(decoding: $0, as: UTF8.self).contains("SI\r\n") }
            #expect(String(decoding: request, as: UTF8.self).hasSuffix("SI\r\n"), "packd sent \(request)")
            pty.send(answer)
        }
        let readings = try watch.readings()
        // The same stable weight twice is one line.
        #expect(Self.weights(readings) == ["800 motion", "812 stable", "0 overload"])
        #expect(readings.allSatisfy { $0["device"] == .string(pty.slavePath) })
        if case .string(let at)? = readings.first?["at"] { #expect(Timestamp(rfc3339: at) != nil, "\(at)") }
        #expect(watch.log.untilEnd().first?.contains("opened \(pty.slavePath) at 9600 baud, 8N1, mt-sics") == true)
    }

    /// An XK3190-A9 sends by itself, with no stability flag: the weight is stable
    /// once unchanged for --stable-ms; a frame with a wrong checksum is dropped
    /// and said on standard error.
    @Test func anXK3190ScaleWithoutAFlagSettlesAfterStableMs() throws {
        func frame(_ digits: String, decimals: Int, corrupt: Bool = false) -> [UInt8] {
            let body = Array("+\(digits)\(decimals)".utf8)
            let xor = body.reduce(0, ^) ^ (corrupt ? 1 : 0)
            let hex = Array("0123456789ABCDEF".utf8)
            return [0x02] + body + [hex[Int(xor >> 4)], hex[Int(xor & 0x0F)], 0x03]
        }
        let pty = try PseudoTerminal()
        let watch = try Watch(["--device", pty.slavePath, "--protocol", "xk3190-a9", "--stable-ms", "300", "--count", "2"])
        #expect(watch.log.wait { $0.contains { $0.contains("opened") } })
        pty.send(frame("000999", decimals: 3, corrupt: true))
        // Frames every 50 ms until packd has printed the weight settled.
        let deadline = Date().addingTimeInterval(20)
        while watch.lines.lines.count < 2, Date() < deadline {
            pty.send(frame("001250", decimals: 3))
            usleep(50_000)
        }
        #expect(Self.weights(try watch.readings()) == ["1250 motion", "1250 stable"])
        #expect(watch.log.untilEnd().contains { $0.contains("a frame dropped (checksum)") })
    }

    /// CAS: packd enquires (ENQ), the scale acknowledges (ACK), packd asks for the
    /// weight (DC1), the scale sends its frame.
    @Test func aCASScaleAnswersTheEnquiryThenSendsItsWeight() throws {
        let pty = try PseudoTerminal()
        let watch = try Watch(["--device", pty.slavePath, "--protocol", "cas", "--poll-ms", "100", "--count", "1"])
        #expect(pty.receive { $0.contains(0x05) }.contains(0x05), "no ENQ")
        pty.send([0x06])
        #expect(pty.receive { $0.contains(0x11) }.contains(0x11), "no DC1 after the ACK")
        let body = Array("S   0.75kg".utf8)
        pty.send([0x01, 0x02] + body + [body.reduce(0, ^), 0x03, 0x04])
        #expect(Self.weights(try watch.readings()) == ["750 stable"])
    }

    /// A USB HID scale (a DYMO M10) plugged in under umockdev while `packd scales
    /// watch` waits for its hidraw node: the report it repeats on open is
    /// ignored, the next ones read.
    @Test(.requires(FileManager.default.isExecutableFile(atPath: UmockdevRun.harness), "needs the umockdev harness"))
    func aHIDScalePluggedInIsRead() throws {
        let run = try UmockdevRun(["scales", "watch", "--device", "/dev/hidraw5", "--protocol", "hid-pos", "--timeout", "30"])
        defer { run.quit() }
        try run.add(UmockdevRun.fixture("hid-scale"))
        #expect(run.stderr.wait { $0.contains { $0.contains("/dev/hidraw5: opened /dev/hidraw5, HID POS scale") } }, "\(run.stderr.lines)")
        // The stale report (10 kg) repeated on open, then 812 g moving, then settled.
        let reports: [[UInt8]] = [[3, 4, 2, 0, 0x10, 0x27], [3, 3, 2, 0, 0x2C, 0x03], [3, 4, 2, 0, 0x2C, 0x03]]
        try run.write("/dev/hidraw5", Array(reports.joined()))
        #expect(run.stdout.wait { $0.count >= 2 }, "\(run.stdout.lines) \(run.stderr.lines)")
        let readings = try run.stdout.lines.map { try JSONParser.parse($0) }
        #expect(Self.weights(readings) == ["812 motion", "812 stable"])
        // (Unplugging is not shown here: umockdev keeps a removed node's pty open,
        // where the kernel's hidraw read fails with ENODEV; see Tests/UmockdevHarness.)
    }

    @Test func badOptionsAreRefused() throws {
        let auto = try Packd.run(["scales", "watch", "--device", "/dev/null", "--protocol", "auto"])
        #expect(auto.status == 2)
        #expect(auto.stderr.contains("--protocol must be one of mt-sics, toledo-8217, continuous, xk3190-a9, xk3190-a12, cas, hid-pos"), "\(auto.stderr)")
        let unit = try Packd.run(["scales", "watch", "--device", "/dev/null", "--protocol", "cas", "--unit", "stone"])
        #expect(unit.status == 2)
        #expect(unit.stderr.contains("--unit must be kg, g, lb or oz"))
        let timeout = try Packd.run(["scales", "watch", "--device", "/dev/null", "--protocol", "cas", "--timeout", "nan"])
        #expect(timeout.status == 2)
    }
}
