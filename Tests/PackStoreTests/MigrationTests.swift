import Foundation
import PackTestSupport
import GRDB
import PackCore
import Testing

@testable import PackStore

/// A journal written before the compact book records (v4) opens with every
/// order in its book.
@Suite struct MigrationTests {
    let dir = TempDirectory()

    @Test func ordersStoredBeforeV4GetTheirBookRecords() async throws {
        let path = (dir.path as NSString).appendingPathComponent(SQLiteJournal.fileName)
        let t0 = Timestamp(millisecondsSinceEpoch: 1_795_334_400_000)
        let orders = SyntheticOrders.make(count: 50, prefix: "OLD", skusPerOrder: 2, catalogueSize: 10)
        do {
            let queue = try DatabaseQueue(path: path)
            try JournalSchema.migrator.migrate(queue, upTo: "v3: labels printed on approval")
            try await queue.write { db in
                for (i, order) in orders.enumerated() {
                    try db.execute(
                        sql: """
                            INSERT INTO orders (id, folded_id, status, approved_at, station, revision, received_at, body)
                            VALUES (?, ?, ?, NULL, NULL, 1, ?, ?)
                            """,
                        arguments: [order.id, CodeText.fold(order.id), i == 0 ? "cancelled" : "approved", t0.millisecondsSinceEpoch, order.json.serialized()])
                    for parcel in order.parcels {
                        try db.execute(
                            sql: "INSERT INTO parcels (order_id, parcel_id, folded_parcel_id, waybill, folded_waybill) VALUES (?, ?, ?, ?, ?)",
                            arguments: [order.id, parcel.id, CodeText.fold(parcel.id), parcel.waybill, CodeText.fold(parcel.waybill)])
                    }
                }
            }
        }
        let journal = try SQLiteJournal(directory: dir.path)
        #expect(try await journal.loadBook().orderCount == 50)
        // The cancelled one counts as finished since it was received.
        #expect(try await journal.loadBook(finishedBefore: t0.adding(milliseconds: 1)).orderCount == 49)
    }
}
