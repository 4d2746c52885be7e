import Logging
import PostgresNIO
import Synchronization

/// Sends a scan commit's notifications (its parcels' new states, for the other
/// packd's books) after the commit, not in it.
///
/// PostgreSQL serialises every transaction that notifies: from its NOTIFY until
/// its commit record is flushed it holds one lock on the database, so commits
/// that notify cannot share an fsync (no group commit) and queue behind each
/// other: with 200 stations opening and completing parcels, the completing
/// scans' p99 was 74 to 185 ms (`Lock: object` waits on COMMIT, seen in
/// pg_stat_activity). Sent afterwards in their own transactions, with
/// `synchronous_commit = off` (they hold no data: nothing is lost if the server
/// crashes before their commit record is flushed, and they do not wait for the
/// disk while holding that lock), batched while one is on its way.
///
/// What this gives up: a packd that dies between a commit and its notes leaves
/// the others' books behind on those parcels until they touch them; the store
/// still decides every transition (a scan that acts on a stale book is refused
/// and the book restated), so nothing ships twice. Notes of one station go in
/// its commits' order; those of different packd may cross.
final class FleetNoteSender: Sendable {
    private struct State {
        var queued: [String] = []
        var sending = false
    }

    private let state = Mutex(State())

    init() {}

    /// Queues `notes` to be sent through `journal`; returns at once. (The journal
    /// is held only while sending: it owns this sender.)
    func send(_ notes: [String], through journal: PostgresJournal) {
        guard !notes.isEmpty else { return }
        let start = state.withLock { s -> Bool in
            s.queued += notes
            guard !s.sending else { return false }
            s.sending = true
            return true
        }
        if start { Task { await self.drain(journal) } }
    }

    /// Returns once every note queued so far was sent (or given up on).
    func flush() async {
        while state.withLock({ $0.sending || !$0.queued.isEmpty }) { try? await Task.sleep(for: .milliseconds(5)) }
    }

    private func drain(_ journal: PostgresJournal) async {
        let logger = journal.logger
        var failures = 0
        while true {
            let batch = state.withLock { s -> [String] in
                defer { s.queued = [] }
                if s.queued.isEmpty { s.sending = false }
                return s.queued
            }
            guard !batch.isEmpty else { return }
            do {
                try await journal.transaction { db in
                    try await db.checkedQuery("SET LOCAL synchronous_commit TO off", logger: logger)
                    try await db.checkedQuery(
                        "SELECT pg_notify(\(PostgresJournal.channel), note) FROM unnest(\(batch)::text[]) AS note", logger: logger)
                }
                failures = 0
            } catch {
                failures += 1
                // Kept for the next try, ahead of what came meanwhile; after a few
                // failures the store is away, and the others resynchronise when
                // their own connections come back.
                if failures < 5 {
                    state.withLock { $0.queued = batch + $0.queued }
                    try? await Task.sleep(for: .milliseconds(100 * failures))
                } else {
                    logger.warning(
                        "fleet notifications not sent", metadata: ["notes": "\(batch.count)", "error": "\(FleetStoreError.describe(error))"])
                    failures = 0
                }
            }
        }
    }
}
