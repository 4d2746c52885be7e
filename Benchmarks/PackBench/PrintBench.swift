import Foundation
import PackCore
import PackDaemon
import PackPrint
import PackStore
import PackTestSupport

/// Time from asking for a label to its last byte at a socket printer, through one
/// private cupsd: packd's durable queue, CUPS through libcups alone (no journal),
/// and `lp -o raw` of the same file. One label at a time.
enum PrintBench {
    struct Result {
        var packd: Samples
        var libcups: Samples
        var lp: Samples
        /// packd's own steps before CUPS sees a label: the durable enqueue and
        /// the worker's read of the queue head.
        var own: Samples
    }

    /// Waits (untimed) until CUPS has finished every job, so each label starts on
    /// an idle printer in every path, as packd's worker does.
    static func waitIdle(_ connection: CupsConnection) throws {
        while try connection.jobs(printer: "zebra1").contains(where: { !$0.state.isFinal }) { usleep(1000) }
    }

    /// The same label through libcups alone (the calls packd makes, no journal)
    /// and through `lp -o raw`, each to its last byte at the printer.
    static func baselines(
        cups: PrivateCups, printer: SocketPrinter, label: [UInt8], count: Int, warmUp: Int
    ) throws -> (libcups: Samples, lp: Samples) {
        let connection = try cups.connection()
        var libcups = Samples(capacity: count)
        for i in 0..<(count + warmUp) {
            let start = now()
            _ = try connection.submit(printer: "zebra1", jobName: "direct-\(i)", format: .raw, document: label)
            let job = try printer.nextJob()
            if i >= warmUp { libcups.add(job.end - start) }
            try waitIdle(connection)
        }
        let file = "\(cups.directory)/label.zpl"
        try Data(label).write(to: URL(fileURLWithPath: file))
        var lp = Samples(capacity: count)
        for i in 0..<(count + warmUp) {
            let start = now()
            try PrivateCups.run("/usr/bin/lp", ["-d", "zebra1", "-o", "raw", file], environment: cups.environment)
            let job = try printer.nextJob()
            if i >= warmUp { lp.add(job.end - start) }
            try waitIdle(connection)
        }
        return (libcups, lp)
    }

    static func run(labels count: Int) async throws -> Result? {
        guard PrivateCups.available else { return nil }
        let cups = try PrivateCups()
        let printer = try SocketPrinter()
        try cups.addRawQueue("zebra1", port: printer.port)
        let zpl = Array(String(repeating: "^XA^FO40,40^A0N,30,30^FDpackd print bench^FS^XZ\n", count: 200).utf8)
        let warmUp = 5

        // packd: enqueue in the journal (fsync), then the worker submits and follows.
        let state = "\(cups.directory)/journal"
        let journal = try SQLiteJournal(directory: state)
        let worker = PrintWorker(
            printer: "zebra1", queue: "zebra1", journal: journal, lane: CupsLane(server: cups.socket, label: "bench"),
            render: { _ in throw PrinterError("the bench queues documents") }, now: { Timestamp(millisecondsSinceEpoch: 0) })
        var ids = ULIDGenerator(rng: SystemRandomNumberGenerator())
        var packd = Samples(capacity: count)
        for i in 0..<(count + warmUp) {
            let start = now()
            let request = PrintRequest(
                id: ids.next(at: Timestamp(millisecondsSinceEpoch: Int64(i))).description, printer: "zebra1", format: "zpl",
                document: zpl, createdAt: Timestamp(millisecondsSinceEpoch: Int64(i)))
            try await journal.enqueuePrint([request])
            // The drain returns once CUPS reports the job completed, after its
            // last byte; the printer thread stamped that byte's arrival. (Waiting
            // on the printer here would block one of the two pool threads.)
            let drained = try await worker.drain(until: .now + .seconds(30))
            let job = try printer.nextJob()
            guard drained, job.bytes == zpl else { throw PrinterError("packd: the job did not arrive whole") }
            if i >= warmUp { packd.add(job.end - start) }
        }

        let (libcups, lp) = try baselines(cups: cups, printer: printer, label: zpl, count: count, warmUp: warmUp)

        // packd's own part, measured alone: enqueue (one fsync'd transaction) and
        // the read of the queue head, for a printer nobody works.
        var own = Samples(capacity: count)
        for i in 0..<(count + warmUp) {
            let request = PrintRequest(
                id: ids.next(at: Timestamp(millisecondsSinceEpoch: Int64(i))).description, printer: "idle", format: "zpl",
                document: zpl, createdAt: Timestamp(millisecondsSinceEpoch: Int64(i)))
            let start = now()
            try await journal.enqueuePrint([request])
            _ = try await journal.nextPrintJob(printer: "idle")
            if i >= warmUp { own.add(now() - start) }
        }
        return Result(packd: packd, libcups: libcups, lp: lp, own: own)
    }
}
