import Foundation
import GRDB
public import PackCore

extension SQLiteJournal {
    public func importOrders(_ orders: [Order], at time: Timestamp) async throws -> ImportSummary {
        try await importOrders(orders, at: time, approval: nil)
    }

    /// Adds or replaces orders, all or nothing, and in the same transaction queues
    /// the labels `approval` asks for (at most once per parcel and label revision)
    /// and cancels queued approval labels of orders that no longer ship.
    public func importOrders(_ orders: [Order], at time: Timestamp, approval: ApprovalPrinting?) async throws -> ImportSummary {
        try await pool.write { db in
            var summary = ImportSummary(added: 0, replaced: 0)
            for (index, order) in orders.enumerated() {
                let replaced = try OrderWriter.upsert(order, index: index, at: time, to: db)
                if replaced { summary.replaced += 1 } else { summary.added += 1 }
                summary.alreadyShipped += try ShippedMemory.recall(order, replaced: replaced, at: time, in: db)
                if let approval {
                    try ApprovalLabelWriter.apply(order, approval: approval, at: time, to: db, summary: &summary)
                }
            }
            return summary
        }
    }

    public func loadBook() async throws -> OrderBook { try await loadBook(finishedBefore: nil) }

    /// The order book, without the orders finished (shipped, cancelled, refunded)
    /// whose last change is older than `finishedBefore`: a daemon running for
    /// months keeps in memory only what can still be scanned usefully.
    public func loadBook(finishedBefore cutoff: Timestamp?) async throws -> OrderBook {
        try await pool.read { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM order_books") ?? 0
            let builder = BookBuilder(capacity: count)
            let decoder = OrderDecoder.journaled
            let cutoffArguments: StatementArguments = cutoff.map { ["cutoff": $0.millisecondsSinceEpoch] } ?? []
            let filter = cutoff == nil ? "" : "WHERE finished_at IS NULL OR finished_at >= :cutoff"
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT order_id, book FROM order_books \(filter) ORDER BY rowid",
                arguments: cutoffArguments)
            var batch: [Order] = []
            batch.reserveCapacity(BookBuilder.batchSize)
            while let row = try cursor.next() {
                let id: String = row["order_id"]
                var order = row.dataNoCopy(named: "book").flatMap { record in record.withUnsafeBytes { BookRecord.decode($0) } }
                if order == nil {
                    // A record that does not read: the order's JSON is the truth.
                    guard let body = try String.fetchOne(db, sql: "SELECT body FROM orders WHERE id = ?", arguments: [id]) else {
                        throw JournalError.corrupt("order \(id) has a book record but no order")
                    }
                    do {
                        order = try decoder.decodeOrder(try JSONParser.parse(body))
                    } catch {
                        throw JournalError.corrupt("order \(id) does not decode: \(error)")
                    }
                }
                batch.append(order!)
                if batch.count == BookBuilder.batchSize {
                    builder.add(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            builder.add(batch)
            var book = builder.finish()
            let states = try Row.fetchCursor(
                db,
                sql: cutoff == nil
                    ? """
                        SELECT order_id, parcel_id, state, open_station FROM parcels INDEXED BY parcels_not_pending
                        WHERE in_order = 1 AND state <> 'pending'
                        """
                    : """
                        SELECT p.order_id, p.parcel_id, p.state, p.open_station FROM parcels p INDEXED BY parcels_not_pending
                        CROSS JOIN order_books b ON b.order_id = p.order_id
                        WHERE p.in_order = 1 AND p.state <> 'pending' AND (b.finished_at IS NULL OR b.finished_at >= :cutoff)
                        """,
                arguments: cutoffArguments)
            while let row = try states.next() {
                // Only parcels open or shipped (the partial index), of the orders loaded
                // (parcels first: the planner would otherwise walk every book record).
                let key = ParcelKey(orderId: row["order_id"], parcelId: row["parcel_id"])
                switch row["state"] as String {
                case "shipped": book.apply(.ship(key))
                case "open": book.apply(.open(key, station: row["open_station"]))
                default: break
                }
            }
            return book
        }
    }

    /// One order as last imported. Read on the calling thread (`readHere`): the
    /// print worker reads it on the way from a completing scan to the printer.
    public func order(id: String) async throws -> Order? {
        try readHere { db in
            guard let body = try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM orders WHERE id = ?"), arguments: [id])
            else {
                return nil
            }
            do {
                return try OrderDecoder.journaled.decodeOrder(try JSONParser.parse(body))
            } catch {
                throw JournalError.corrupt("order \(id) does not decode: \(error)")
            }
        }
    }

    /// Every parcel as journaled (or one order's), for checks and the API.
    public func parcelStates(orderId: String? = nil) async throws -> [JournaledParcel] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT order_id, parcel_id, waybill, state, open_station, shipped_at, shipped_station
                    FROM parcels WHERE in_order = 1 \(orderId == nil ? "" : "AND order_id = ?") ORDER BY order_id, parcel_id
                    """, arguments: StatementArguments(orderId.map { [$0] } ?? [])
            ).map(JournaledParcel.init(row:))
        }
    }
}

public struct JournaledParcel: Sendable, Equatable {
    public init(
        key: ParcelKey, waybill: String, state: String, openStation: String?, shippedAt: Timestamp?, shippedStation: String?
    ) {
        self.key = key
        self.waybill = waybill
        self.state = state
        self.openStation = openStation
        self.shippedAt = shippedAt
        self.shippedStation = shippedStation
    }

    init(row: Row) {
        key = ParcelKey(orderId: row["order_id"], parcelId: row["parcel_id"])
        waybill = row["waybill"]
        state = row["state"]
        openStation = row["open_station"]
        shippedAt = (row["shipped_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
        shippedStation = row["shipped_station"]
    }

    public var key: ParcelKey
    public var waybill: String
    /// `pending`, `open` or `shipped`.
    public var state: String
    public var openStation: String?
    public var shippedAt: Timestamp?
    public var shippedStation: String?
}

/// Writes one order and its parcels; a newer version replaces the older, and what
/// packd did with its parcels (open, shipped) is kept.
enum OrderWriter {
    /// Returns whether an earlier version was replaced.
    static func upsert(_ order: Order, index: Int, at time: Timestamp, to db: Database) throws -> Bool {
        let folded = CodeText.fold(order.id)
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, revision FROM orders WHERE folded_id = ?"), arguments: [folded])
        if let existing, (existing["id"] as String) != order.id {
            throw OrderFileError(problems: [
                OrderFieldError(
                    path: "orders[\(index)].id",
                    message: "\"\(order.id)\" differs only in letter case from order \(existing["id"] as String)")
            ])
        }
        // A waybill or parcel id names one parcel across all orders.
        for (k, parcel) in order.parcels.enumerated() {
            let checks = [
                ("folded_waybill", parcel.waybill, "waybill", "already belongs to order"),
                ("folded_parcel_id", parcel.id, "id", "is already a parcel of order"),
            ]
            for (column, value, field, clash) in checks {
                if let owner = try db.fetchString(
                    cached: "SELECT order_id FROM parcels WHERE \(column) = ? AND in_order = 1 AND order_id <> ?",
                    arguments: [CodeText.fold(value), order.id])
                {
                    throw OrderFileError(problems: [
                        OrderFieldError(
                            path: "orders[\(index)].parcels[\(k)].\(field)", message: "\"\(value)\" \(clash) \(owner)")
                    ])
                }
            }
        }
        let revision = ((existing?["revision"] as Int64?) ?? 0) + 1
        try db.execute(
            cached: """
                INSERT INTO orders (id, folded_id, status, approved_at, station, revision, received_at, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET status = excluded.status, approved_at = excluded.approved_at,
                    station = excluded.station, revision = excluded.revision, received_at = excluded.received_at,
                    body = excluded.body
                """,
            arguments: [
                order.id, folded, order.status.rawValue, order.approvedAt?.millisecondsSinceEpoch, order.station,
                revision, time.millisecondsSinceEpoch, order.json.serialized(),
            ])
        try db.execute(cached: "UPDATE parcels SET in_order = 0 WHERE order_id = ?", arguments: [order.id])
        for parcel in order.parcels {
            try db.execute(
                cached: """
                    INSERT INTO parcels (order_id, parcel_id, folded_parcel_id, waybill, folded_waybill)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(order_id, parcel_id) DO UPDATE SET folded_parcel_id = excluded.folded_parcel_id,
                        waybill = excluded.waybill, folded_waybill = excluded.folded_waybill, in_order = 1
                    """,
                arguments: [
                    order.id, parcel.id, CodeText.fold(parcel.id), parcel.waybill, CodeText.fold(parcel.waybill),
                ])
        }
        try db.execute(
            cached: """
                INSERT INTO order_books (order_id, book) VALUES (?, ?)
                ON CONFLICT(order_id) DO UPDATE SET book = excluded.book
                """,
            arguments: [order.id, Data(BookRecord.encode(order))])
        try BookRecordWriter.markFinished(orderId: order.id, at: time.millisecondsSinceEpoch, to: db)
        return existing != nil
    }
}
