import PackCore
import PackStore

extension DaemonParts {
    /// CUPS is processing the job: `GET /v1/jobs/{id}` says `printing` until it moves on.
    func printing(_ id: String) {
        printingJobs.withLock { $0.insert(id) }
    }

    func isPrinting(_ id: String) -> Bool { printingJobs.withLock { $0.contains(id) } }

    /// A print job moved: the `label` event for its station, metrics, the log.
    func printJobMoved(id: String, state: PrintJobState, error: String?) async {
        if state != .sent { printingJobs.withLock { _ = $0.remove(id) } }
        guard let job = try? await journal.printJob(id: id) else { return }
        let request = job.request
        if state == .completed || state == .failed {
            // label.printed / label.failed are in the outbox now.
            await outboxChanged()
            let latency = Duration.milliseconds(max(0, WallClock.now().millisecondsSinceEpoch - request.createdAt.millisecondsSinceEpoch))
            metrics?.printed(printer: request.printer, state: state.rawValue, latency: state == .completed ? latency : nil)
        }
        if state == .failed {
            logger.error("label failed", metadata: ["job": "\(id)", "printer": "\(request.printer)", "error": "\(error ?? "")"])
        } else if state == .completed {
            logger.info("label printed", metadata: ["job": "\(id)", "printer": "\(request.printer)", "order": "\(request.orderId ?? "-")"])
        }
        let event = LabelEvent.json(request, state: state == .completed ? "printed" : state.rawValue, error: error)
        let stations = request.station.map { [$0] } ?? config.stations(printingOn: request.printer)
        for station in stations { await events.publish(station: station, event: "label", data: event) }
    }

    /// A printer's needs changed: the `printer` event for its stations.
    func printerChanged(_ printer: String, report: PrinterReport?) async {
        let data: JSONValue = [
            "printer": .string(printer), "ready": report.map { .bool($0.isReady) } ?? .null,
            "needs": .array((report?.needs ?? []).map { .string($0.description) }), "message": .optional(report?.message),
        ]
        if let report, !report.isReady {
            logger.warning("printer needs attention", metadata: ["printer": "\(printer)", "message": "\(report.message)"])
        }
        for station in config.stations(printingOn: printer) {
            await events.publish(station: station, event: "printer", data: data)
        }
    }
}
