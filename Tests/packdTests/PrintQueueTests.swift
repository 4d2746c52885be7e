import Foundation
import PackStore
import PackTestRequirements
import PackTestSupport
import Testing

/// The journal's print queue worked against a private cupsd: labels arrive in
/// order and exactly once through printer faults, a CUPS restart and a SIGKILL.
@Suite(.offCooperativePool, .requires(PrivateCups.available, "needs root and cupsd"), .serialized)
struct PrintQueueTests {
    let dir = TempDirectory()
    var state: String { dir.sub("state") }

    static func label(_ n: Int) -> String { "^XA^FO40,40^A0N,30,30^FDlabel \(n)^FS^XZ\n" }

    func enqueue(_ cups: PrivateCups, _ labels: [String], printer: String = "zebra1") throws {
        let files = labels.enumerated().map { dir.file("l\($0.offset)-\(UUID().uuidString.prefix(6)).zpl", $0.element) }
        let result = try Packd.run(
            ["debug", "print-queue", "enqueue", "--printer", printer, "--state", state] + files, environment: cups.environment)
        #expect(result.status == 0, "\(result.stderr)")
    }

    func drain(_ cups: PrivateCups, timeout: Int = 60, printer: String = "zebra1") throws -> Packd.Result {
        try Packd.run(
            ["debug", "print-queue", "drain", "--printer", printer, "--state", state, "--timeout", String(timeout)],
            environment: cups.environment, timeout: Double(timeout + 30))
    }

    func jobStates() async throws -> [PrintJobState] {
        try await SQLiteJournal(directory: state).printJobs(printer: nil, limit: 1000).map(\.state)
    }

    @Test(.timeLimit(.minutes(2)))
    func tenLabelsArriveInOrderAndAreMarkedCompleted() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let labels = (0..<10).map(Self.label)
        try enqueue(cups, labels)
        let result = try drain(cups)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(printer.jobs == labels.map { Array($0.utf8) })
        #expect(try await jobStates() == Array(repeating: .completed, count: 10))
    }

    @Test(.timeLimit(.minutes(2)))
    func aPrinterThatIsDownHoldsTheQueueAndPrintsOnceWhenBack() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        printer.close()
        try enqueue(cups, [Self.label(1), Self.label(2)])
        let waiting = try drain(cups, timeout: 3)
        #expect(waiting.status == 2)
        #expect(waiting.stderr.contains("jobs are left on zebra1"))
        #expect(try await jobStates() == [.sent, .queued])
        try printer.reopen()
        let done = try drain(cups)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(try printer.jobsOnceQuiet() == [Self.label(1), Self.label(2)].map { Array($0.utf8) })
    }

    /// cupsd stopped (SIGTERM) and restarted in the middle of a queue. Every label
    /// reaches the printer once from packd, in order (cupsd itself may send again
    /// the one job it was sending when it stopped). A job CUPS was finishing when it stopped
    /// can come back "processing" on an idle printer for good: packd does not send
    /// it again (the printer has it) but marks it failed with a reason to check.
    @Test(.timeLimit(.minutes(2)))
    func cupsRestartedMidQueueLosesAndRepeatsNothing() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let labels = (0..<10).map(Self.label)
        try enqueue(cups, labels)
        let process = try startDrain(cups, extra: ["--stuck-after", "2"])
        _ = try printer.waitForJobs(3)
        cups.stop()
        #expect(printer.jobs.count < labels.count, "cupsd stopped after the queue was done: nothing was in flight")
        try cups.start()
        process.waitUntilExit(seconds: 60)
        #expect(process.terminationStatus == 0)
        let jobs = try await SQLiteJournal(directory: state).printJobs(printer: nil, limit: 100)
        var received = try printer.jobsOnceQuiet()
        if let again = received.indices.dropFirst().first(where: { received[$0] == received[$0 - 1] }) {
            // cupsd restarts the job it was sending when it was stopped (its own
            // at-least-once): the printer can get that one label twice, from CUPS. packd
            // must not have sent it twice: its job went to CUPS once.
            let label = received[again]
            let job = jobs.first { $0.request.document == label }
            #expect(job?.attempts == 1, "packd submitted the repeated label \(job?.attempts ?? 0) times")
            received.remove(at: again)
        }
        #expect(received == labels.map { Array($0.utf8) }, "each label once from packd, in order")
        for job in jobs where job.state != .completed {
            #expect(job.state == .failed && job.lastError?.contains("it may have printed") == true)
        }
        #expect(jobs.filter { $0.state != .completed }.count <= 1)
    }

    @Test(.timeLimit(.minutes(2)))
    func packdKilledMidQueueLosesAndRepeatsNothing() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let labels = (0..<10).map(Self.label)
        try enqueue(cups, labels)
        let process = try startDrain(cups)
        _ = try printer.waitForJobs(4)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit(seconds: 60)
        #expect(try await jobStates().contains { $0 != .completed }, "the kill came after the queue was done: nothing was in flight")
        let result = try drain(cups)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try printer.jobsOnceQuiet() == labels.map { Array($0.utf8) })
        #expect(try await jobStates() == Array(repeating: .completed, count: 10))
    }

    func startDrain(_ cups: PrivateCups, extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Packd.binary)
        process.arguments = ["debug", "print-queue", "drain", "--printer", "zebra1", "--state", state, "--timeout", "60"] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(cups.environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.startDyingWithUs()
        return process
    }
}
