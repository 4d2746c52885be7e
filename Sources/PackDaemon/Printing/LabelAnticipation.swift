public import PackStore
import Synchronization

/// Tells each printer's worker of the labels a decision queues while the
/// decision is being made durable, so that their CUPS jobs are created beside
/// the commit's fsync (`PrintWorker.anticipate`), and of those it did not queue
/// after all (the commit failed).
public final class LabelAnticipation: Sendable {
    private let workers = Mutex<[String: PrintWorker]>([:])

    public init() {}

    public func register(_ worker: PrintWorker) {
        workers.withLock { $0[worker.printer] = worker }
    }

    /// Returns at once: the workers hear of it on their own.
    func decided(_ labels: [PrintRequest]) {
        tell(labels) { worker, label in await worker.anticipate(label) }
    }

    func failed(_ labels: [PrintRequest]) {
        tell(labels) { worker, label in await worker.abandon(label.id) }
    }

    private func tell(_ labels: [PrintRequest], _ message: @escaping @Sendable (PrintWorker, PrintRequest) async -> Void) {
        for label in labels {
            guard let worker = workers.withLock({ $0[label.printer] }) else { continue }
            Task { await message(worker, label) }
        }
    }
}
