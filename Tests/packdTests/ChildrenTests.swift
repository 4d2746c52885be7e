import Foundation
import Glibc
import PackTestRequirements
import PackTestSupport
import Testing

/// The programs tests start die with the test process (PR_SET_PDEATHSIG), but not
/// with the thread that asked for them, and the kill rule ends one that ignores
/// SIGTERM.
@Suite(.offCooperativePool) struct ChildrenTests {
    @Test func aChildKnowsItDiesWithTheTestProcess() throws {
        let script = "import ctypes; s = ctypes.c_int(0); ctypes.CDLL(None).prctl(2, ctypes.byref(s), 0, 0, 0); print(s.value)"
        let result = try ExternalTool.run("python3", ["-c", script])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.trimmingCharacters(in: .whitespacesAndNewlines) == "\(SIGKILL)")
    }

    /// A program a test starts as another user through setpriv (PostgreSQL runs
    /// as postgres) dies with the test process too: the kernel clears the signal
    /// when the user changes, so the option goes into that setpriv, which sets
    /// it after the change.
    @Test(.requires(getuid() == 0, "needs root to start a program as another user"))
    func aChildStartedAsAnotherUserKnowsItDiesWithTheTestProcess() throws {
        let script = "import ctypes; s = ctypes.c_int(0); ctypes.CDLL(None).prctl(2, ctypes.byref(s), 0, 0, 0); print(s.value)"
        let asNobody = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/bin/python3", "-c", script]
        let result = try ExternalTool.run(Children.setpriv, asNobody)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.trimmingCharacters(in: .whitespacesAndNewlines) == "\(SIGKILL)")
        // The Daemon path, PostgreSQL's server: the same, its output in a file.
        let dir = TempDirectory("children")
        let output = dir.sub("pdeathsig.txt")
        let server = try Daemon(Children.setpriv, asNobody, output: output)
        #expect(server.wait(timeout: 30) == 0)
        let written = try String(contentsOfFile: output, encoding: .utf8)
        #expect(written.trimmingCharacters(in: .whitespacesAndNewlines) == "\(SIGKILL)")
    }

    /// A thread starts two children under `setpriv --pdeathsig KILL` and exits: the
    /// one it spawned itself is killed with it (the kernel's rule, and proof that
    /// the thread's exit has been dealt with); the one spawned through Children
    /// lives on.
    @Test func aChildOutlivesTheThreadThatAskedForIt() throws {
        final class Spawned: @unchecked Sendable {
            var direct: pid_t = 0
            var throughChildren: Daemon?
            var error: (any Error)?
        }
        let spawned = Spawned()
        let context = Unmanaged.passRetained(spawned).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            let spawned = Unmanaged<Spawned>.fromOpaque(context!).takeRetainedValue()
            let words = ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/bin/sleep", "120"]
            let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            // The survivor first: the kernel signals a dying thread's children in
            // the order they were forked, so once the other is dead, the survivor
            // would have been sent its SIGKILL.
            do { spawned.throughChildren = try Daemon("/bin/sleep", ["120"]) } catch { spawned.error = error }
            _ = posix_spawn(&spawned.direct, "/usr/bin/setpriv", nil, nil, argv, environ)
            // Not before setpriv has set the signal and exec'd sleep in both: a
            // thread gone by then would leave a child nobody's death to die of.
            let deadline = Date().addingTimeInterval(30)
            for pid in [spawned.direct, spawned.throughChildren?.pid ?? 0] where pid > 0 {
                while Date() < deadline,
                    (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.hasPrefix("/bin/sleep") != true
                {
                    usleep(1_000)
                }
            }
            return nil
        }, context)
        try #require(created == 0)
        pthread_join(thread, nil)
        if let error = spawned.error { throw error }
        let survivor = try #require(spawned.throughChildren)
        defer { survivor.stop(SIGKILL) }
        var status: Int32 = 0
        try waitUntil("the child spawned by the exited thread itself is killed", seconds: 30) {
            waitpid(spawned.direct, &status, WNOHANG) == spawned.direct
        }
        #expect((status & 0x7f) == SIGKILL)
        #expect(survivor.exited() == nil && !Self.isDying(survivor.pid), "the child spawned through Children died with the thread that asked for it")
    }

    /// Whether a SIGKILL is pending for `pid` or it is already exiting (so that a
    /// kill sent a moment ago is seen without waiting for its end).
    static func isDying(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        // After "pid (comm)": state, ppid, pgrp, session, tty, tpgid, flags.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let exiting = (UInt64(fields[6]) ?? 0) & 0x4 != 0  // PF_EXITING
        let killPending = status.split(separator: "\n").contains { line in
            (line.hasPrefix("SigPnd:") || line.hasPrefix("ShdPnd:"))
                && (UInt64(line.split(separator: "\t").last ?? "", radix: 16) ?? 0) & (1 << (UInt64(SIGKILL) - 1)) != 0
        }
        return fields[0] == "Z" || exiting || killPending
    }

    @Test func theKillRuleEndsAChildThatIgnoresSigterm() throws {
        let started = Date()
        let result = try ExternalTool.run("sh", ["-c", "trap '' TERM; echo up; while :; do sleep 0.1; done"], timeout: 1)
        #expect(result.status == SIGKILL, "status \(result.status): not ended by SIGKILL")
        #expect(result.text == "up\n")
        // SIGTERM at 1 s, SIGKILL a grace later: bounded, well under a minute.
        #expect(Date().timeIntervalSince(started) < 1 + 2 * Children.killGrace + 5)
    }
}
