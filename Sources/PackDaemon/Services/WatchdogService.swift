import PackStore
public import ServiceLifecycle

/// Tells systemd packd is alive (WATCHDOG=1) only while the journal answers, and
/// keeps the metrics that need looking (outbox backlog, print queue depth) and
/// the `backlog` events up to date; sends SSE keep-alives.
public struct WatchdogService: Service {
    let parts: DaemonParts
    let notifier: SystemdNotifier

    public init(parts: DaemonParts, notifier: SystemdNotifier) {
        self.parts = parts
        self.notifier = notifier
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { await loop() }
    }

    private func loop() async {
        let interval = min(notifier.watchdogInterval ?? .seconds(2), .seconds(2))
        var lastBacklog = (pending: -1, tokenRefused: false)
        var ticks = 0
        while !Task.isCancelled {
            do {
                let backlog = try await parts.journal.outboxBacklog()
                let age = backlog.oldest.map { Double(WallClock.now().millisecondsSinceEpoch - $0.millisecondsSinceEpoch) / 1000 } ?? 0
                parts.metrics?.outbox(backlog: backlog.pending, oldestAgeSeconds: max(0, age), dead: backlog.dead)
                let depths = try await parts.journal.printQueueDepths()
                for printer in Set(parts.config.printerNames).union(depths.keys) {
                    parts.metrics?.queueDepth(printer: printer, jobs: depths[printer] ?? 0)
                }
                let now = (pending: backlog.pending, tokenRefused: parts.coreToken.refusal != nil)
                if now != lastBacklog {
                    lastBacklog = now
                    for station in parts.stations {
                        await parts.events.publish(
                            station: station, event: "backlog",
                            data: [
                                "pending": .int(Int64(backlog.pending)), "dead": .int(Int64(backlog.dead)),
                                "oldestAgeSeconds": backlog.pending > 0 ? .int(Int64(max(0, age))) : .null,
                                "coreRefusesToken": .bool(now.tokenRefused),
                            ])
                    }
                }
                notifier.notify("WATCHDOG=1")
            } catch is CancellationError {
                return
            } catch {
                parts.logger.error("journal check failed", metadata: ["error": "\(error)"])
            }
            ticks += 1
            if ticks % 8 == 0 { await parts.events.heartbeat() }
            try? await Task.sleep(for: interval)
        }
    }
}
