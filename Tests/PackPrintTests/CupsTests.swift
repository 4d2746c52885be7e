import Foundation
import PackPrint
import PackTestRequirements
import PackTestSupport
import Testing

/// libcups against a real cupsd of the test's own, with socket printers that
/// record every byte.
@Suite("CUPS", .offCooperativePool, .requires(PrivateCups.available, "needs root and cupsd"), .serialized)
struct CupsTests {
    static func zpl(_ n: Int) -> [UInt8] { Array("^XA^FO50,50^BCN,100^FDLABEL\(n)^FS^XZ\n".utf8) }

    @Test("Queues are listed with their state and the languages packd may send")
    func listsQueues() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let queues = try cups.connection().printers()
        #expect(queues.map(\.name) == ["zebra1"])
        let q = try #require(queues.first)
        #expect(q.state == .idle && q.acceptingJobs && q.isRaw)
        #expect(q.languages == ["zpl", "tspl"])
        #expect(q.deviceURI == "socket://127.0.0.1:\(printer.port)")
        #expect(try cups.connection().printer("zebra1") == q)
    }

    @Test("A raw job reaches the printer byte for byte and completes")
    func rawJob() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let label = Self.zpl(1) + [0x00, 0xFF, 0x1B] + Array("~JA^XZ".utf8)
        let id = try cups.connection().submit(printer: "zebra1", jobName: "packd-test-1", format: .raw, document: label)
        #expect(try printer.waitForJobs(1) == [label])
        let state = try cups.waitForFinalState(printer: "zebra1", job: id)
        #expect(state.state == .completed)
        #expect(try cups.connection().job(printer: "zebra1", named: "packd-test-1")?.id == id)
        #expect(try cups.connection().job(printer: "zebra1", named: "packd-test-2") == nil)
        // A lookup can start after jobs known to be older (CUPS answers at most 500).
        #expect(try cups.connection().job(printer: "zebra1", named: "packd-test-1", after: id) == nil)
        #expect(try cups.connection().job(printer: "zebra1", named: "packd-test-1", after: id - 1)?.id == id)
    }

    @Test("A job created ahead prints nothing until its document comes, and does not hold up the queue")
    func createdAhead() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let connection = try cups.connection()
        let ahead = try connection.createJob(printer: "zebra1", jobName: "packd-ahead", format: .raw)
        // A label submitted after it prints while it waits.
        let other = try connection.submit(printer: "zebra1", jobName: "packd-other", format: .raw, document: Self.zpl(2))
        #expect(try printer.waitForJobs(1) == [Self.zpl(2)])
        #expect(try cups.waitForFinalState(printer: "zebra1", job: other).state == .completed)
        let waiting = try connection.job(printer: "zebra1", id: ahead)
        #expect(!waiting.state.isFinal && waiting.reasons.contains("job-incoming"), "\(waiting)")
        try connection.sendDocument(printer: "zebra1", id: ahead, jobName: "packd-ahead", format: .raw, document: Self.zpl(1))
        #expect(try printer.waitForJobs(2) == [Self.zpl(2), Self.zpl(1)])
        #expect(try cups.waitForFinalState(printer: "zebra1", job: ahead).state == .completed)
        // One cancelled before its document never prints.
        let abandoned = try connection.createJob(printer: "zebra1", jobName: "packd-abandoned", format: .raw)
        try connection.cancel(printer: "zebra1", id: abandoned)
        #expect(try connection.job(printer: "zebra1", id: abandoned).state == .canceled)
        // One whose document is refused (empty, too large) is cancelled, not left waiting.
        let refused = try connection.createJob(printer: "zebra1", jobName: "packd-refused", format: .raw)
        #expect(throws: PrintError.self) {
            try connection.sendDocument(printer: "zebra1", id: refused, jobName: "packd-refused", format: .raw, document: [])
        }
        #expect(try connection.job(printer: "zebra1", id: refused).state == .canceled)
        #expect(printer.jobs.count == 2)
    }

    @Test("Ten labels to one printer arrive in order")
    func tenInOrder() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let connection = try cups.connection()
        for n in 0..<10 {
            _ = try connection.submit(printer: "zebra1", jobName: "packd-\(n)", format: .raw, document: Self.zpl(n))
        }
        #expect(try printer.waitForJobs(10) == (0..<10).map(Self.zpl))
    }

    @Test("Two printers work in parallel without mixing")
    func twoPrinters() throws {
        let cups = try PrivateCups()
        let a = try SocketPrinter()
        let b = try SocketPrinter()
        try cups.addRawQueue("pack-01", port: a.port)
        try cups.addRawQueue("pack-02", port: b.port)
        let group = DispatchGroup()
        let failures = FailureList()
        for (queue, offset) in [("pack-01", 0), ("pack-02", 100)] {
            DispatchQueue.global().async(group: group) {
                do {
                    let connection = try CupsConnection(server: cups.socket)
                    for n in offset..<(offset + 5) {
                        _ = try connection.submit(printer: queue, jobName: "packd-\(n)", format: .raw, document: Self.zpl(n))
                    }
                } catch { failures.add("\(error)") }
            }
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        #expect(failures.all.isEmpty)
        #expect(try a.waitForJobs(5) == (0..<5).map(Self.zpl))
        #expect(try b.waitForJobs(5) == (100..<105).map(Self.zpl))
    }

    @Test("Bad requests are refused precisely")
    func refusals() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let connection = try cups.connection()
        let unknown = #expect(throws: PrintError.self) {
            try connection.submit(printer: "nope", jobName: "j", format: .raw, document: Self.zpl(1))
        }
        #expect(unknown?.kind == .unknownPrinter)
        let badName = #expect(throws: PrintError.self) {
            try connection.submit(printer: "a/b", jobName: "j", format: .raw, document: Self.zpl(1))
        }
        #expect(badName?.kind == .unknownPrinter)
        let huge = #expect(throws: PrintError.self) {
            try connection.submit(
                printer: "zebra1", jobName: "j", format: .raw, document: [UInt8](repeating: 0x41, count: 100_000_000))
        }
        #expect(huge?.kind == .tooLarge)
        let pdfToRaw = #expect(throws: PrintError.self) {
            try connection.submit(printer: "zebra1", jobName: "j", format: .pdf, document: Array("%PDF-1.4".utf8))
        }
        #expect(pdfToRaw?.kind == .unsupportedFormat)
        try cups.command("/usr/sbin/cupsreject", ["zebra1"])
        let rejecting = #expect(throws: PrintError.self) {
            try connection.submit(printer: "zebra1", jobName: "j", format: .raw, document: Self.zpl(1))
        }
        #expect(rejecting?.kind == .notAccepting)
        #expect(try connection.printer("zebra1").acceptingJobs == false)
        // Nothing reached the printer, and the queue still works once accepting.
        try cups.command("/usr/sbin/cupsaccept", ["zebra1"])
        _ = try connection.submit(printer: "zebra1", jobName: "j", format: .raw, document: Self.zpl(7))
        #expect(try printer.waitForJobs(1) == [Self.zpl(7)])
    }

    @Test("A disabled queue holds its jobs and says it is paused")
    func disabledQueue() throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        try cups.command("/usr/sbin/cupsdisable", ["zebra1"])
        let connection = try cups.connection()
        let status = try connection.printer("zebra1")
        #expect(status.state == .stopped)
        #expect(status.conditions.contains(.paused))
        let id = try connection.submit(printer: "zebra1", jobName: "held", format: .raw, document: Self.zpl(1))
        #expect(try connection.job(printer: "zebra1", id: id).state == .pending)
        #expect(printer.jobs.isEmpty)
        try cups.command("/usr/sbin/cupsenable", ["zebra1"])
        #expect(try printer.waitForJobs(1) == [Self.zpl(1)])
    }

    @Test("An unreachable cupsd is a precise error")
    func serverDown() throws {
        let error = #expect(throws: PrintError.self) {
            try CupsConnection(server: "/nonexistent/cups.sock", timeoutMilliseconds: 500).printers()
        }
        #expect(error?.kind == .serverUnreachable)
    }
}

final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}
