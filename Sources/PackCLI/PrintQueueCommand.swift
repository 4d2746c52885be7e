import ArgumentParser
import Foundation
import PackCore
import PackDaemon
import PackPrint
import PackStore

/// The journal's print queue, worked from the command line: what the daemon's
/// printing service does, one printer at a time. Hidden: for tests and support.
struct PrintQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print-queue",
        abstract: "Queue files on a printer in the journal, and work the queue.",
        subcommands: [Enqueue.self, Drain.self]
    )

    struct Enqueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue files (raw ZPL/TSPL, PDF, PNG) in one transaction.")

        @Option(help: "A configured printer or a CUPS queue.") var printer: String
        @Argument(help: "The files, printed in this order.") var files: [String]
        @OptionGroup var options: StateOptions

        func run() async throws {
            let config = try options.loadConfig()
            try await options.withJournal(config) { journal in
                var ids = ULIDGenerator(rng: SystemRandomNumberGenerator())
                let now = WallClock.now()
                let requests = try files.map { file in
                    let ext = (file as NSString).pathExtension.lowercased()
                    let format = ["pdf", "png"].contains(ext) ? ext : (config.printers[printer]?.language.rawValue ?? "zpl")
                    return PrintRequest(
                        id: ids.next(at: now).description, printer: printer, format: format,
                        document: try InputFile.read(file, what: "print"), createdAt: now)
                }
                try await journal.enqueuePrint(requests)
                for r in requests { Output.line("queued \(r.id) on \(printer)") }
            }
        }
    }

    struct Drain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work one printer's queue until it is empty; print each job as it finishes.")

        @Option(help: "A configured printer or a CUPS queue.") var printer: String
        @Option(help: "Give up after this many seconds (exit 2 with jobs left).") var timeout: Double = 120
        @Option(help: "Seconds a job may sit processing on an idle printer before it is taken as lost.")
        var stuckAfter: Double = 30
        @OptionGroup var options: StateOptions

        func run() async throws {
            guard (0...86_400).contains(timeout), (0.05...3600).contains(stuckAfter) else {
                throw CLIError("--timeout must be 0-86400 s and --stuck-after 0.05-3600 s")
            }
            let config = try options.loadConfig()
            try await options.withJournal(config) { journal in
                let queue = config.printers[printer]?.queue ?? printer
                var policy = PrintWorker.Policy(profile: config.profile(named: printer))
                policy.stuckAfter = .milliseconds(Int(stuckAfter * 1000))
                let worker = PrintWorker(
                    printer: printer, queue: queue, journal: journal, lane: CupsLane(server: config.cupsServer, label: printer),
                    policy: policy,
                    render: { [renderer = ParcelLabelRenderer(journal: journal, config: config)] request in
                        try await renderer.render(request, at: WallClock.now())
                    }, now: { WallClock.now() })
                let empty = try await worker.drain(until: .now + .seconds(timeout))
                for job in try await journal.printJobs(printer: printer, limit: 10_000) {
                    Output.line("\(job.request.id) \(job.state.rawValue) attempts=\(job.attempts) cups=\(job.cupsJobId.map(String.init) ?? "-")")
                }
                if !empty {
                    let status = await worker.status
                    let needs = status.map { $0.conditions.map(\.description) + $0.reasons } ?? []
                    var head = ""
                    if let job = try await journal.nextPrintJob(printer: printer) {
                        head = "; first waiting: \(job.request.id) \(job.state.rawValue)"
                        if let id = job.cupsJobId, let cups = try? CupsConnection(server: config.cupsServer),
                            let s = try? cups.job(printer: queue, id: id)
                        {
                            head += " (CUPS job \(queue)-\(id) \(s.state) \(s.reasons.joined(separator: ",")))"
                        }
                    }
                    throw CLIError(
                        "jobs are left on \(printer) after \(Int(timeout)) s; printer \(status?.state.rawValue ?? "?"): "
                            + needs.joined(separator: ", ") + head)
                }
            }
        }
    }
}
