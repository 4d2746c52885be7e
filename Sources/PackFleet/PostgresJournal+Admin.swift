import Logging
public import PackCore
public import PackStore
import PostgresNIO

/// What the API, `packd outbox`, `packd doctor` and retention read and change in
/// the shared store.
extension PostgresJournal: DaemonJournal {
    // MARK: Orders

    public func order(lookingUp id: String) async throws -> Order? {
        if let order = try await order(id: id) { return order }
        let logger = self.logger
        let folded = CodeText.fold(id)
        let exact = try await read { db in
            try await db.checkedQuery("SELECT id FROM orders WHERE folded_id = \(folded)", logger: logger).decode(String.self)
                .first { _ in true }
        }
        guard let exact else { return nil }
        return try await order(id: exact)
    }

    public func orderRevision(id: String) async throws -> Int? {
        let logger = self.logger
        return try await read { db in
            try await db.checkedQuery("SELECT revision FROM orders WHERE id = \(id)", logger: logger).decode(Int64.self)
                .first { _ in true }.map(Int.init)
        }
    }

    public func parcelStates(orderId: String?) async throws -> [JournaledParcel] {
        let logger = self.logger
        return try await read { db in
            let rows =
                if let orderId {
                    try await db.checkedQuery(
                        """
                        SELECT order_id, parcel_id, waybill, state, open_station, shipped_at, shipped_station FROM parcels
                        WHERE in_order AND order_id = \(orderId) ORDER BY order_id, parcel_id
                        """, logger: logger)
                } else {
                    try await db.checkedQuery(
                        """
                        SELECT order_id, parcel_id, waybill, state, open_station, shipped_at, shipped_station FROM parcels
                        WHERE in_order ORDER BY order_id, parcel_id
                        """, logger: logger)
                }
            var parcels: [JournaledParcel] = []
            for try await (order, parcel, waybill, state, open, shippedAt, shippedStation) in rows.decode(
                (String, String, String, String, String?, Int64?, String?).self)
            {
                parcels.append(
                    JournaledParcel(
                        key: ParcelKey(orderId: order, parcelId: parcel), waybill: waybill, state: state, openStation: open,
                        shippedAt: shippedAt.map(Timestamp.init(millisecondsSinceEpoch:)), shippedStation: shippedStation))
            }
            return parcels
        }
    }

    /// The labels an order's arrival queued (`on_approval`), oldest first, with
    /// their jobs' states, whichever packd prints them.
    public func approvalLabels(orderId: String) async throws -> [(parcelId: String, jobId: String, reason: String, state: String?)] {
        let logger = self.logger
        return try await read { db in
            var labels: [(parcelId: String, jobId: String, reason: String, state: String?)] = []
            for try await (parcel, job, reason, state) in try await db.checkedQuery(
                """
                SELECT a.parcel_id, a.job_id, a.reason, j.state FROM approval_labels a LEFT JOIN print_jobs j ON j.id = a.job_id
                WHERE a.order_id = \(orderId) ORDER BY a.seq
                """, logger: logger
            ).decode((String, String, String, String?).self) {
                labels.append((parcel, job, reason, state))
            }
            return labels
        }
    }

    // MARK: The outbox, for operators

    public func outboxCounts() async throws -> [OutboxEntry.State: Int] {
        let logger = self.logger
        return try await read { db in
            var counts: [OutboxEntry.State: Int] = [:]
            for try await (state, n) in try await db.checkedQuery("SELECT state, count(*) FROM outbox GROUP BY state", logger: logger)
                .decode((String, Int64).self)
            {
                if let state = OutboxEntry.State(rawValue: state) { counts[state] = Int(n) }
            }
            return counts
        }
    }

