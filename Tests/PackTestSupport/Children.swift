public import Foundation
import Glibc

/// What every program a test starts goes through, so that none outlives the test
/// process or a test's time limit:
///
/// - it dies with the test process: `setpriv --pdeathsig KILL` sets
///   PR_SET_PDEATHSIG before it execs the program (the same pid);
/// - it is spawned from one thread that lives as long as the process, because
///   the kernel sends that signal when the *thread* that forked the child
///   exits, and Swift's and Dispatch's worker threads retire when idle;
/// - the one kill rule: SIGTERM at the time limit, SIGKILL `killGrace` seconds
///   later, and every wait after that bounded too (`Process.end`).
public enum Children {
    /// Seconds between SIGTERM and SIGKILL.
    public static let killGrace: Double = 5

    public static let setpriv = "/usr/bin/setpriv"

    /// `executable` and `arguments` as started under `setpriv --pdeathsig KILL`.
    /// A program already started through setpriv (as another user: PostgreSQL
    /// as postgres) gets the option in that setpriv: the kernel clears the
    /// signal when the user changes, and setpriv sets it after the change.
    public static func dyingWithUs(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        if executable == setpriv { return (setpriv, ["--pdeathsig", "KILL"] + arguments) }
        if executable == "/usr/bin/env", arguments.first == setpriv {
            return (setpriv, ["--pdeathsig", "KILL"] + arguments.dropFirst())
        }
        return (setpriv, ["--pdeathsig", "KILL", "--", executable] + arguments)
    }

    /// Runs `body` (the spawn) on the spawning thread and returns what it returned.
    public static func spawn<T>(_ body: @escaping () throws -> T) throws -> T {
        let call = SpawnCall(body)
        spawner.submit(call)
        call.done.wait()
        return try call.result!.get() as! T
    }

    private static let spawner = SpawningThread()
}

extension Process {
    /// Starts the process (its executable and arguments under `setpriv
    /// --pdeathsig KILL`) from the spawning thread.
    public func startDyingWithUs() throws {
        let (executable, arguments) = Children.dyingWithUs(executableURL?.path ?? "", self.arguments ?? [])
        executableURL = URL(fileURLWithPath: executable)
        self.arguments = arguments
        try Children.spawn { try self.run() }
    }

    /// The kill rule at a time limit: SIGTERM, then SIGKILL after the grace;
    /// returns once it has ended (a process SIGKILL cannot end, stuck in the
    /// kernel, is left after a further grace rather than hanging the test).
    public func end() {
        guard isRunning else { return }
        kill(processIdentifier, SIGTERM)
        if waitForExit(seconds: Children.killGrace) { return }
        kill(processIdentifier, SIGKILL)
        _ = waitForExit(seconds: Children.killGrace)
    }

    /// Waits at most `seconds`; a process still running then is ended by the kill
    /// rule, so that no test hangs on it.
    public func waitUntilExit(seconds: Double) {
        if !waitForExit(seconds: seconds) { end() }
    }

    /// Whether it exited within `seconds`.
    private func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning {
            guard Date() < deadline else { return false }
            usleep(5_000)
        }
        // Foundation has reaped it; this returns at once.
        waitUntilExit()
        return true
    }
}

/// One spawn asked of the spawning thread.
private final class SpawnCall: @unchecked Sendable {
    let body: () throws -> Any
    var result: Result<Any, any Error>?
    let done = DispatchSemaphore(value: 0)

    init<T>(_ body: @escaping () throws -> T) { self.body = { try body() } }
}

/// The one thread children are spawned from; it never exits.
private final class SpawningThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var calls: [SpawnCall] = []

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "test-spawner"
        thread.start()
    }

    func submit(_ call: SpawnCall) {
        condition.lock()
        calls.append(call)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while calls.isEmpty { condition.wait() }
            let call = calls.removeFirst()
            condition.unlock()
            call.result = Result { try call.body() }
            call.done.signal()
        }
    }
}
