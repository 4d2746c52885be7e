import CPackdLinux
import Foundation
public import Glibc

/// A background program started with every signal unblocked and at its default.
/// Foundation's `Process` passes on the caller's signal mask, and Swift's worker
/// threads block most signals: a cupsd started that way ignores SIGTERM.
public final class Daemon: @unchecked Sendable {
    public let pid: Glibc.pid_t

    /// Whether it leads a process group of its own, which `stopGroup` ends whole.
    public let ownGroup: Bool

    /// Starts `path`; with `environment` it replaces the caller's, and with
    /// `output` standard output and error go to that file. With `ownGroup` it
    /// starts a process group, so that its children can be ended with it.
    public init(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, output: String? = nil, ownGroup: Bool = false
    ) throws {
        self.ownGroup = ownGroup
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours: a test's FIFO or pipe held by a daemon would never
        // see its end of file.
        _ = packd_spawn_close_from(&actions, 3)
        // It dies with the test process, and is spawned from the thread that
        // lives as long (Children).
        let (spawnPath, spawnArguments) = Children.dyingWithUs(path, arguments)
        let argv = ([spawnPath] + spawnArguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { env in env.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        let spawned = try Children.spawn { [actions, attributes] () -> (Int32, pid_t) in
            var actions = actions
            var attributes = attributes
            var child: pid_t = 0
            let status = envp.map { e in posix_spawn(&child, spawnPath, &actions, &attributes, argv, e) }
                ?? posix_spawn(&child, spawnPath, &actions, &attributes, argv, environ)
            return (status, child)
        }
        guard spawned.0 == 0 else { throw PrinterError("cannot start \(path): errno \(spawned.0)") }
        pid = spawned.1
    }

    /// Sends `signal` and waits for the program to exit.
    public func stop(_ signal: Int32 = SIGTERM) {
        // Not to a pid already reaped: it may be another program's by now.
        if exited() == nil { kill(pid, signal) }
        _ = wait()
    }

    /// Sends `signal` to its whole process group (children it started too,
    /// which would otherwise outlive it) and waits for it to exit.
    public func stopGroup(_ signal: Int32 = SIGKILL) {
        precondition(ownGroup, "stopGroup needs a Daemon started with ownGroup")
        kill(-pid, signal)
        _ = wait()
    }

    /// Waits for the program to exit; its exit status, or 128 + the signal that
    /// ended it. A program still running after `timeout` seconds is killed (the
    /// status then says SIGKILL, which no test expects), so no test hangs on it.
    public func wait(timeout: Double = 60) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = exited() { return status }
            usleep(5_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Whether it has exited, without waiting; its status then. Once reaped, the
    /// same status again (waitpid would know the pid no more).
    public func exited() -> Int32? {
        reapLock.lock()
        defer { reapLock.unlock() }
        if let reaped { return reaped }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        reaped = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return reaped
    }

    private let reapLock = NSLock()
    private var reaped: Int32?
}
