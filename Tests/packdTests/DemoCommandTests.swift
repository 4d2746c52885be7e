import Foundation
import PackDaemon
import PackTestSupport
import PackTestRequirements
import Testing

/// `packd demo`, README's first command, as a newcomer runs it.
@Suite(.offCooperativePool, .serialized)
struct DemoCommandTests {
    let dir = TempDirectory()

    @Test("The samples built into packd are exactly samples/")
    func embeddedSamplesMatchTheFiles() throws {
        let samples = Packd.repository.appendingPathComponent("samples")
        let orders = try String(contentsOf: samples.appendingPathComponent("orders.json"), encoding: .utf8)
        let scans = try String(contentsOf: samples.appendingPathComponent("scans.jsonl"), encoding: .utf8)
        #expect(DemoSamples.orders + "\n" == orders || DemoSamples.orders == orders)
        #expect(DemoSamples.scans + "\n" == scans || DemoSamples.scans == scans)
    }

    @Test(.timeLimit(.minutes(2)))
    func withNoTerminalItPlaysTheSampleScriptPrintsLabelsAndExits() throws {
        let labels = dir.sub("labels")
        let result = try Packd.run(["demo", "--labels", labels, "--port", "0"], timeout: 90)
        #expect(result.status == 0, "\(result.stderr)")
        // The station screen's address comes first, so a newcomer opens it before the scans play.
        let firstLines = result.stdout.split(separator: "\n").prefix(2).joined(separator: "\n")
        #expect(firstLines.contains("Screen: http://127.0.0.1:") && firstLines.contains("/stations/pack-01?token="), "\(result.stdout.prefix(400))")
        #expect(result.stdout.contains("API:    http://127.0.0.1:"))
        #expect(result.stdout.contains("token: "))
        #expect(result.stdout.contains("parcel_completed: Parcel YT2412345678901 complete and shipped."))
        #expect(result.stdout.contains("intercepted: STOP: the order was cancelled."))
        #expect(result.stdout.contains("single_item_claimed"))
        #expect(result.stdout.contains("packd demo: done."))
        let files = try FileManager.default.contentsOfDirectory(atPath: labels).sorted()
        #expect(files.filter { $0.hasSuffix(".zpl") }.count == 6, "\(files)")
        #expect(files.filter { $0.hasSuffix(".png") }.count == 6, "\(files)")
        let png = try #require(FileManager.default.contents(atPath: "\(labels)/1-SO-1001-SO-1001-1.png"))
        #expect(try Decoders.zbar(png: [UInt8](png)).contains("YT2412345678901"))
        let zpl = try #require(FileManager.default.contents(atPath: "\(labels)/1-SO-1001-SO-1001-1.zpl"))
        #expect(try Decoders.zbar(png: Decoders.zplkit([UInt8](zpl), dpi: 203).png).contains("YT2412345678901"))
    }

    @Test(.timeLimit(.minutes(2)))
    func onATerminalEachTypedLineIsAScanUntilCtrlD() throws {
        let pty = try PseudoTerminal()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Packd.binary)
        process.arguments = ["demo", "--labels", dir.sub("labels"), "--port", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        process.standardInput = try #require(FileHandle(forUpdatingAtPath: pty.slavePath))
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.startDyingWithUs()
        let watcher = LineWatcher(out.fileHandleForReading)
        #expect(watcher.wait(seconds: 30) { $0.contains { $0.contains("Scan by typing a code") } })
        pty.send("YT2412345678901\n")
        #expect(watcher.wait(seconds: 30) { $0.contains { $0.contains("parcel_opened: Parcel YT2412345678901 open") } })
        pty.send("6901234567892\n")
        #expect(watcher.wait(seconds: 30) { $0.contains { $0.contains("RAZOR-01 1/2") } })
        pty.send([4])  // Ctrl-D
        try waitUntil("packd demo ends at the end of its input", seconds: 30) { !process.isRunning }
        process.end()
        #expect(process.terminationStatus == 0)
    }
}
