import Foundation
import PackCore
import PackDaemon
import PackPrint
import PackStore
import PackTestRequirements
import PackTestSupport
import Testing

/// A completed parcel's label goes into the journal with the shipment, on the
/// station's printer, and from there through CUPS to the printer.
@Suite(.offCooperativePool, .serialized)
struct StationPrintingTests {
    let temp = TempDirectory("print")
    var dir: String { temp.path }
    let t0 = Timestamp(millisecondsSinceEpoch: 1_795_334_400_000)

    static let order = Order(
        id: "SO-7", status: .approved, carrier: Carrier(code: "JD", service: "STD"),
        recipient: Address(name: "张伟", address1: "深南大道10000号", city: "深圳", country: "CN"),
        lines: [OrderLine(sku: "CABLE", qty: 1, barcodes: ["09501101530003"])],
        parcels: [
            Parcel(
                id: "SO-7-1", waybill: "JD0088776655", lines: [ParcelLine(sku: "CABLE", qty: 1)],
                label: .template(name: "waybill-100x150", fields: ["routeCode": "BJ-01"]))
        ])

    func config(queue: String) -> PackConfig {
        var config = PackConfig()
        config.stationPrinters["pack-01"] = "label-1"
        config.printers["label-1"] = PrinterProfile(name: "label-1", queue: queue, language: .zpl, darkness: 20)
        return config
    }

    func ship(_ hub: StationHub) async throws -> ScanDecision {
        _ = try await hub.handle(Scan(code: "JD0088776655", device: "s", atMs: 0), station: "pack-01", now: t0)
        return try await hub.handle(Scan(code: "09501101530003", device: "s", atMs: 1000), station: "pack-01", now: t0)
    }

    /// A worker for labels that come as documents (nothing to render), on the
    /// private cupsd's queue zebra1.
    func documentWorker(
        _ printer: String, journal: SQLiteJournal, cups: PrivateCups, policy: PrintWorker.Policy = PrintWorker.Policy(),
        board: PrinterBoard? = nil
    ) -> PrintWorker {
        let t0 = self.t0
        return PrintWorker(
            printer: printer, queue: "zebra1", journal: journal, lane: CupsLane(server: cups.socket, label: printer),
            policy: policy, render: { _ in throw PrinterError("documents only") }, now: { t0 }, board: board)
    }

    @Test func theLabelIsQueuedWithTheShipmentOnTheStationsPrinter() async throws {
        let journal = try SQLiteJournal(directory: dir)
        _ = try await journal.importOrders([Self.order], at: t0)
        let hub = try await StationHub(journal: journal, config: config(queue: "zebra1"))
        let decision = try await ship(hub)
        #expect(decision.outcome.kind == .parcelCompleted)
        let jobs = try await journal.printJobs(printer: nil, limit: 10)
        #expect(jobs.count == 1)
        let job = try #require(jobs.first)
        #expect(job.request.printer == "label-1" && job.request.station == "pack-01")
        #expect(job.request.orderId == "SO-7" && job.request.parcelId == "SO-7-1" && !job.request.reprint)
        #expect(job.state == .queued && job.request.document == nil)
        // A reprint is its own job, marked as a reprint.
        let reprint = try await hub.handle(Scan(code: "PACKD:REPRINT", device: "s", atMs: 5000), station: "pack-01", now: t0)
        #expect(reprint.outcome.kind == .reprinted)
        let after = try await journal.printJobs(printer: nil, limit: 10)
        #expect(after.map(\.request.reprint) == [false, true])
        #expect(after.last?.request.parcelId == "SO-7-1")
        // A station with no printer queues nothing.
        let other = try SQLiteJournal(directory: temp.sub("b"))
        _ = try await other.importOrders([Self.order], at: t0)
        _ = try await ship(StationHub(journal: other, config: PackConfig()))
        #expect(try await other.printJobs(printer: nil, limit: 10).isEmpty)
    }

