import Foundation
import PackCore
import PackStore
public import ServiceLifecycle

/// The demo's printer: works one printer's queue in the journal like a print
/// worker, but writes each label into a directory as ZPL (what a thermal printer
/// would get) and PNG (to look at), then marks it printed.
public struct FilePrinterService: Service {
    let parts: DaemonParts
    let printer: String
    let directory: String
    /// Told of each label written: the files.
    let onLabel: @Sendable ([String]) -> Void

    public init(parts: DaemonParts, printer: String, directory: String, onLabel: @escaping @Sendable ([String]) -> Void) {
        self.parts = parts
        self.printer = printer
        self.directory = directory
        self.onLabel = onLabel
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let renderer = parts.labelRenderer
        let bell = parts.doorbells[printer] ?? Doorbell()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if let job = try await parts.journal.nextPrintJob(printer: printer) {
                        try await write(job, renderer: renderer)
                        continue
                    }
                } catch is CancellationError {
                    return
                } catch {
                    parts.logger.error("demo printer", metadata: ["error": "\(error)"])
                }
                await bell.wait(upTo: .milliseconds(500))
            }
        }
    }

    private func write(_ job: PrintJob, renderer: ParcelLabelRenderer) async throws {
        let request = job.request
        let now = WallClock.now()
        let base = (directory as NSString).appendingPathComponent(
            "\(job.seq)-" + [request.orderId, request.parcelId].compactMap { $0 }.joined(separator: "-").map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        var files: [String] = []
        var failure: String?
        if let document = request.document {
            files.append(base + "." + request.format)
            FileManager.default.createFile(atPath: files[0], contents: Data(document))
        } else {
            for format in ["zpl", "png"] {
                var copy = request
                copy.format = format
                do {
                    let bytes = try await renderer.render(copy, at: now).bytes
                    let path = base + (request.reprint ? "-reprint" : "") + "." + format
                    FileManager.default.createFile(atPath: path, contents: Data(bytes))
                    files.append(path)
                } catch {
                    failure = "the label cannot be rendered: \(error)"
                }
            }
        }
        let state: PrintJobState = failure == nil ? .completed : .failed
        let event = request.labelEvent(failure == nil ? .labelPrinted : .labelFailed, reason: failure, at: now, id: parts.newULID(at: now))
        let applied = try await parts.journal.updatePrintJob(
            id: request.id, state: state, cupsJobId: nil, attempts: job.attempts + 1, error: failure, at: now, event: event)
        // Cancelled meanwhile (its order was): it stays so.
        guard applied else { return }
        await parts.printJobMoved(id: request.id, state: state, error: failure)
        if failure == nil { onLabel(files) }
    }
}
