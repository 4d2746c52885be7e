import Foundation
import PackTestRequirements
import PackTestSupport
import Testing

/// `packd doctor` on a station that is well, and on one that is not.
@Suite(.offCooperativePool, .requires(PrivateCups.available, "needs root and cupsd"), .serialized)
struct DoctorCommandTests {
    let dir = TempDirectory()

    func rulesDirectory() throws -> String {
        let rules = dir.sub("rules.d")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Packd.repository.appendingPathComponent("udev-rules/60-packd.rules").path, toPath: "\(rules)/60-packd.rules")
        return rules
    }

    @Test(.timeLimit(.minutes(2)))
    func aWellStationPassesEveryCheck() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        // The queue's printer answers as long as the test runs.
        defer { withExtendedLifetime(printer) {} }
        let pty = try PseudoTerminal()
        let config = cups.packdConfig(scanner: pty.slavePath)
        // doctor reads the port from the configuration: a fixed one here.
        let packd = try RunningPackd(dir: dir.path, config: config, listen: "127.0.0.1:\(try HTTPClient.freePort())")
        let result = try Packd.run(["doctor", "--config", packd.configPath, "--udev-rules-dir", try rulesDirectory()])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for line in ["ok   config:", "ok   scanner: \(pty.slavePath) → station pack-01", "ok   udev:",
                     "ok   library: libpangocairo-1.0.so.0 (renders labels) loads", "ok   library: libcups.so.2", "ok   cups:",
                     "ok   printer: label-01: queue zebra1 idle, takes zpl", "ok   journal:", "ok   outbox: 0 event(s) waiting",
                     "ok   api: packd answers at 127.0.0.1:\(packd.port)", "packd doctor: all well"] {
            #expect(result.stdout.contains(line), "\(line)\n\(result.stdout)")
        }
        #expect(packd.stop()?.status == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func eachProblemIsNamedWithItsFixAndTheExitCodeSaysSo() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        // The queue's printer answers as long as the test runs.
        defer { withExtendedLifetime(printer) {} }
        let port = try HTTPClient.freePort()
        let config = dir.file("packd.toml", """
            state_dir = "\(dir.sub("state"))"
            [cups]
            server = "\(cups.socket)"
            [printers.label-01]
            queue = "zebra1"
            language = "pdf"
            [printers.label-02]
            queue = "nowhere"
            [engine]
            printer = "label-01"
            [[scanners]]
            station = "pack-01"
            device = "/dev/packd/no-such-scanner"
            [api]
            listen = "127.0.0.1:\(port)"
            """)
        let result = try Packd.run(["doctor", "--config", config, "--udev-rules-dir", dir.sub("empty")])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        for line in [
            "warn scanner: /dev/packd/no-such-scanner (station pack-01) does not exist",
            "FAIL udev: packd's udev rules are not installed", "fix: install -m 0644 udev-rules/60-packd.rules",
            "FAIL printer: label-01: queue zebra1 takes zpl, tspl, not pdf",
            "FAIL printer: label-02: CUPS has no queue \"nowhere\"",
            "warn journal:", "FAIL api: packd does not answer at 127.0.0.1:\(port)", "fix: start packd",
        ] {
            #expect(result.stdout.contains(line), "\(line)\n\(result.stdout)")
        }
        let json = try Packd.run(["doctor", "--config", config, "--json"])
        #expect(json.status == 1)
        #expect(json.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{\"area\":") })
        cups.stop()
        let noCups = try Packd.run(["doctor", "--config", config])
        #expect(noCups.stdout.contains("FAIL cups: CUPS at \(cups.socket) does not answer"), "\(noCups.stdout)")
        // A library packd loads on first use that cannot be loaded (the loader finds an empty file first).
        let libraries = dir.sub("broken-libs")
        try FileManager.default.createDirectory(atPath: libraries, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: "\(libraries)/libpoppler-glib.so.8", contents: Data())
        let noPoppler = try Packd.run(["doctor", "--config", config], environment: ["LD_LIBRARY_PATH": libraries])
        #expect(noPoppler.status == 1)
        #expect(noPoppler.stdout.contains("FAIL library: libpoppler-glib.so.8 (reads carriers' PDF labels) cannot be loaded"), "\(noPoppler.stdout)")
        #expect(noPoppler.stdout.contains("fix: apt-get install libpoppler-glib8"), "\(noPoppler.stdout)")
        let broken = try Packd.run(["doctor", "--config", dir.file("bad.toml", "[engine]\nrequire_ack = 3\n")])
        #expect(broken.status == 2)
    }
}
