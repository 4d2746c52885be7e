import Foundation
import PackTestSupport
import PackTestRequirements
import Testing

/// `packd run` under a systemd watchdog (WATCHDOG_USEC): it pings at half the
/// interval while its journal answers, and stops pinging when the journal check
/// fails, so that systemd restarts a packd that can no longer record a scan.
@Suite(.offCooperativePool) struct WatchdogTests {
    @Test(.timeLimit(.minutes(2)))
    func pingsWhileTheJournalAnswersAndStopsWhenItFails() throws {
        let dir = TempDirectory()
        // WatchdogSec=0.6 s: a ping every 0.3 s.
        let packd = try RunningPackd(dir: dir.sub("packd"), environment: ["WATCHDOG_USEC": "600000"])
        defer { packd.stop() }
        let started = Date()
        for n in 1...5 {
            #expect(packd.notify.wait(for: "WATCHDOG=1", timeout: 2), "ping \(n) did not come within 2 s")
        }
        // Five pings at 0.3 s: about 1.5 s; the 2 s default interval would take 8 s or more.
        #expect(Date().timeIntervalSince(started) < 6)

        // The journal fails every check from now on: its outbox table is gone.
        let drop = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=30); c.execute('DROP TABLE outbox'); c.commit()"
        let dropped = try ExternalTool.run("python3", ["-c", drop, packd.statePath + "/journal.sqlite"])
        try #require(dropped.status == 0, "\(dropped.stderr)")
        func failures() -> Int { packd.log.components(separatedBy: "journal check failed").count - 1 }
        try waitUntil("packd logs two failed journal checks", seconds: 30) { failures() >= 2 }
        // Pings sent before the first failure may still wait in the socket.
        packd.notify.drain()
        let before = failures()
        #expect(!packd.notify.wait(for: "WATCHDOG=1", timeout: 2), "packd pinged the watchdog with a failing journal")
        // The checks went on (each failed) while no ping came, and packd still runs.
        #expect(failures() > before)
        #expect(packd.pid.map { kill($0, 0) == 0 } == true)
        #expect(packd.log.contains("<3>journal check failed"))
    }
}
