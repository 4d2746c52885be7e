import GRDB
public import PackCore

extension SQLiteJournal {
    public func stockLevels() async throws -> [StockLevel] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sku, SUM(delta) AS quantity, COUNT(*) AS movements, MAX(at) AS last_at
                    FROM stock_ledger GROUP BY sku ORDER BY sku
                    """
            ).map { row in
                StockLevel(
                    sku: row["sku"], quantity: row["quantity"], movements: row["movements"],
                    lastMovementAt: Timestamp(millisecondsSinceEpoch: row["last_at"]))
            }
        }
    }

    public func stockMovements(sku: String?, limit: Int) async throws -> [StockMovement] {
        try await pool.read { db in
            let rows: [Row]
            if let sku {
                rows = try Row.fetchAll(
                    db, sql: "SELECT * FROM stock_ledger WHERE sku = ? ORDER BY seq DESC LIMIT ?",
                    arguments: [sku, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM stock_ledger ORDER BY seq DESC LIMIT ?", arguments: [limit])
            }
            return try rows.reversed().map(StockLedger.movement)
        }
    }

    public func setStock(sku: String, quantity: Int, at time: Timestamp, note: String?) async throws -> StockMovement {
        try await pool.write { db in
            let current = try Int.fetchOne(db, sql: "SELECT SUM(delta) FROM stock_ledger WHERE sku = ?", arguments: [sku])
                ?? 0
            return try StockLedger.append(
                sku: sku, delta: quantity - current, kind: .count, reference: note, at: time, to: db)
        }
    }
}
