import PackCore
import PackPrint
import PackStore
public import ServiceLifecycle

/// One print worker per configured printer, each working its queue in the
/// journal as labels arrive (a doorbell wakes it) and looking at its printer now
/// and then while idle, so the station display knows when it needs the packer.
public struct PrintService: Service {
    let parts: DaemonParts

    public init(parts: DaemonParts) { self.parts = parts }

    public func run() async throws {
        guard !parts.config.printerNames.isEmpty else { return }
        let renderer = parts.labelRenderer
        let render: PrintWorker.Renderer = { [parts] request in
            // Off the cooperative threads the stations' scans use (RenderThreads).
            let document = try await withTaskExecutorPreference(RenderThreads.shared) {
                try await renderer.render(request, at: WallClock.now())
            }
            parts.metrics?.labelRendered(printer: request.printer, ahead: document.renderedAhead)
            return document
        }
        try await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for name in parts.config.printerNames {
                    let profile = parts.config.profile(named: name)
                    let worker = PrintWorker(
                        printer: name, queue: profile.queue, journal: parts.journal,
                        lane: CupsLane(server: parts.config.cupsServer, label: name), policy: PrintWorker.Policy(profile: profile),
                        render: render, now: { WallClock.now() }, board: parts.board,
                        observer: { [parts] id, state, error in await parts.printJobMoved(id: id, state: state, error: error) },
                        onPrinting: { [parts] id in parts.printing(id) })
                    parts.hub.anticipation.register(worker)
                    group.addTask { await work(worker, printer: name) }
                }
            }
        }
    }

    private func work(_ worker: PrintWorker, printer: String) async {
        let bell = parts.doorbells[printer] ?? Doorbell()
        var lastReport: PrinterReport?
        while !Task.isCancelled {
            do {
                let empty = try await worker.drain(until: .now + .seconds(1))
                parts.logger.trace("print queue worked", metadata: ["printer": "\(printer)", "empty": "\(empty)"])
                if empty {
                    // Idle, the printer is asked about only as a slow health check
                    // (paper, a paused queue shown on the display within 10 s);
                    // while a job waits the worker asks at most once a second.
                    await worker.refreshStatusIfStale(interval: .seconds(10))
                    await bell.wait(upTo: .seconds(1))
                }
            } catch is CancellationError {
                return
            } catch {
                parts.logger.error("print queue", metadata: ["printer": "\(printer)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
            let report = await parts.board.report(printer: printer)
            if report != lastReport {
                lastReport = report
                await parts.printerChanged(printer, report: report)
            }
        }
    }
}
