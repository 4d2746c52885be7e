import Foundation
import GRDB
public import PackCore

/// The durable per-printer FIFO of labels.
extension SQLiteJournal {
    /// Queues labels on their own (a reprint, `packd print`), in one transaction.
    public func enqueuePrint(_ requests: [PrintRequest]) async throws {
        try await pool.write { db in
            for r in requests { try PrintJobWriter.insert(r, to: db) }
        }
    }

    /// The printer's oldest unfinished job: the one to work on (FIFO per printer).
    /// Read on the calling thread (`readHere`): it is on a label's way to the printer.
    public func nextPrintJob(printer: String) async throws -> PrintJob? {
        try readHere { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM print_jobs WHERE printer = ? AND state IN ('queued', 'sent')
                        ORDER BY seq LIMIT 1
                        """),
                arguments: [printer]
            ).map(PrintJobWriter.job)
        }
    }

    /// The highest job sequence number so far (0 with none).
    public func lastPrintSeq() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM print_jobs") ?? 0 }
    }

    /// The highest CUPS job id recorded for a printer's jobs (0 with none): any
    /// job packd submitted to it later has a higher id.
    public func lastCupsJobId(printer: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT MAX(cups_job_id) FROM print_jobs WHERE printer = ?", arguments: [printer]) ?? 0
        }
    }

    public func printJob(id: String) async throws -> PrintJob? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM print_jobs WHERE id = ?", arguments: [id]).map(PrintJobWriter.job)
        }
    }

    /// Jobs, newest last; one printer's or all.
    public func printJobs(printer: String?, limit: Int) async throws -> [PrintJob] {
        try await pool.read { db in
            let rows: [Row]
            if let printer {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM print_jobs WHERE printer = ? ORDER BY seq DESC LIMIT ?", arguments: [printer, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM print_jobs ORDER BY seq DESC LIMIT ?", arguments: [limit])
            }
            return try rows.reversed().map(PrintJobWriter.job)
        }
    }

    /// Moves a job to `state`, with the event it raises (label.printed,
    /// label.failed) in the same transaction. Durable when it returns: the queue
    /// relies on each state being on disk before it acts on the next. A job
    /// cancelled meanwhile (its order was cancelled) stays cancelled: returns false.
    @discardableResult
    public func updatePrintJob(
        id: String, state: PrintJobState, cupsJobId: Int?, attempts: Int, error: String?, at time: Timestamp,
        event: OutboundEvent? = nil
    ) async throws -> Bool {
        let mode = self.mode
        return try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE print_jobs SET state = ?, cups_job_id = ?, attempts = ?, last_error = ?, updated_at = ?
                    WHERE id = ? AND state <> 'cancelled'
                    """,
                arguments: [state.rawValue, cupsJobId, attempts, error, time.millisecondsSinceEpoch, id])
            guard db.changesCount == 1 else {
                guard try String.fetchOne(db, sql: "SELECT state FROM print_jobs WHERE id = ?", arguments: [id]) != nil else {
                    throw JournalError.corrupt("no print job \(id)")
                }
                return false
            }
            if let event { try CommitWriter.append(event, to: db, mode: mode) }
            return true
        }
    }
}
