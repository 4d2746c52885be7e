import GRDB
public import PackCore

/// An input packd could not take (an order of the feed that does not decode or
/// clashes with another), kept for the operator instead of stopping the feed.
public struct InputDeadLetter: Sendable, Equatable {
    public var source: String
    public var orderId: String?
    /// The JSON path of the first problem (`orders[3].lines[0].qty`).
    public var path: String?
    public var error: String
    /// The start of the rejected input.
    public var body: String?
    public var at: Timestamp

    public init(source: String, orderId: String?, path: String?, error: String, body: String?, at: Timestamp) {
        self.source = source
        self.orderId = orderId
        self.path = path
        self.error = error
        self.body = body
        self.at = at
    }
}

/// The pull feed (contracts.md section 7): its cursor moves in the transaction
/// that journals the page's orders, so a restart neither misses nor re-applies one.
extension SQLiteJournal {
    public func feedCursor(_ feed: String = "core") async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT cursor FROM feed_cursors WHERE feed = ?", arguments: [feed])
        }
    }

    /// Journals one page: each order on its own (one that clashes with the journal
    /// becomes an input dead letter, the rest go in), the page's rejects, and the
    /// cursor, in one transaction. Returns the orders taken.
    public func importFeedPage(
        _ orders: [Order], positions: [Int]? = nil, rejected: [InputDeadLetter], cursor: String, feed: String = "core",
        at time: Timestamp, approval: ApprovalPrinting?
    ) async throws -> (summary: ImportSummary, accepted: [Order], rejected: [InputDeadLetter]) {
        try await pool.write { db in
            var summary = ImportSummary(added: 0, replaced: 0)
            var accepted: [Order] = []
            var dead = rejected
            for (index, order) in orders.enumerated() {
                var attempt = summary
                do {
                    try db.inSavepoint {
                        let position = positions.flatMap { index < $0.count ? $0[index] : nil } ?? index
                        let replaced = try OrderWriter.upsert(order, index: position, at: time, to: db)
                        if replaced { attempt.replaced += 1 } else { attempt.added += 1 }
                        attempt.alreadyShipped += try ShippedMemory.recall(order, replaced: replaced, at: time, in: db)
                        if let approval {
                            try ApprovalLabelWriter.apply(order, approval: approval, at: time, to: db, summary: &attempt)
                        }
                        return .commit
                    }
                    summary = attempt
                    accepted.append(order)
                } catch let error as OrderFileError {
                    dead.append(
                        InputDeadLetter(
                            source: feed, orderId: order.id, path: error.problems.first?.path, error: error.description,
                            body: nil, at: time))
                }
            }
            for letter in dead {
                try db.execute(
                    sql: "INSERT INTO input_dead_letters (source, order_id, path, error, body, at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        letter.source, letter.orderId, letter.path, String(letter.error.prefix(4000)),
                        letter.body.map { String($0.prefix(4000)) }, letter.at.millisecondsSinceEpoch,
                    ])
            }
            try db.execute(
                sql: """
                    INSERT INTO feed_cursors (feed, cursor, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(feed) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
                    """, arguments: [feed, cursor, time.millisecondsSinceEpoch])
            return (summary, accepted, dead)
        }
    }

    /// Inputs refused on the way in, newest first.
    public func inputDeadLetters(limit: Int = 100) async throws -> [InputDeadLetter] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM input_dead_letters ORDER BY seq DESC LIMIT ?", arguments: [limit]
            ).map {
                InputDeadLetter(
                    source: $0["source"], orderId: $0["order_id"], path: $0["path"], error: $0["error"], body: $0["body"],
                    at: Timestamp(millisecondsSinceEpoch: $0["at"]))
            }
        }
    }
}
