import GRDB
public import PackCore

/// What a journal of many months may let go of.
public struct PrunedRecords: Sendable, Equatable {
    public var events = 0
    public var printJobs = 0
    public var orders = 0
    public var inputDeadLetters = 0

    public init() {}
}

extension SQLiteJournal {
    public typealias Pruned = PrunedRecords

    /// Deletes, before `cutoff`: events already delivered (or applied to the local
    /// ledger, or dropped by the operator), finished print jobs with their documents, feed orders refused
    /// on the way in, and finished orders none of whose events still wait. The stock ledger is never pruned. Works in
    /// batches, so that no transaction holds the writer for long.
    public func prune(before cutoff: Timestamp, batch: Int = 5_000) async throws -> Pruned {
        var pruned = Pruned()
        let ms = cutoff.millisecondsSinceEpoch
        while true {
            let n = try await pool.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox
                        WHERE state IN ('delivered', 'applied', 'dropped') AND occurred_at < ? LIMIT ?)
                        """, arguments: [ms, batch])
                return db.changesCount
            }
            pruned.events += n
            if n < batch { break }
        }
        while true {
            let n = try await pool.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM print_jobs WHERE seq IN (SELECT seq FROM print_jobs
                        WHERE state IN ('completed', 'failed', 'cancelled') AND updated_at < ? LIMIT ?)
                        """, arguments: [ms, batch])
                return db.changesCount
            }
            pruned.printJobs += n
            if n < batch { break }
        }
        while true {
            let n = try await pool.write { db in
                let ids = try String.fetchAll(
                    db,
                    sql: """
                        SELECT b.order_id FROM order_books b WHERE b.finished_at < ?
                        AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.order_id = b.order_id AND e.state IN ('pending', 'dead'))
                        AND NOT EXISTS (SELECT 1 FROM print_jobs j WHERE j.order_id = b.order_id AND j.state IN ('queued', 'sent'))
                        AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.order_id = b.order_id AND p.state = 'open')
                        LIMIT ?
                        """, arguments: [ms, batch])
                for id in ids {
                    try ShippedMemory.remember(orderId: id, in: db)
                    for table in ["approval_labels", "parcels", "order_books"] {
                        try db.execute(sql: "DELETE FROM \(table) WHERE order_id = ?", arguments: [id])
                    }
                    try db.execute(sql: "DELETE FROM orders WHERE id = ?", arguments: [id])
                }
                return ids.count
            }
            pruned.orders += n
            if n < batch { break }
        }
        // Refused feed orders: kept for the operator as long as delivered events.
        while true {
            let n = try await pool.write { db in
                try db.execute(
                    sql: "DELETE FROM input_dead_letters WHERE seq IN (SELECT seq FROM input_dead_letters WHERE at < ? LIMIT ?)",
                    arguments: [ms, batch])
                return db.changesCount
            }
            pruned.inputDeadLetters += n
            if n < batch { break }
        }
        return pruned
    }
}