    @Test(.requires(PrivateCups.available, "needs root and cupsd"), .timeLimit(.minutes(1)))
    func theQueuedLabelIsRenderedAndPrintedExactlyOnce() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        var config = config(queue: "zebra1")
        config.cupsServer = cups.socket
        let journal = try SQLiteJournal(directory: dir)
        _ = try await journal.importOrders([Self.order], at: t0)
        _ = try await ship(StationHub(journal: journal, config: config))
        let renderer = ParcelLabelRenderer(journal: journal, config: config, utcOffsetSeconds: 8 * 3600)
        let t0 = self.t0
        let worker = PrintWorker(
            printer: "label-1", queue: "zebra1", journal: journal, lane: CupsLane(server: cups.socket, label: "label-1"),
            render: { try await renderer.render($0, at: t0) }, now: { t0 })
        #expect(try await worker.drain(until: .now + .seconds(30)))
        let received = try #require(printer.waitForJobs(1).first)
        let zpl = String(decoding: received, as: UTF8.self)
        #expect(zpl.hasPrefix("^XA\n^CI28\n^PW799\n^LL1199\n^LH0,0\n~SD20\n"))
        #expect(zpl.contains("^FH_^FDJD0088776655^FS"))
        #expect(try await journal.printJobs(printer: nil, limit: 10).map(\.state) == [.completed])
        let events = try await journal.outbox(limit: 10).map(\.type)
        #expect(events == [.parcelShipped, .labelPrinted])
        #expect(printer.jobs.count == 1)
    }

    /// A label an earlier packd handed to CUPS just before dying (the journal still
    /// says queued) is found by its name and followed, not sent again; one CUPS
    /// does not have is sent.
    @Test(.requires(PrivateCups.available, "needs root and cupsd"), .timeLimit(.minutes(1)))
    func aLabelCupsAlreadyHasIsNotSentAgain() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let journal = try SQLiteJournal(directory: dir)
        let a = PrintRequest(id: "01JD0000000000000000000001", printer: "zebra1", format: "zpl", document: Array("^XA^FDa^FS^XZ".utf8), createdAt: t0)
        let b = PrintRequest(id: "01JD0000000000000000000002", printer: "zebra1", format: "zpl", document: Array("^XA^FDb^FS^XZ".utf8), createdAt: t0)
        try await journal.enqueuePrint([a, b])
        // The earlier process got as far as CUPS with label a.
        _ = try cups.connection().submit(printer: "zebra1", jobName: a.jobName, format: .raw, document: a.document!)
        _ = try printer.waitForJobs(1)
        let worker = documentWorker("zebra1", journal: journal, cups: cups)
        #expect(try await worker.drain(until: .now + .seconds(30)))
        #expect(printer.jobs == [a.document!, b.document!])
        let jobs = try await journal.printJobs(printer: nil, limit: 10)
        #expect(jobs.map(\.state) == [.completed, .completed])
        #expect(jobs.map(\.cupsJobId) == [1, 2])
    }

    /// The CUPS job created for a label while its decision was made durable is
    /// the one its label goes into; one whose label is abandoned (the commit
    /// failed), or never comes, is cancelled and prints nothing.
    @Test(.requires(PrivateCups.available, "needs root and cupsd"), .timeLimit(.minutes(1)))
    func anAnticipatedLabelGoesIntoTheJobCreatedForItAndOneThatNeverComesPrintsNothing() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        let journal = try SQLiteJournal(directory: dir)
        var policy = PrintWorker.Policy()
        // Long enough for "the commit" below to land inside it on a loaded
        // machine (at 100 ms the job had expired and a second one was made).
        policy.anticipationLifetime = .seconds(3)
        let worker = documentWorker("zebra1", journal: journal, cups: cups, policy: policy)
        func request(_ n: Int) -> PrintRequest {
            PrintRequest(
                id: "01JD00000000000000000000\(n)", printer: "zebra1", format: "zpl", document: Array("^XA^FD\(n)^FS^XZ".utf8),
                createdAt: t0)
        }
        let connection = try cups.connection()
        // A worker anticipates only when it knows its queue is empty.
        #expect(await !worker.anticipate(request(20)))
        #expect(try connection.jobs(printer: "zebra1").isEmpty)
        #expect(try await worker.drain(until: .now + .seconds(30)))

        let a = request(21)
        #expect(await worker.anticipate(a))
        // Created while "the commit" runs, waiting for its document.
        var created: JobStatus?
        try waitUntil("the anticipated job is in CUPS", seconds: 30) {
            created = try connection.job(printer: "zebra1", named: a.jobName)
            return created != nil
        }
        #expect(created?.reasons.contains("job-incoming") == true)
        try await journal.enqueuePrint([a])
        #expect(try await worker.drain(until: .now + .seconds(30)))
        #expect(printer.jobs == [a.document!])
        let cupsJobs = try connection.jobs(printer: "zebra1")
        #expect(cupsJobs.map(\.name) == [a.jobName])
        #expect(try await journal.printJob(id: a.id)?.cupsJobId == created?.id)

        let abandoned = request(22)
        await worker.anticipate(abandoned)
        await worker.abandon(abandoned.id)
        #expect(try connection.job(printer: "zebra1", named: abandoned.jobName)?.state == .canceled)

        let neverQueued = request(23)
        await worker.anticipate(neverQueued)
        let deadline = Date().addingTimeInterval(30)
        var state: JobStatus.State?
        repeat {
            // The worker looks at its queue every second while idle; past the
            // anticipation's lifetime it cancels the job made for nothing.
            _ = try await worker.drain(until: .now + .seconds(1))
            state = try connection.job(printer: "zebra1", named: neverQueued.jobName)?.state
        } while state != .canceled && Date() < deadline
        #expect(state == .canceled)
        #expect(printer.jobs == [a.document!])
    }

    /// A queue that keeps refusing: retried within the budget, then failed with
    /// label.failed, and the queue goes on with the next label.
    @Test(.requires(PrivateCups.available, "needs root and cupsd"), .timeLimit(.minutes(1)))
    func afterTheRetryBudgetTheLabelFailsAndTheQueueGoesOn() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        try cups.command("/usr/sbin/cupsreject", ["zebra1"])
        let journal = try SQLiteJournal(directory: dir)
        let a = PrintRequest(
            id: "01JD0000000000000000000011", printer: "zebra1", orderId: "SO-7", parcelId: "SO-7-1", format: "zpl",
            document: Array("^XA^FDa^FS^XZ".utf8), createdAt: t0)
        try await journal.enqueuePrint([a])
        var policy = PrintWorker.Policy()
        policy.maxAttempts = 3
        policy.retryDelay = .milliseconds(10)
        let worker = documentWorker("zebra1", journal: journal, cups: cups, policy: policy)
        #expect(try await worker.drain(until: .now + .seconds(30)))
        let job = try #require(try await journal.printJob(id: a.id))
        #expect(job.state == .failed && job.attempts == 3)
        #expect(job.lastError?.contains("the queue is rejecting jobs") == true)
        #expect(await worker.status?.acceptingJobs == false)
        #expect(try await journal.outbox(limit: 10).map(\.type) == [.labelFailed])
        #expect(printer.jobs.isEmpty)
        // The queue is not stuck behind the failed label.
        try cups.command("/usr/sbin/cupsaccept", ["zebra1"])
        let b = PrintRequest(id: "01JD0000000000000000000012", printer: "zebra1", format: "zpl", document: Array("^XA^FDb^FS^XZ".utf8), createdAt: t0)
        try await journal.enqueuePrint([b])
        #expect(try await worker.drain(until: .now + .seconds(30)))
        #expect(printer.jobs == [b.document!])
    }

    /// A printer that is down: the job waits, the station's printer report says
    /// what is wrong, and it says ready again once the label is out.
    @Test(.requires(PrivateCups.available, "needs root and cupsd"), .timeLimit(.minutes(1)))
    func theStationIsToldWhatThePrinterNeeds() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        printer.close()
        let config = config(queue: "zebra1")
        let board = PrinterBoard(config: config)
        let journal = try SQLiteJournal(directory: dir)
        let a = PrintRequest(id: "01JD0000000000000000000021", printer: "label-1", format: "zpl", document: Array("^XA^FDa^FS^XZ".utf8), createdAt: t0)
        try await journal.enqueuePrint([a])
        let worker = documentWorker("label-1", journal: journal, cups: cups, board: board)
        #expect(try await worker.drain(until: .now + .seconds(3)) == false)
        let down = try #require(await board.report(forStation: "pack-01"))
        #expect(down.printer == "label-1" && down.needs.contains(.offline), "\(down)")
        #expect(down.message.hasPrefix("Printer label-1: offline"))
        #expect(try await journal.printJob(id: a.id)?.state == .sent)
        try printer.reopen()
        #expect(try await worker.drain(until: .now + .seconds(30)))
        #expect(await board.report(forStation: "pack-01")?.message == "Printer label-1: ready")
        #expect(printer.jobs == [a.document!])
        #expect(await PrinterBoard(config: PackConfig()).report(forStation: "pack-01") == nil)
    }

    /// A backend that cannot read the spooled label leaves the printer idle, with
    /// no reason, while CUPS retries: the station is told what the backend said.
    @Test(.requires(PrivateCups.available, "needs root and cupsd"), .timeLimit(.minutes(1)))
    func aStalledJobIsReportedInTheBackendsWords() async throws {
        let (cups, printer) = try PrivateCups.withRawQueue("zebra1")
        try PrivateCups.run("/bin/chown", ["root:root", "\(cups.directory)/spool"])
        try PrivateCups.run("/bin/chmod", ["0700", "\(cups.directory)/spool"])
        let config = config(queue: "zebra1")
        let board = PrinterBoard(config: config)
        let journal = try SQLiteJournal(directory: dir)
        let a = PrintRequest(id: "01JD0000000000000000000031", printer: "label-1", format: "zpl", document: Array("^XA^FDa^FS^XZ".utf8), createdAt: t0)
        try await journal.enqueuePrint([a])
        let worker = documentWorker("label-1", journal: journal, cups: cups, board: board)
        #expect(try await worker.drain(until: .now + .seconds(4)) == false)
        let report = try #require(await board.report(forStation: "pack-01"))
        #expect(report.needs == [.other("CUPS cannot send the label: Unable to open print file: Permission denied")], "\(report)")
        #expect(report.message.contains("Unable to open print file: Permission denied"), "\(report.message)")
        #expect(printer.jobs.isEmpty)
    }
}
