import GRDB
import PackCore

/// Group commit: decisions that arrive while a transaction is being written wait
/// and go together in the next one, so many stations share one fsync. Each caller
/// resumes only after the transaction holding its commit is durable.
actor GroupCommitter {
    private let pool: DatabasePool
    private let mode: CoreMode
    private var waiting: [(ScanCommit, CheckedContinuation<Void, any Error>)] = []
    private var writing = false
    /// Commits and the transactions that carried them, for metrics and tests.
    private(set) var stats = (commits: 0, transactions: 0)

    /// Bounds one transaction, so a burst cannot make one commit hold the writer for long.
    static let maxBatch = 512

    init(pool: DatabasePool, mode: CoreMode) {
        self.pool = pool
        self.mode = mode
    }

    func submit(_ commit: ScanCommit) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiting.append((commit, continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    var waitingCount: Int { waiting.count }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.maxBatch))
            waiting.removeFirst(batch.count)
            await write(batch)
        }
        writing = false
    }

    private func write(_ batch: [(ScanCommit, CheckedContinuation<Void, any Error>)]) async {
        let commits = batch.map(\.0)
        let mode = self.mode
        do {
            try await pool.write { db in
                for commit in commits { try CommitWriter.write(commit, to: db, mode: mode) }
            }
            stats.commits += batch.count
            stats.transactions += 1
            for (_, continuation) in batch { continuation.resume() }
        } catch {
            // One bad commit must not fail its neighbours: write them one by one.
            guard batch.count > 1 else {
                batch[0].1.resume(throwing: error)
                return
            }
            for (commit, continuation) in batch {
                do {
                    try await pool.write { db in try CommitWriter.write(commit, to: db, mode: mode) }
                    stats.commits += 1
                    stats.transactions += 1
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
