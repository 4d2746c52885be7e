import GRDB
public import PackCore

/// A compact record of every parcel shipped, outliving its order's retention
/// (`retention.shipped_memory_days`, default two years): waybill, parcel id and
/// when, a few dozen bytes a parcel. An order the ERP sends again after its rows
/// were deleted finds its shipped parcels shipped, so their waybills answer
/// `already_shipped` instead of opening a parcel that would deduct stock twice.
public enum ShippedMemory {
    /// Before retention deletes an order: its shipped parcels are remembered.
    static func remember(orderId: String, in db: Database) throws {
        try db.execute(
            cached: """
                INSERT OR REPLACE INTO shipped_memory (order_id, parcel_id, folded_parcel_id, folded_waybill, shipped_at)
                SELECT order_id, parcel_id, folded_parcel_id, folded_waybill, coalesce(shipped_at, 0)
                FROM parcels WHERE order_id = ? AND state = 'shipped'
                """,
            arguments: [orderId])
    }

    /// After a new order is written (one the journal did not have: retention may
    /// have deleted it): each of its parcels the memory knows (by waybill or parcel
    /// id) is shipped again, as it was. An order the journal has keeps its parcels'
    /// states and is not looked up. Returns those parcels.
    static func recall(_ order: Order, replaced: Bool, at time: Timestamp, in db: Database) throws -> [ParcelKey] {
        guard !replaced else { return [] }
        var recalled: [ParcelKey] = []
        for parcel in order.parcels {
            guard
                let shippedAt = try Int64.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT shipped_at FROM shipped_memory WHERE folded_waybill = ?
                            UNION ALL SELECT shipped_at FROM shipped_memory WHERE folded_parcel_id = ? LIMIT 1
                            """),
                    arguments: [CodeText.fold(parcel.waybill), CodeText.fold(parcel.id)])
            else { continue }
            try db.execute(
                cached: """
                    UPDATE parcels SET state = 'shipped', shipped_at = ?, open_station = NULL
                    WHERE order_id = ? AND parcel_id = ?
                    """,
                arguments: [shippedAt, order.id, parcel.id])
            recalled.append(ParcelKey(orderId: order.id, parcelId: parcel.id))
        }
        if !recalled.isEmpty {
            try BookRecordWriter.markFinished(orderId: order.id, at: time.millisecondsSinceEpoch, to: db)
        }
        return recalled
    }
}

extension SQLiteJournal {
    /// Forgets parcels shipped before `cutoff` (`retention.shipped_memory_days`).
    public func forgetShipped(before cutoff: Timestamp) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM shipped_memory WHERE shipped_at < ?", arguments: [cutoff.millisecondsSinceEpoch])
            return db.changesCount
        }
    }
}
