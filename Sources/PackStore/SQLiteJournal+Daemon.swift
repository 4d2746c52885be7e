import GRDB
public import PackCore

/// What the daemon's API and metrics read.
extension SQLiteJournal {
    /// An order by id, exactly or, failing that, ignoring letter case.
    public func order(lookingUp id: String) async throws -> Order? {
        if let order = try await order(id: id) { return order }
        let exact = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM orders WHERE folded_id = ?", arguments: [CodeText.fold(id)])
        }
        guard let exact else { return nil }
        return try await order(id: exact)
    }

    /// The labels an order's arrival queued (`on_approval`), oldest first, with
    /// why each was printed and where its job is.
    public func approvalLabels(orderId: String) async throws -> [(parcelId: String, jobId: String, reason: String, state: String?)] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.parcel_id, a.job_id, a.reason, j.state FROM approval_labels a
                    LEFT JOIN print_jobs j ON j.id = a.job_id WHERE a.order_id = ? ORDER BY a.seq
                    """, arguments: [orderId]
            ).map { ($0["parcel_id"], $0["job_id"], $0["reason"], $0["state"]) }
        }
    }

    /// How many versions of the order the journal has taken (1: the first).
    public func orderRevision(id: String) async throws -> Int? {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT revision FROM orders WHERE id = ?", arguments: [id]) }
    }

    /// Events not yet delivered to the core, the oldest one's time, and dead letters.
    public func outboxBacklog() async throws -> (pending: Int, oldest: Timestamp?, dead: Int) {
        try await pool.read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0
            let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(occurred_at) FROM outbox WHERE state = 'pending'")
            let dead = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'dead'") ?? 0
            return (pending, oldest.map(Timestamp.init(millisecondsSinceEpoch:)), dead)
        }
    }

    /// Jobs waiting or at CUPS, per printer.
    public func printQueueDepths() async throws -> [String: Int] {
        try await pool.read { db in
            var depths: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT printer, COUNT(*) AS n FROM print_jobs WHERE state IN ('queued', 'sent') GROUP BY printer")
            {
                depths[row["printer"]] = row["n"]
            }
            return depths
        }
    }
}
