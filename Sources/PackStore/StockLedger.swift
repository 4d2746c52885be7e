import GRDB
import PackCore

/// The embedded stock ledger of local mode: append-only movements, each with the
/// balance after it. Current stock is the sum of a SKU's movements.
enum StockLedger {
    @discardableResult
    static func append(
        sku: String, delta: Int, kind: StockMovement.Kind, reference: String?, at time: Timestamp, to db: Database
    ) throws -> StockMovement {
        let previous =
            try db.fetchInt(
                cached: "SELECT balance FROM stock_ledger WHERE sku = ? ORDER BY seq DESC LIMIT 1", arguments: [sku])
            ?? 0
        let balance = previous + delta
        try db.execute(
            cached: "INSERT INTO stock_ledger (sku, delta, balance, kind, reference, at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [sku, delta, balance, kind.rawValue, reference, time.millisecondsSinceEpoch])
        return StockMovement(
            seq: db.lastInsertedRowID, sku: sku, delta: delta, balance: balance, kind: kind, reference: reference,
            at: time)
    }

    static func movement(_ row: Row) throws -> StockMovement {
        guard let kind = StockMovement.Kind(rawValue: row["kind"]) else {
            throw JournalError.corrupt("stock ledger row \(row["seq"] as Int64)")
        }
        return StockMovement(
            seq: row["seq"], sku: row["sku"], delta: row["delta"], balance: row["balance"], kind: kind,
            reference: row["reference"], at: Timestamp(millisecondsSinceEpoch: row["at"]))
    }
}
