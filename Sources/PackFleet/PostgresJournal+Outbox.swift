import Logging
public import PackCore
public import PackStore
import PostgresNIO

/// Delivery to the core from the shared outbox. Only the packd holding the
/// fleet's delivery lease (`FleetDeliveryLease`) runs it, so events leave in one
/// order; the queries are the embedded journal's.
extension PostgresJournal: OutboxStore {
    public func deliveryBatch(limit: Int, now: Timestamp) async throws -> DeliveryBatch {
        let logger = self.logger
        let step = Int64(DeliveryBatchScan.step)
        return try await read { db in
            var scan = DeliveryBatchScan(limit: limit, now: now)
            while !scan.isDone {
                var rows = 0
                for try await (seq, id, order, occurred, payload, state, attempts, due) in try await db.checkedQuery(
                    """
                    SELECT seq, id, order_id, occurred_at, payload, state, attempts, next_attempt_at FROM outbox
                    WHERE state IN ('pending', 'dead') AND seq > \(scan.after) ORDER BY seq LIMIT \(step)
                    """, logger: logger
                ).decode((Int64, String, String, Int64, String, String, Int32, Int64?).self) {
                    rows += 1
                    scan.offer(
                        seq: seq, id: id, orderId: order, occurredAt: occurred, payload: payload, dead: state == "dead",
                        attempts: Int(attempts), due: due)
                }
                if rows < Int(step) { break }
            }
            return scan.batch
        }
    }

    public func markDelivered(_ seqs: [Int64], at time: Timestamp) async throws {
        guard !seqs.isEmpty else { return }
        let logger = self.logger
        let at = time.millisecondsSinceEpoch
        try await transaction { db in
            try await db.checkedQuery(
                """
                UPDATE outbox SET state = 'delivered', delivered_at = \(at), attempts = attempts + 1, next_attempt_at = NULL
                WHERE seq = ANY(\(seqs)) AND state = 'pending'
                """, logger: logger)
        }
    }

    public func markRetry(_ seqs: [Int64], error: String, nextAttemptAt: Timestamp) async throws {
        guard !seqs.isEmpty else { return }
        let logger = self.logger
        let message = String(error.prefix(1000))
        let due = nextAttemptAt.millisecondsSinceEpoch
        try await transaction { db in
            try await db.checkedQuery(
                """
                UPDATE outbox SET attempts = attempts + 1, last_error = \(message), next_attempt_at = \(due)
                WHERE seq = ANY(\(seqs)) AND state = 'pending'
                """, logger: logger)
        }
    }

    public func markDead(_ seq: Int64, status: Int, response: String, at time: Timestamp) async throws {
        let logger = self.logger
        let at = time.millisecondsSinceEpoch
        let answer = String(response.prefix(4000))
        let status32 = Int32(clamping: status)
        let error = "HTTP \(status)"
        try await transaction { db in
            try await db.checkedQuery(
                """
                UPDATE outbox SET state = 'dead', attempts = attempts + 1, dead_at = \(at), dead_status = \(status32),
                    dead_response = \(answer), last_error = \(error), next_attempt_at = NULL
                WHERE seq = \(seq) AND state = 'pending'
                """, logger: logger)
        }
    }

    /// Events not yet delivered to the core, the oldest one's time, and dead letters.
    public func outboxBacklog() async throws -> (pending: Int, oldest: Timestamp?, dead: Int) {
        let logger = self.logger
        return try await read { db in
            var result: (Int, Timestamp?, Int) = (0, nil, 0)
            for try await (pending, oldest, dead) in try await db.checkedQuery(
                """
                SELECT count(*) FILTER (WHERE state = 'pending'), min(occurred_at) FILTER (WHERE state = 'pending'),
                    count(*) FILTER (WHERE state = 'dead')
                FROM outbox WHERE state IN ('pending', 'dead')
                """, logger: logger
            ).decode((Int64, Int64?, Int64).self) {
                result = (Int(pending), oldest.map(Timestamp.init(millisecondsSinceEpoch:)), Int(dead))
            }
            return result
        }
    }
}
