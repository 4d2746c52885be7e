public import ServiceLifecycle

/// Keeps a daemon that runs for months small: every hour finished orders older
/// than `[retention] book_hours` leave the in-memory book, and the journal lets go
/// of what is delivered and older than `[retention] journal_days` (that also once
/// right after the start).
public struct RetentionService: Service {
    let parts: DaemonParts
    let interval: Duration

    public init(parts: DaemonParts, interval: Duration = .seconds(3600)) {
        self.parts = parts
        self.interval = interval
    }

    public func run() async throws {
        await parts.ready.wait()
        try await cancelWhenGracefulShutdown {
            // The book was loaded without the expired orders moments ago: loading
            // it again now would only hold two books in memory while the first
            // scans wait for the cores.
            var compactBook = false
            while !Task.isCancelled {
                await once(compactBook: compactBook)
                compactBook = true
                try? await Task.sleep(for: interval)
            }
        }
    }

    func once(compactBook: Bool = true) async {
        let now = WallClock.now()
        do {
            let count = await parts.hub.orderCount
            let (before, after) = compactBook ? try await parts.hub.compact(now: now) : (count, count)
            let days = Int64(parts.config.retention.journalDays)
            let pruned = try await parts.journal.prune(before: now.adding(milliseconds: -days * 86_400_000))
            let memoryDays = Int64(parts.config.retention.shippedMemoryDays)
            let forgotten = try await parts.journal.forgetShipped(before: now.adding(milliseconds: -memoryDays * 86_400_000))
            parts.logger.info(
                "retention",
                metadata: [
                    "book_before": "\(before)", "book_after": "\(after)", "pruned_events": "\(pruned.events)",
                    "pruned_print_jobs": "\(pruned.printJobs)", "pruned_orders": "\(pruned.orders)",
                    "pruned_input_dead_letters": "\(pruned.inputDeadLetters)", "forgotten_shipped_parcels": "\(forgotten)",
                ])
        } catch is CancellationError {
        } catch {
            parts.logger.error("retention failed", metadata: ["error": "\(error)"])
        }
    }
}
