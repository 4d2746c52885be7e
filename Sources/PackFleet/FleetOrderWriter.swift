import Logging
import NIOCore
import PackCore
import PackStore
import PostgresNIO

/// Writes one order and its parcels in the shared store; a newer version replaces
/// the older, and what the fleet did with its parcels (open, shipped) is kept.
enum FleetOrderWriter {
    /// Returns whether an earlier version was replaced.
    static func upsert(_ order: Order, index: Int, at time: Timestamp, node: String, on db: PostgresConnection, logger: Logger)
        async throws -> Bool
    {
        let folded = CodeText.fold(order.id)
        var existing: String?
        for try await id in try await db.checkedQuery(
            "SELECT id FROM orders WHERE folded_id = \(folded) FOR UPDATE", logger: logger
        ).decode(String.self) {
            existing = id
        }
        if let existing, existing != order.id {
            throw OrderFileError(problems: [
                OrderFieldError(
                    path: "orders[\(index)].id", message: "\"\(order.id)\" differs only in letter case from order \(existing)")
            ])
        }
        // A waybill or parcel id names one parcel across all orders of the fleet.
        for (k, parcel) in order.parcels.enumerated() {
            let checks = [
                ("folded_waybill", parcel.waybill, "waybill", "already belongs to order"),
                ("folded_parcel_id", parcel.id, "id", "is already a parcel of order"),
            ]
            for (column, value, field, clash) in checks {
                let rows = try await db.checkedQuery(
                    PostgresQuery(
                        unsafeSQL: "SELECT order_id FROM parcels WHERE \(column) = $1 AND in_order AND order_id <> $2 LIMIT 1",
                        binds: binds(CodeText.fold(value), order.id)), logger: logger)
                for try await owner in rows.decode(String.self) {
                    throw OrderFileError(problems: [
                        OrderFieldError(path: "orders[\(index)].parcels[\(k)].\(field)", message: "\"\(value)\" \(clash) \(owner)")
                    ])
                }
            }
        }
        let body = order.json.serialized()
        let book = ByteBuffer(bytes: BookRecord.encode(order))
        let approvedAt = order.approvedAt?.millisecondsSinceEpoch
        let at = time.millisecondsSinceEpoch
        try await db.checkedQuery(
            """
            INSERT INTO orders (id, folded_id, status, approved_at, station, revision, received_at, body, book)
            VALUES (\(order.id), \(folded), \(order.status.rawValue), \(approvedAt), \(order.station), 1, \(at), \(body), \(book))
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, approved_at = excluded.approved_at,
                station = excluded.station, revision = orders.revision + 1, received_at = excluded.received_at,
                body = excluded.body, book = excluded.book
            """, logger: logger)
        try await db.checkedQuery("UPDATE parcels SET in_order = false WHERE order_id = \(order.id)", logger: logger)
        for parcel in order.parcels {
            let foldedId = CodeText.fold(parcel.id)
            let foldedWaybill = CodeText.fold(parcel.waybill)
            try await db.checkedQuery(
                """
                INSERT INTO parcels (order_id, parcel_id, folded_parcel_id, waybill, folded_waybill)
                VALUES (\(order.id), \(parcel.id), \(foldedId), \(parcel.waybill), \(foldedWaybill))
                ON CONFLICT (order_id, parcel_id) DO UPDATE SET folded_parcel_id = excluded.folded_parcel_id,
                    waybill = excluded.waybill, folded_waybill = excluded.folded_waybill, in_order = true
                """, logger: logger)
        }
        try await markFinished(orderId: order.id, at: at, on: db, logger: logger)
        try await FleetNotifier.announce(orderId: order.id, node: node, on: db, logger: logger)
        return existing != nil
    }

    /// After `upsert` of an order the store did not have: its parcels the shipped
    /// memory knows (retention deleted the order, the ERP sent it again) are
    /// shipped again, as they were. (An order the store has keeps its states.)
    static func recallShipped(_ order: Order, at time: Timestamp, on db: PostgresConnection, logger: Logger) async throws
        -> [ParcelKey]
    {
        var recalled: [ParcelKey] = []
        for try await parcelId in try await db.checkedQuery(
            """
            UPDATE parcels p SET state = 'shipped', shipped_at = m.shipped_at, open_station = NULL, open_node = NULL
            FROM shipped_memory m
            WHERE p.order_id = \(order.id) AND p.in_order AND p.state <> 'shipped'
              AND (m.folded_waybill = p.folded_waybill OR m.folded_parcel_id = p.folded_parcel_id)
            RETURNING p.parcel_id
            """, logger: logger
        ).decode(String.self) {
            recalled.append(ParcelKey(orderId: order.id, parcelId: parcelId))
        }
        if !recalled.isEmpty { try await markFinished(orderId: order.id, at: time.millisecondsSinceEpoch, on: db, logger: logger) }
        return recalled
    }

    /// Since when nothing more happens to the order (shipped, cancelled, refunded),
    /// so that a packd's book can let go of it after the retention.
    static func markFinished(orderId: String, at time: Int64, on db: PostgresConnection, logger: Logger) async throws {
        try await db.checkedQuery(
            """
            UPDATE orders SET finished_at = CASE
                WHEN status IN ('cancelled', 'refunded', 'shipped')
                  OR NOT EXISTS (SELECT 1 FROM parcels WHERE order_id = \(orderId) AND in_order AND state <> 'shipped')
                THEN COALESCE(finished_at, \(time)) ELSE NULL END
            WHERE id = \(orderId)
            """, logger: logger)
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }
}

/// Outbound events in the shared outbox; in local mode, shipments also go to
/// the shared stock ledger in the same transaction.
enum FleetOutboxWriter {
    static func append(_ event: OutboundEvent, node: String, mode: CoreMode, to db: PostgresConnection, logger: Logger)
        async throws
    {
        let state: OutboxEntry.State = mode == .local ? .applied : .pending
        let at = event.draft.occurredAt.millisecondsSinceEpoch
        let payload = event.json.serialized()
        try await db.checkedQuery(
            """
            INSERT INTO outbox (id, type, order_id, parcel_id, node, occurred_at, payload, state)
            VALUES (\(event.id), \(event.type.rawValue), \(event.draft.orderId), \(event.draft.parcelId), \(node), \(at),
                \(payload), \(state.rawValue))
            """, logger: logger)
        guard mode == .local, event.type == .parcelShipped else { return }
        // One SKU after another in one order, so two shipments never deadlock on the levels.
        var deltas: [String: Int] = [:]
        for item in event.draft.items ?? [] { deltas[item.sku, default: 0] -= item.qty }
        for (sku, delta) in deltas.sorted(by: { $0.key < $1.key }) {
            try await FleetStockLedger.append(
                sku: sku, delta: delta, kind: .shipment, reference: event.id, at: event.draft.occurredAt, on: db, logger: logger)
        }
    }
}

/// Print jobs in the shared store, each for the packd that has its printer.
enum FleetPrintJobWriter {
    static func insert(_ r: PrintRequest, node: String, to db: PostgresConnection, logger: Logger) async throws {
        let document = r.document.map { ByteBuffer(bytes: $0) }
        let at = r.createdAt.millisecondsSinceEpoch
        try await db.checkedQuery(
            """
            INSERT INTO print_jobs (id, node, printer, station, order_id, parcel_id, reprint, format, document, state,
                created_at, updated_at)
            VALUES (\(r.id), \(node), \(r.printer), \(r.station), \(r.orderId), \(r.parcelId), \(r.reprint), \(r.format),
                \(document), 'queued', \(at), \(at))
            """, logger: logger)
    }
}
