import ArgumentParser
import Foundation
import PackDaemon
import PackLabels
import PackPrint

struct PrintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Print a file, or a calibration label, on a CUPS queue and follow the job.",
        discussion: """
            PRINTER is a [printers.<name>] of the configuration or a CUPS queue. .zpl, .tspl and .prn files \
            (or --raw) go as raw printer language; .pdf and .png as documents. packd waits until CUPS reports \
            the job completed (exit 0), failed (exit 2), or --timeout passes with the job still waiting \
            (exit 2, saying what the printer needs). docs/printers.md.
            """
    )

    @Option(help: "A configured printer or a CUPS queue.")
    var printer: String

    @Argument(help: "The file to print.")
    var file: String?

    @Flag(help: "Send the file as raw printer language whatever its name.")
    var raw = false

    @Flag(help: "Print a calibration label: rulers, dpi, language, packd's version.")
    var test = false

    @Option(help: "zpl, tspl, pdf or png, for --test on an unconfigured queue (default zpl).")
    var language: String?

    @Option(help: "Seconds to wait for the job to finish.")
    var timeout: Double = 30

    @Option(help: "The configuration file (TOML).")
    var config: String?

    func run() async throws {
        guard (0...86_400).contains(timeout) else { throw CLIError("--timeout: 0 to 86400 seconds, not \(timeout)") }
        let cfg = try StateOptions.loadConfig(config)
        let profile = cfg.printers[printer]
        let queue = profile?.queue ?? printer
        let (format, document, what) = try self.document(profile: profile)
        let cups: CupsConnection
        do { cups = try CupsConnection(server: cfg.cupsServer) } catch { throw CLIError(error.description) }
        let jobName = "packd-print-\(ProcessInfo.processInfo.processIdentifier)-\(Int(Date().timeIntervalSince1970 * 1000))"
        let id: Int
        do {
            id = try cups.submit(printer: queue, jobName: jobName, format: format, document: document)
        } catch {
            throw CLIError("\(what): not printed: \(error)")
        }
        Output.lineNow("\(what): job \(queue)-\(id) submitted")
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let job: JobStatus
            do { job = try cups.job(printer: queue, id: id) } catch { throw CLIError("job \(queue)-\(id): \(error)") }
            switch job.state {
            case .completed:
                Output.line("job \(queue)-\(id) completed")
                return
            case .aborted, .canceled:
                let why = job.reasons + (job.message.map { [$0] } ?? [])
                throw CLIError("job \(queue)-\(id) \(job.state) (\(why.joined(separator: ", ")))")
            default:
                if Date() > deadline {
                    let status = try? cups.printer(queue)
                    var needs = status.map { $0.conditions.map(\.description) + $0.reasons } ?? []
                    // CUPS may keep retrying an idle printer whose reasons say nothing:
                    // what its backend said is then the only reason there is.
                    for message in [status?.message, job.message].compactMap({ $0 }) where !needs.contains(message) {
                        needs.append(message)
                    }
                    throw CLIError(
                        "job \(queue)-\(id) still \(job.state) after \(Int(timeout)) s; printer: "
                            + (needs.isEmpty ? "no reason given" : needs.joined(separator: ", "))
                            + " (the job stays queued in CUPS; cancel \(queue)-\(id) to drop it)")
                }
                // CUPS has no push notification on a local socket without a
                // subscription; a job's state is asked for a few times a second.
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func document(profile: PrinterProfile?) throws -> (DocumentFormat, [UInt8], String) {
        if test {
            let language = profile?.language.rawValue ?? language?.lowercased() ?? "zpl"
            guard let format = LabelFormat(rawValue: language) else {
                throw CLIError("--language: must be zpl, tspl, pdf or png, not \(language)")
            }
            let dpi = profile?.dpi ?? 203
            let template = CalibrationLabel.template(
                widthMm: profile?.widthMm ?? 100, heightMm: profile?.heightMm ?? 150, dpi: dpi, language: language,
                version: Packd.version)
            let settings = profile?.settings ?? PrinterSettings()
            do {
                let label = try LabelRenderer(settings: settings).render(template, data: LabelData(), format: format, dpi: dpi)
                return (DocumentFormat(format), label.bytes, "calibration label")
            } catch {
                throw CLIError("calibration label: \(error)")
            }
        }
        guard let file else { throw CLIError("name a file to print, or --test") }
        let bytes = try InputFile.read(file, what: "print")
        let ext = (file as NSString).pathExtension.lowercased()
        if raw || ["zpl", "tspl", "prn", "txt"].contains(ext) { return (.raw, bytes, file) }
        switch ext {
        case "pdf": return (.pdf, bytes, file)
        case "png": return (.png, bytes, file)
        default: throw CLIError("\(file): cannot tell the format from .\(ext); use --raw for ZPL/TSPL")
        }
    }
}

struct PrintersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "printers",
        abstract: "List the CUPS queues, their state, and which label languages each can take."
    )

    @Flag(help: "One JSON object per queue.")
    var json = false

    @Option(help: "The configuration file (TOML).")
    var config: String?

    func run() async throws {
        let cfg = try StateOptions.loadConfig(config)
        let queues: [PrinterStatus]
        do { queues = try CupsConnection(server: cfg.cupsServer).printers() } catch { throw CLIError(error.description) }
        let profiles = Dictionary(grouping: cfg.printers.values, by: \.queue)
        if queues.isEmpty, !json { Output.line("no CUPS queues (docs/printers.md tells how to add one)") }
        for q in queues {
            let names = (profiles[q.name] ?? []).map(\.name).sorted()
            let problems = q.conditions.map(\.description)
            if json {
                let object: [String: Any] = [
                    "name": q.name, "state": q.state.rawValue, "reasons": q.reasons, "acceptingJobs": q.acceptingJobs,
                    "deviceUri": q.deviceURI ?? NSNull(), "makeAndModel": q.makeAndModel ?? NSNull(), "raw": q.isRaw,
                    "languages": q.languages, "needs": problems, "profiles": names,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                Output.line(String(decoding: data, as: UTF8.self))
            } else {
                let kind = q.isRaw ? "raw queue: ZPL or TSPL, as the printer speaks" : "driver: \(q.makeAndModel ?? "?")"
                Output.line(
                    "\(q.name)\t\(q.state.rawValue)\(q.acceptingJobs ? "" : ", rejecting jobs")"
                        + "\t\(problems.isEmpty ? "ready" : "needs: " + problems.joined(separator: ", "))"
                        + "\t\(kind)\ttakes: \(q.languages.joined(separator: ", "))\t\(q.deviceURI ?? "")"
                        + (names.isEmpty ? "" : "\tprofiles: \(names.joined(separator: ", "))"))
            }
        }
    }
}
