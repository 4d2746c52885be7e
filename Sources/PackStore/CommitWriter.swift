import GRDB
import PackCore

/// Writes one decision inside the caller's transaction: station state, parcel
/// states, outbox events and (in local mode) the stock ledger, all or nothing.
enum CommitWriter {
    static func write(_ commit: ScanCommit, to db: Database, mode: CoreMode) throws {
        if let station = commit.station {
            let json = station.json.serialized()
            try db.execute(
                cached: """
                    INSERT INTO stations (id, state, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                    """,
                arguments: [station.station, json, commit.events.first?.draft.occurredAt.millisecondsSinceEpoch ?? 0])
        }
        for change in commit.changes {
            try apply(change, commit: commit, to: db)
        }
        for event in commit.events {
            try append(event, to: db, mode: mode)
        }
        for label in commit.labels {
            try PrintJobWriter.insert(label, to: db)
        }
    }

    private static func apply(_ change: BookChange, commit: ScanCommit, to db: Database) throws {
        let key = change.parcel
        switch change {
        case .open(_, let station):
            try db.execute(
                cached: """
                    UPDATE parcels SET state = 'open', open_station = ?
                    WHERE order_id = ? AND parcel_id = ? AND state <> 'shipped'
                    """,
                arguments: [station, key.orderId, key.parcelId])
        case .release(_, let station):
            try db.execute(
                cached: """
                    UPDATE parcels SET state = 'pending', open_station = NULL
                    WHERE order_id = ? AND parcel_id = ? AND state = 'open' AND open_station = ?
                    """,
                arguments: [key.orderId, key.parcelId, station])
        case .ship:
            let shippedEvent = commit.events.first { $0.type == .parcelShipped && $0.draft.parcelId == key.parcelId }
            try db.execute(
                cached: """
                    UPDATE parcels SET state = 'shipped', open_station = NULL, shipped_at = ?, shipped_station = ?
                    WHERE order_id = ? AND parcel_id = ? AND state <> 'shipped'
                    """,
                arguments: [
                    shippedEvent?.draft.occurredAt.millisecondsSinceEpoch, shippedEvent?.draft.station,
                    key.orderId, key.parcelId,
                ])
            // Never ship twice: if nothing changed, the parcel was shipped already or is unknown.
            let shipped = db.changesCount
            if shipped == 1 {
                try BookRecordWriter.markFinished(
                    orderId: key.orderId, at: shippedEvent?.draft.occurredAt.millisecondsSinceEpoch ?? 0, to: db)
            }
            if shipped == 0 {
                let state = try db.fetchString(
                    cached: "SELECT state FROM parcels WHERE order_id = ? AND parcel_id = ?",
                    arguments: [key.orderId, key.parcelId])
                throw state == nil ? JournalError.unknownParcel(key) : JournalError.alreadyShipped(key)
            }
        }
    }

    static func append(_ event: OutboundEvent, to db: Database, mode: CoreMode) throws {
        let state: OutboxEntry.State = mode == .local ? .applied : .pending
        try db.execute(
            cached: """
                INSERT INTO outbox (id, type, order_id, parcel_id, occurred_at, payload, state)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                event.id, event.type.rawValue, event.draft.orderId, event.draft.parcelId,
                event.draft.occurredAt.millisecondsSinceEpoch, event.json.serialized(), state.rawValue,
            ])
        if mode == .local, event.type == .parcelShipped {
            for item in event.draft.items ?? [] {
                try StockLedger.append(
                    sku: item.sku, delta: -item.qty, kind: .shipment, reference: event.id,
                    at: event.draft.occurredAt, to: db)
            }
        }
    }
}
