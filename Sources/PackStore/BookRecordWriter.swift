import GRDB

/// Keeps `order_books.finished_at` true inside the caller's transaction: set
/// when the order's status ends it or its last parcel ships, cleared when a new
/// version brings it back.
enum BookRecordWriter {
    static func markFinished(orderId: String, at time: Int64, to db: Database) throws {
        try db.execute(
            cached: """
                UPDATE order_books SET finished_at = CASE
                    WHEN (SELECT status FROM orders WHERE id = ?1) IN ('cancelled', 'refunded', 'shipped')
                      OR NOT EXISTS (SELECT 1 FROM parcels WHERE order_id = ?1 AND in_order = 1 AND state <> 'shipped')
                    THEN COALESCE(finished_at, ?2) ELSE NULL END
                WHERE order_id = ?1
                """,
            arguments: [orderId, time])
    }
}