    public func deadLetters(includeDropped: Bool, limit: Int) async throws -> [DeadLetter] {
        let logger = self.logger
        let states = includeDropped ? ["dead", "dropped"] : ["dead"]
        let limit64 = Int64(max(0, limit))
        return try await read { db in
            var letters: [DeadLetter] = []
            for try await row in try await db.checkedQuery(
                """
                SELECT o.seq, o.id, o.type, o.order_id, o.occurred_at, o.state, o.attempts, o.dead_status, o.dead_response,
                    o.dead_at, o.drop_reason,
                    (SELECT count(*) FROM outbox h WHERE h.order_id = o.order_id AND h.seq > o.seq AND h.state = 'pending')
                FROM outbox o WHERE o.state = ANY(\(states)) ORDER BY o.seq LIMIT \(limit64)
                """, logger: logger)
            {
                let c = row.makeRandomAccess()
                letters.append(
                    DeadLetter(
                        seq: try c[0].decode(Int64.self), id: try c[1].decode(String.self), type: try c[2].decode(String.self),
                        orderId: try c[3].decode(String.self),
                        occurredAt: Timestamp(millisecondsSinceEpoch: try c[4].decode(Int64.self)),
                        state: OutboxEntry.State(rawValue: try c[5].decode(String.self)) ?? .dead,
                        attempts: Int(try c[6].decode(Int32.self)), status: try c[7].decode(Int32?.self).map(Int.init),
                        response: try c[8].decode(String?.self),
                        deadAt: try c[9].decode(Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:)),
                        dropReason: try c[10].decode(String?.self), held: Int(try c[11].decode(Int64.self))))
            }
            return letters
        }
    }

    public func retryDeadLetters(ids: [String]?) async throws -> [String] {
        let logger = self.logger
        return try await transaction { db in
            let chosen = try await Self.deadIds(ids, db, logger: logger)
            try await db.checkedQuery(
                """
                UPDATE outbox SET state = 'pending', next_attempt_at = NULL, dead_at = NULL
                WHERE id = ANY(\(chosen)) AND state = 'dead'
                """, logger: logger)
            return chosen
        }
    }

    public func dropDeadLetters(ids: [String]?, reason: String, at time: Timestamp) async throws -> [String] {
        let logger = self.logger
        let why = "\(time.rfc3339) \(reason)"
        return try await transaction { db in
            let chosen = try await Self.deadIds(ids, db, logger: logger)
            try await db.checkedQuery(
                "UPDATE outbox SET state = 'dropped', drop_reason = \(why) WHERE id = ANY(\(chosen)) AND state = 'dead'",
                logger: logger)
            return chosen
        }
    }

    /// The dead letters to act on, locked and checked in the transaction that acts on them.
    private static func deadIds(_ ids: [String]?, _ db: PostgresConnection, logger: Logger) async throws -> [String] {
        var dead: [String] = []
        let rows =
            if let ids {
                try await db.checkedQuery(
                    "SELECT id FROM outbox WHERE id = ANY(\(ids)) AND state = 'dead' ORDER BY seq FOR UPDATE", logger: logger)
            } else {
                try await db.checkedQuery("SELECT id FROM outbox WHERE state = 'dead' ORDER BY seq FOR UPDATE", logger: logger)
            }
        for try await id in rows.decode(String.self) { dead.append(id) }
        guard let ids else { return dead }
        let found = Set(dead)
        let unknown = ids.indices.filter { !found.contains(ids[$0]) }
        guard unknown.isEmpty else { throw NotDeadLetters(ids: unknown.map { ids[$0] }, firstIndex: unknown[0]) }
        return ids
    }

    // MARK: The order feed

    public func feedCursor(_ feed: String) async throws -> String? {
        let logger = self.logger
        return try await read { db in
            try await db.checkedQuery("SELECT cursor FROM feed_cursors WHERE feed = \(feed)", logger: logger).decode(String.self)
                .first { _ in true }
        }
    }

    /// One page of the feed: each order on its own (a savepoint; one that clashes
    /// becomes an input dead letter), the page's rejects and the cursor, in one
    /// transaction.
    public func importFeedPage(
        _ orders: [Order], positions: [Int]?, rejected: [InputDeadLetter], cursor: String, feed: String, at time: Timestamp,
        approval: ApprovalPrinting?
    ) async throws -> (summary: ImportSummary, accepted: [Order], rejected: [InputDeadLetter]) {
        let logger = self.logger
        let node = self.node
        return try await transaction { db in
            var summary = ImportSummary(added: 0, replaced: 0)
            var accepted: [Order] = []
            var dead = rejected
            for (index, order) in orders.enumerated() {
                let position = positions.flatMap { index < $0.count ? $0[index] : nil } ?? index
                try await db.checkedQuery("SAVEPOINT feed_order", logger: logger)
                do {
                    var attempt = summary
                    let replaced = try await FleetOrderWriter.upsert(order, index: position, at: time, node: node, on: db, logger: logger)
                    if replaced { attempt.replaced += 1 } else { attempt.added += 1 }
                    if !replaced { attempt.alreadyShipped += try await FleetOrderWriter.recallShipped(order, at: time, on: db, logger: logger) }
                    if let approval {
                        try await FleetApprovalLabelWriter.apply(
                            order, approval: approval, node: node, at: time, on: db, logger: logger, summary: &attempt)
                    }
                    try await db.checkedQuery("RELEASE SAVEPOINT feed_order", logger: logger)
                    summary = attempt
                    accepted.append(order)
                } catch let error as OrderFileError {
                    try await db.checkedQuery("ROLLBACK TO SAVEPOINT feed_order", logger: logger)
                    dead.append(
                        InputDeadLetter(
                            source: feed, orderId: order.id, path: error.problems.first?.path, error: error.description,
                            body: nil, at: time))
                }
            }
            for letter in dead {
                let error = String(letter.error.prefix(4000))
                let body = letter.body.map { String($0.prefix(4000)) }
                let at = letter.at.millisecondsSinceEpoch
                try await db.checkedQuery(
                    """
                    INSERT INTO input_dead_letters (source, order_id, path, error, body, at)
                    VALUES (\(letter.source), \(letter.orderId), \(letter.path), \(error), \(body), \(at))
                    """, logger: logger)
            }
            let at = time.millisecondsSinceEpoch
            try await db.checkedQuery(
                """
                INSERT INTO feed_cursors (feed, cursor, updated_at) VALUES (\(feed), \(cursor), \(at))
                ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
                """, logger: logger)
            return (summary, accepted, dead)
        }
    }

    public func inputDeadLetters(limit: Int) async throws -> [InputDeadLetter] {
        let logger = self.logger
        let limit64 = Int64(max(0, limit))
        return try await read { db in
            var letters: [InputDeadLetter] = []
            for try await (source, order, path, error, body, at) in try await db.checkedQuery(
                "SELECT source, order_id, path, error, body, at FROM input_dead_letters ORDER BY seq DESC LIMIT \(limit64)",
                logger: logger
            ).decode((String, String?, String?, String, String?, Int64).self) {
                letters.append(
                    InputDeadLetter(
                        source: source, orderId: order, path: path, error: error, body: body,
                        at: Timestamp(millisecondsSinceEpoch: at)))
            }
            return letters
        }
    }

    // MARK: Retention and health

    /// Deletes, before `cutoff`, what the whole fleet is done with: delivered (or
    /// applied, or dropped) events, finished print jobs, refused feed orders, and
    /// finished orders nothing waits on. The stock ledger is never pruned. Any
    /// packd may run it; batches keep each transaction short.
    public func prune(before cutoff: Timestamp, batch: Int) async throws -> PrunedRecords {
        let logger = self.logger
        let ms = cutoff.millisecondsSinceEpoch
        let size = Int64(max(1, batch))
        var pruned = PrunedRecords()
        func repeatUntilShort(_ statement: PostgresQuery) async throws -> Int {
            var total = 0
            while true {
                let n = try await transaction { db in
                    try await db.checkedQuery(statement, logger: logger).decode(Int32.self).reduce(0) { count, _ in count + 1 }
                }
                total += n
                if n < Int(size) { return total }
            }
        }
        pruned.events = try await repeatUntilShort(
            """
            DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox
            WHERE state IN ('delivered', 'applied', 'dropped') AND occurred_at < \(ms) LIMIT \(size)) RETURNING 1
            """)
        pruned.printJobs = try await repeatUntilShort(
            """
            DELETE FROM print_jobs WHERE seq IN (SELECT seq FROM print_jobs
            WHERE state IN ('completed', 'failed', 'cancelled') AND updated_at < \(ms) LIMIT \(size)) RETURNING 1
            """)
        pruned.orders = try await repeatUntilShort(
            """
            WITH gone AS (
                SELECT o.id FROM orders o WHERE o.finished_at < \(ms)
                AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.order_id = o.id AND e.state IN ('pending', 'dead'))
                AND NOT EXISTS (SELECT 1 FROM print_jobs j WHERE j.order_id = o.id AND j.state IN ('queued', 'sent'))
                AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.order_id = o.id AND p.state = 'open')
                LIMIT \(size) FOR UPDATE SKIP LOCKED
            ), remembered AS (
                INSERT INTO shipped_memory (order_id, parcel_id, folded_parcel_id, folded_waybill, shipped_at)
                SELECT order_id, parcel_id, folded_parcel_id, folded_waybill, coalesce(shipped_at, 0) FROM parcels
                WHERE order_id IN (SELECT id FROM gone) AND state = 'shipped'
                ON CONFLICT (order_id, parcel_id) DO UPDATE SET shipped_at = excluded.shipped_at
            ), parcels_gone AS (DELETE FROM parcels WHERE order_id IN (SELECT id FROM gone)),
            labels_gone AS (DELETE FROM approval_labels WHERE order_id IN (SELECT id FROM gone))
            DELETE FROM orders WHERE id IN (SELECT id FROM gone) RETURNING 1
            """)
        pruned.inputDeadLetters = try await repeatUntilShort(
            """
            DELETE FROM input_dead_letters WHERE seq IN (SELECT seq FROM input_dead_letters WHERE at < \(ms) LIMIT \(size))
            RETURNING 1
            """)
        return pruned
    }

    /// Forgets the parcels shipped before `cutoff` (`retention.shipped_memory_days`).
    public func forgetShipped(before cutoff: Timestamp) async throws -> Int {
        let logger = self.logger
        let ms = cutoff.millisecondsSinceEpoch
        return try await transaction { db in
            try await db.checkedQuery("DELETE FROM shipped_memory WHERE shipped_at < \(ms) RETURNING 1", logger: logger)
                .decode(Int32.self).reduce(0) { count, _ in count + 1 }
        }
    }

    /// The store answers, its schema is this packd's, and it is a primary (a fleet
    /// writes to one primary; a replica would refuse every commit).
    public func integrityCheck() async throws -> String {
        let logger = self.logger
        return try await read { db in
            var recovery = true
            for try await inRecovery in try await db.checkedQuery("SELECT pg_is_in_recovery()", logger: logger).decode(Bool.self) {
                recovery = inRecovery
            }
            return recovery ? "a standby (read-only): point [store] url at the primary" : "ok"
        }
    }
}
