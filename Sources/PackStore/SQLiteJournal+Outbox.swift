import GRDB
public import PackCore

/// Delivery to the core: which events go next, and what became of them.
extension SQLiteJournal: OutboxStore {
    public func deliveryBatch(limit: Int, now: Timestamp) async throws -> DeliveryBatch {
        try await pool.read { db in
            var scan = DeliveryBatchScan(limit: limit, now: now)
            while !scan.isDone {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT seq, id, order_id, occurred_at, payload, state, attempts, next_attempt_at FROM outbox
                        WHERE state IN ('pending', 'dead') AND seq > ? ORDER BY seq LIMIT ?
                        """, arguments: [scan.after, DeliveryBatchScan.step])
                for row in rows {
                    scan.offer(
                        seq: row["seq"], id: row["id"], orderId: row["order_id"], occurredAt: row["occurred_at"],
                        payload: row["payload"], dead: row["state"] as String == "dead", attempts: row["attempts"],
                        due: row["next_attempt_at"])
                }
                if rows.count < DeliveryBatchScan.step { break }
            }
            return scan.batch
        }
    }

    public func markDelivered(_ seqs: [Int64], at time: Timestamp) async throws {
        guard !seqs.isEmpty else { return }
        try await pool.write { db in
            for seq in seqs {
                try db.execute(
                    cached: """
                        UPDATE outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, next_attempt_at = NULL
                        WHERE seq = ? AND state = 'pending'
                        """, arguments: [time.millisecondsSinceEpoch, seq])
            }
        }
    }

    public func markRetry(_ seqs: [Int64], error: String, nextAttemptAt: Timestamp) async throws {
        guard !seqs.isEmpty else { return }
        try await pool.write { db in
            for seq in seqs {
                try db.execute(
                    cached: """
                        UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
                        WHERE seq = ? AND state = 'pending'
                        """, arguments: [String(error.prefix(1000)), nextAttemptAt.millisecondsSinceEpoch, seq])
            }
        }
    }

    public func markDead(_ seq: Int64, status: Int, response: String, at time: Timestamp) async throws {
        try await pool.write { db in
            try db.execute(
                cached: """
                    UPDATE outbox SET state = 'dead', attempts = attempts + 1, dead_at = ?, dead_status = ?, dead_response = ?,
                    last_error = ?, next_attempt_at = NULL WHERE seq = ? AND state = 'pending'
                    """,
                arguments: [
                    time.millisecondsSinceEpoch, status, String(response.prefix(4000)), "HTTP \(status)", seq,
                ])
        }
    }

    /// Dead letters (and, with `includeDropped`, those the operator dropped), oldest first.
    public func deadLetters(includeDropped: Bool = false, limit: Int = 1000) async throws -> [DeadLetter] {
        try await pool.read { db in
            let states = includeDropped ? "('dead', 'dropped')" : "('dead')"
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT o.*, (SELECT COUNT(*) FROM outbox h WHERE h.order_id = o.order_id AND h.seq > o.seq
                        AND h.state = 'pending') AS held
                    FROM outbox o WHERE o.state IN \(states) ORDER BY o.seq LIMIT ?
                    """, arguments: [limit]
            ).map { row in
                DeadLetter(
                    seq: row["seq"], id: row["id"], type: row["type"], orderId: row["order_id"],
                    occurredAt: Timestamp(millisecondsSinceEpoch: row["occurred_at"]),
                    state: OutboxEntry.State(rawValue: row["state"]) ?? .dead, attempts: row["attempts"],
                    status: row["dead_status"], response: row["dead_response"],
                    deadAt: (row["dead_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)),
                    dropReason: row["drop_reason"], held: row["held"])
            }
        }
    }

    /// Sends dead letters again (the core was fixed): they become pending, due now.
    /// `ids` nil: every dead letter. Returns the ids that were dead; throws
    /// `NotDeadLetters`, changing nothing, when an id named is not one.
    public func retryDeadLetters(ids: [String]?) async throws -> [String] {
        try await pool.write { db in
            let chosen = try Self.deadIds(ids, db)
            for id in chosen {
                try db.execute(
                    sql: """
                        UPDATE outbox SET state = 'pending', next_attempt_at = NULL, dead_at = NULL
                        WHERE id = ? AND state = 'dead'
                        """, arguments: [id])
            }
            return chosen
        }
    }

    /// Lets dead letters go for good, with the operator's reason: the events
    /// behind them in their order are sent. Returns the ids that were dead; throws
    /// `NotDeadLetters`, changing nothing, when an id named is not one.
    public func dropDeadLetters(ids: [String]?, reason: String, at time: Timestamp) async throws -> [String] {
        try await pool.write { db in
            let chosen = try Self.deadIds(ids, db)
            for id in chosen {
                try db.execute(
                    sql: "UPDATE outbox SET state = 'dropped', drop_reason = ? WHERE id = ? AND state = 'dead'",
                    arguments: ["\(time.rfc3339) \(reason)", id])
            }
            return chosen
        }
    }

    /// The dead letters to act on, checked in the transaction that acts on them.
    private static func deadIds(_ ids: [String]?, _ db: Database) throws -> [String] {
        guard let ids else { return try String.fetchAll(db, sql: "SELECT id FROM outbox WHERE state = 'dead' ORDER BY seq") }
        let unknown = try ids.indices.filter { i in
            try !(Bool.fetchOne(db, sql: "SELECT 1 FROM outbox WHERE id = ? AND state = 'dead'", arguments: [ids[i]]) ?? false)
        }
        guard unknown.isEmpty else { throw NotDeadLetters(ids: unknown.map { ids[$0] }, firstIndex: unknown[0]) }
        return ids
    }

    /// Events by state, counted.
    public func outboxCounts() async throws -> [OutboxEntry.State: Int] {
        try await pool.read { db in
            var counts: [OutboxEntry.State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM outbox GROUP BY state") {
                if let state = OutboxEntry.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }
}
