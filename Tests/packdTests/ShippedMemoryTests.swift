import Foundation
import Glibc
import PackTestSupport
import PackTestRequirements
import Testing

/// An order shipped long ago, deleted by retention, sent again by the ERP (after
/// an edit, a re-sync): its parcel answers `already_shipped`, and stock is
/// deducted once.
///
/// "Long ago": the stopped daemon's journal is aged by 40 days (every time it
/// holds moved back, with SQLite itself), which to retention is the same as the
/// clock moved 40 days forward. (libfaketime, the usual tool, hides argv from
/// Swift's runtime: packd under it sees no subcommand.)
@Suite(.offCooperativePool, .serialized)
struct ShippedMemoryTests {
    let dir = TempDirectory()

    /// Moves every time in the journal back by `days`.
    static func age(journal: String, days: Int64) throws {
        let ms = days * 86_400_000
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for table, column in [("orders", "received_at"), ("order_books", "finished_at"), ("parcels", "shipped_at"),
                                  ("outbox", "occurred_at"), ("outbox", "delivered_at"), ("print_jobs", "updated_at"),
                                  ("shipped_memory", "shipped_at")]:
                db.execute(f"UPDATE {table} SET {column} = {column} - \(ms) WHERE {column} IS NOT NULL")
            db.commit()
            """
        let result = try ExternalTool.run("/usr/bin/python3", ["-c", script, journal])
        guard result.status == 0 else { throw HTTPClient.ClientError("aging the journal: \(result.stderr)") }
    }

    @Test(.timeLimit(.minutes(2)))
    func anOrderSentAgainAfterRetentionDeletedItAnswersAlreadyShipped() throws {
        let order = #"{"id": "R1", "status": "approved", "waybill": "WR1", "lines": [{"sku": "KETTLE", "qty": 1}]}"#
        let packd = try RunningPackd(dir: dir.path)
        #expect(try packd.post("/v1/orders", order).status == 200)
        #expect(try packd.scan("WR1")["outcome"] as? String == "parcel_opened")
        #expect(try packd.scan("KETTLE")["outcome"] as? String == "parcel_completed")
        #expect(packd.stop()?.status == 0)
        // 40 days on (journal_days = 30): retention deletes the order at start.
        try Self.age(journal: packd.statePath + "/journal.sqlite", days: 40)
        try packd.start()
        try waitUntil("retention deletes the order") { packd.log.contains("pruned_orders=1") }
        #expect(try packd.get("/v1/orders/R1").status == 404)
        let again = try packd.post("/v1/orders", order)
        #expect(again.status == 200)
        #expect(jsonObject(again)["alreadyShipped"] as? [[String: String]] == [["order": "R1", "parcel": "R1-1"]], "\(again.text)")
        #expect(try packd.scan("WR1")["outcome"] as? String == "already_shipped")
        let parcel = (jsonObject(try packd.get("/v1/orders/R1"))["parcels"] as? [[String: Any]])?.first
        #expect(parcel?["state"] as? String == "shipped")
        #expect(packd.stop()?.status == 0)
        // Deleted and sent again once more, through `packd orders import`: it says so.
        try Self.age(journal: packd.statePath + "/journal.sqlite", days: 40)
        try packd.start()
        try waitUntil("retention deletes the order again") { packd.log.components(separatedBy: "pruned_orders=1").count == 3 }
        #expect(packd.stop()?.status == 0)
        let file = dir.file("r1.json", "[\(order)]")
        let imported = try Packd.run(["orders", "import", file, "--config", packd.configPath])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("R1 parcel R1-1: shipped before"), "\(imported.stdout)")
        let stock = try Packd.run(["stock", "--json", "--config", packd.configPath])
        #expect(stock.stdout.contains(#""sku":"KETTLE","quantity":-1"#), "\(stock.stdout)")
        // A restart reads it shipped from the journal (after the packer acknowledges
        // the error the station kept from before).
        try packd.start()
        #expect(try packd.scan("PACKD:ACK")["outcome"] as? String == "acknowledged")
        let last = try packd.scan("WR1")
        #expect(last["outcome"] as? String == "already_shipped", "\(last)")
        #expect(packd.stop()?.status == 0)
    }
}
