import Logging
public import PackCore
public import PackStore
import PostgresNIO

/// The shared stock ledger of a fleet in local mode: append-only movements, each
/// with the balance after it. The level row of a SKU is locked by each movement,
/// so balances stay exact however many packd ship the same SKU at once.
enum FleetStockLedger {
    @discardableResult
    static func append(
        sku: String, delta: Int, kind: StockMovement.Kind, reference: String?, at time: Timestamp, on db: PostgresConnection,
        logger: Logger
    ) async throws -> StockMovement {
        let at = time.millisecondsSinceEpoch
        let delta64 = Int64(delta)
        var balance: Int64 = 0
        for try await value in try await db.checkedQuery(
            """
            INSERT INTO stock_levels (sku, quantity, movements, last_at) VALUES (\(sku), \(delta64), 1, \(at))
            ON CONFLICT (sku) DO UPDATE SET quantity = stock_levels.quantity + excluded.quantity,
                movements = stock_levels.movements + 1, last_at = GREATEST(stock_levels.last_at, excluded.last_at)
            RETURNING quantity
            """, logger: logger
        ).decode(Int64.self) {
            balance = value
        }
        var seq: Int64 = 0
        for try await value in try await db.checkedQuery(
            """
            INSERT INTO stock_ledger (sku, delta, balance, kind, reference, at)
            VALUES (\(sku), \(delta64), \(balance), \(kind.rawValue), \(reference), \(at)) RETURNING seq
            """, logger: logger
        ).decode(Int64.self) {
            seq = value
        }
        return StockMovement(
            seq: seq, sku: sku, delta: delta, balance: Int(balance), kind: kind, reference: reference, at: time)
    }
}

extension PostgresJournal {
    public func stockLevels() async throws -> [StockLevel] {
        let logger = self.logger
        return try await read { db in
            var levels: [StockLevel] = []
            for try await (sku, quantity, movements, last) in try await db.checkedQuery(
                "SELECT sku, quantity, movements, last_at FROM stock_levels ORDER BY sku", logger: logger
            ).decode((String, Int64, Int64, Int64).self) {
                levels.append(
                    StockLevel(
                        sku: sku, quantity: Int(quantity), movements: Int(movements),
                        lastMovementAt: Timestamp(millisecondsSinceEpoch: last)))
            }
            return levels
        }
    }

    public func stockMovements(sku: String?, limit: Int) async throws -> [StockMovement] {
        let logger = self.logger
        let limit64 = Int64(max(0, limit))
        return try await read { db in
            let rows =
                if let sku {
                    try await db.checkedQuery(
                        """
                        SELECT seq, sku, delta, balance, kind, reference, at FROM stock_ledger WHERE sku = \(sku)
                        ORDER BY seq DESC LIMIT \(limit64)
                        """, logger: logger)
                } else {
                    try await db.checkedQuery(
                        "SELECT seq, sku, delta, balance, kind, reference, at FROM stock_ledger ORDER BY seq DESC LIMIT \(limit64)",
                        logger: logger)
                }
            var movements: [StockMovement] = []
            for try await (seq, sku, delta, balance, kind, reference, at) in rows.decode(
                (Int64, String, Int64, Int64, String, String?, Int64).self)
            {
                guard let kind = StockMovement.Kind(rawValue: kind) else { throw JournalError.corrupt("stock ledger row \(seq)") }
                movements.append(
                    StockMovement(
                        seq: seq, sku: sku, delta: Int(delta), balance: Int(balance), kind: kind, reference: reference,
                        at: Timestamp(millisecondsSinceEpoch: at)))
            }
            return movements.reversed()
        }
    }

    public func setStock(sku: String, quantity: Int, at time: Timestamp, note: String?) async throws -> StockMovement {
        let logger = self.logger
        return try await transaction { db in
            var current: Int64 = 0
            // Locks the level, so a shipment cannot slip between reading it and counting.
            for try await value in try await db.checkedQuery(
                "SELECT quantity FROM stock_levels WHERE sku = \(sku) FOR UPDATE", logger: logger
            ).decode(Int64.self) {
                current = value
            }
            return try await FleetStockLedger.append(
                sku: sku, delta: quantity - Int(current), kind: .count, reference: note, at: time, on: db, logger: logger)
        }
    }
}
