import GRDB
import PackCore
import Synchronization

/// Group commit: decisions that arrive while a transaction is being written wait
/// and go together in the next one, so many stations share one fsync.
///
/// `enqueue` is synchronous, so the queue order is exactly the order in which the
/// station hub made its decisions; a ticket resolves only after the transaction
/// holding its commit (and every commit queued before it) is durable.
final class GroupCommitter: Sendable {
    private struct State {
        var waiting: [(ScanCommit, CommitTicket)] = []
        var writing = false
        /// Commits in the transaction being written now.
        var inFlight = 0
        var commits = 0
        var transactions = 0
        var failures = 0
        var refused = 0
    }

    private let pool: DatabasePool
    private let mode: CoreMode
    private let state = Mutex(State())

    /// Bounds one transaction, so a burst cannot make one commit hold the writer for long.
    static let maxBatch = 512

    init(pool: DatabasePool, mode: CoreMode) {
        self.pool = pool
        self.mode = mode
    }

    func enqueue(_ commit: ScanCommit) -> CommitTicket {
        let ticket = CommitTicket()
        let startWriter = state.withLock { s -> Bool in
            s.waiting.append((commit, ticket))
            guard !s.writing else { return false }
            s.writing = true
            return true
        }
        if startWriter { Task.detached { await self.drain() } }
        return ticket
    }

    var stats: (commits: Int, transactions: Int) { state.withLock { ($0.commits, $0.transactions) } }
    /// Commits that could not be written so far (each invalidates what was decided
    /// on top of it).
    var failures: Int { state.withLock { $0.failures } }
    /// Commits refused because a failure came before them.
    var refused: Int { state.withLock { $0.refused } }
    /// Commits queued or being written and not yet durable.
    var pending: (queued: Int, inFlight: Int) { state.withLock { ($0.waiting.count, $0.inFlight) } }

    private func drain() async {
        while true {
            let batch = state.withLock { s -> [(ScanCommit, CommitTicket)] in
                let batch = Array(s.waiting.prefix(Self.maxBatch))
                s.waiting.removeFirst(batch.count)
                s.inFlight = batch.count
                if batch.isEmpty { s.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            await write(batch)
        }
    }

    private func write(_ batch: [(ScanCommit, CommitTicket)]) async {
        // Commits decided before a failure they did not see (they wait behind it in
        // queue order) are refused: writing them would make a later decision
        // durable after an earlier one failed.
        let failuresNow = failures
        func isStale(_ commit: ScanCommit) -> Bool { commit.decidedAfterFailures.map { $0 < failuresNow } ?? false }
        refuse(batch.filter { isStale($0.0) }[...])
        let batch = batch.filter { !isStale($0.0) }
        guard !batch.isEmpty else { return }
        let commits = batch.map(\.0)
        let mode = self.mode
        do {
            try await pool.write { db in
                for commit in commits { try CommitWriter.write(commit, to: db, mode: mode) }
            }
            state.withLock {
                $0.commits += batch.count
                $0.transactions += 1
            }
            for (_, ticket) in batch { ticket.resolve(.success(())) }
        } catch {
            // One bad commit must not fail the ones before it: write them one by
            // one. The ones after it are refused, as they were decided on memory
            // that held the failed one.
            for (index, (commit, ticket)) in batch.enumerated() {
                do {
                    try await pool.write { db in try CommitWriter.write(commit, to: db, mode: mode) }
                    state.withLock {
                        $0.commits += 1
                        $0.transactions += 1
                    }
                    ticket.resolve(.success(()))
                } catch {
                    state.withLock { $0.failures += 1 }
                    ticket.resolve(.failure(error))
                    refuse(batch[(index + 1)...])
                    return
                }
            }
        }
    }

    /// Refusals are not failures of their own: the failure they follow already
    /// told the hub to reload, and counting them would refuse its next decisions.
    private func refuse(_ commits: ArraySlice<(ScanCommit, CommitTicket)>) {
        guard !commits.isEmpty else { return }
        state.withLock { $0.refused += commits.count }
        for (_, ticket) in commits { ticket.resolve(.failure(JournalError.earlierCommitFailed)) }
    }
}
