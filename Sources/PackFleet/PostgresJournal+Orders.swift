import Logging
import NIOCore
public import PackCore
public import PackStore
import PostgresNIO

extension PostgresJournal {
    public func importOrders(_ orders: [Order], at time: Timestamp) async throws -> ImportSummary {
        try await importOrders(orders, at: time, approval: nil)
    }

    /// Adds or replaces orders, all or nothing, and tells every packd; queues the
    /// labels `approval` asks for at the packd that prints them.
    public func importOrders(_ orders: [Order], at time: Timestamp, approval: ApprovalPrinting?) async throws -> ImportSummary {
        let node = self.node
        let logger = self.logger
        return try await transaction { db in
            var summary = ImportSummary(added: 0, replaced: 0)
            for (index, order) in orders.enumerated() {
                let replaced = try await FleetOrderWriter.upsert(order, index: index, at: time, node: node, on: db, logger: logger)
                if replaced { summary.replaced += 1 } else { summary.added += 1 }
                if !replaced { summary.alreadyShipped += try await FleetOrderWriter.recallShipped(order, at: time, on: db, logger: logger) }
                if let approval {
                    try await FleetApprovalLabelWriter.apply(
                        order, approval: approval, node: node, at: time, on: db, logger: logger, summary: &summary)
                }
            }
            return summary
        }
    }

    public func loadBook() async throws -> OrderBook { try await loadBook(finishedBefore: nil) }

    /// The fleet's order book as this packd starts (or follows again after losing
    /// the store's notifications), without orders finished before the cutoff.
    public func loadBook(finishedBefore cutoff: Timestamp?) async throws -> OrderBook {
        let logger = self.logger
        let cutoffMs = cutoff?.millisecondsSinceEpoch ?? Int64.min
        return try await read { db in
            let builder = BookBuilder(capacity: 0)
            var batch: [Order] = []
            let rows = try await db.checkedQuery(
                """
                SELECT id, book, body FROM orders WHERE finished_at IS NULL OR finished_at >= \(cutoffMs) ORDER BY received_at, id
                """, logger: logger)
            for try await (id, record, body) in rows.decode((String, ByteBuffer, String).self) {
                batch.append(try Self.order(id: id, record: record, body: body))
                if batch.count == BookBuilder.batchSize {
                    builder.add(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            builder.add(batch)
            var book = builder.finish()
            let states = try await db.checkedQuery(
                """
                SELECT p.order_id, p.parcel_id, p.state, p.open_station FROM parcels p JOIN orders o ON o.id = p.order_id
                WHERE p.in_order AND p.state <> 'pending' AND (o.finished_at IS NULL OR o.finished_at >= \(cutoffMs))
                """, logger: logger)
            for try await (orderId, parcelId, state, station) in states.decode((String, String, String, String?).self) {
                book.restate(ParcelKey(orderId: orderId, parcelId: parcelId), to: Self.parcelState(state, station))
            }
            return book
        }
    }

    /// The orders as the store holds them now, with their parcels' states.
    public func current(orderIds: [String]) async throws -> [SharedOrder] {
        guard !orderIds.isEmpty else { return [] }
        let logger = self.logger
        let ids = Array(Set(orderIds))
        return try await read { db in
            var found: [String: SharedOrder] = [:]
            for try await (id, record, body) in try await db.checkedQuery(
                "SELECT id, book, body FROM orders WHERE id = ANY(\(ids))", logger: logger
            ).decode((String, ByteBuffer, String).self) {
                found[id] = SharedOrder(id: id, order: try Self.order(id: id, record: record, body: body), parcels: [:])
            }
            for try await (orderId, parcelId, state, station) in try await db.checkedQuery(
                "SELECT order_id, parcel_id, state, open_station FROM parcels WHERE order_id = ANY(\(ids)) AND in_order",
                logger: logger
            ).decode((String, String, String, String?).self) {
                found[orderId]?.parcels[ParcelKey(orderId: orderId, parcelId: parcelId)] = Self.parcelState(state, station)
            }
            return ids.map { found[$0] ?? SharedOrder(id: $0, order: nil, parcels: [:]) }
        }
    }

    /// One order as last imported.
    public func order(id: String) async throws -> Order? {
        try await current(orderIds: [id]).first?.order
    }

    public func outbox(limit: Int) async throws -> [OutboxEntry] {
        let logger = self.logger
        let limit64 = Int64(max(0, limit))
        return try await read { db in
            var entries: [OutboxEntry] = []
            for try await (seq, id, type, state, payload) in try await db.checkedQuery(
                "SELECT seq, id, type, state, payload FROM outbox ORDER BY seq LIMIT \(limit64)", logger: logger
            ).decode((Int64, String, String, String, String).self) {
                guard let type = EventType(rawValue: type), let state = OutboxEntry.State(rawValue: state) else {
                    throw JournalError.corrupt("outbox row \(seq)")
                }
                entries.append(OutboxEntry(seq: seq, id: id, type: type, state: state, payload: payload))
            }
            return entries
        }
    }

    static func order(id: String, record: ByteBuffer, body: String) throws -> Order {
        if let order = record.withUnsafeReadableBytes({ BookRecord.decode($0) }) { return order }
        // A record that does not read: the order's JSON is the truth.
        do {
            return try OrderDecoder.journaled.decodeOrder(try JSONParser.parse(body))
        } catch {
            throw JournalError.corrupt("order \(id) does not decode: \(error)")
        }
    }

    static func parcelState(_ state: String, _ station: String?) -> ParcelState {
        switch state {
        case "shipped": .shipped
        case "open": .open(station: station ?? "?")
        default: .pending
        }
    }
}
