import Foundation
import PackTestRequirements
import PackTestSupport
import Testing

/// `packd store migrate --from sqlite --to postgres`: two station PCs that ran
/// alone, each with its own copy of the same orders, move into one shared store.
@Suite(.offCooperativePool, .serialized, .requires(PrivatePostgres.available, "needs PostgreSQL 15 (postgresql-15)"))
struct StoreMigrateTests {
    static let orders = #"""
        {"orders": [
          {"id": "A1", "status": "approved", "waybill": "WA1", "lines": [{"sku": "MUG", "qty": 1}]},
          {"id": "A2", "status": "approved", "waybill": "WA2", "lines": [{"sku": "MUG", "qty": 2}]},
          {"id": "A3", "status": "approved", "waybill": "WA3", "lines": [{"sku": "MUG", "qty": 1}, {"sku": "CUP", "qty": 1}]},
          {"id": "A4", "status": "approved", "waybill": "WA4", "lines": [{"sku": "CUP", "qty": 1}]},
          {"id": "A5", "status": "approved", "waybill": "WA5", "lines": [{"sku": "CUP", "qty": 1}]}
        ]}
        """#

    static func storeConfig(url: String, node: String, station: String) -> String {
        """
        [store]
        backend = "postgres"
        url = "\(url)"
        node = "\(node)"
        timeout_ms = 60000
        [stations.\(station)]
        debounce_ms = 0
        """
    }

    /// Runs a PC alone on its SQLite journal and stops it.
    static func stationAlone(_ dir: String, station: String, _ body: (RunningPackd) throws -> Void) throws {
        let packd = try RunningPackd(dir: dir, config: "[stations.\(station)]\ndebounce_ms = 0\n")
        #expect(try packd.post("/v1/orders", orders).status == 200)
        try body(packd)
        #expect(packd.stop()?.status == 0)
    }

    static func ship(_ packd: RunningPackd, _ codes: [String], station: String) throws {
        for code in codes { _ = try packd.scan(code, station: station) }
    }

    @Test(.timeLimit(.minutes(4)))
    func twoPCsMoveIntoOneStoreMergingTheirOrdersOnceEach() throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let url = try server.createDatabase()
        let database = PrivatePostgres.database(of: url)
        func sql(_ q: String) throws -> String { try server.psql(q, database: database).trimmingCharacters(in: .whitespacesAndNewlines) }
        let dir = TempDirectory()

        // PC 1 ships A1 and A2, has A3 open (its mug scanned), and counted 10 cups.
        try Self.stationAlone(dir.sub("pc1"), station: "st1") { packd in
            try Self.ship(packd, ["WA1", "MUG", "WA2", "MUG", "MUG", "WA3", "MUG"], station: "st1")
            #expect(try Packd.run(["stock", "set", "CUP", "10", "--state", packd.statePath]).status == 0)
        }
        // PC 2, alone with its own copy, also shipped A2 (what the fleet prevents) and A4.
        try Self.stationAlone(dir.sub("pc2"), station: "st2") { packd in
            try Self.ship(packd, ["WA2", "MUG", "MUG", "WA4", "CUP"], station: "st2")
        }
        let pc1 = dir.file("pc1.toml", Self.storeConfig(url: url, node: "pc-1", station: "st1"))
        let pc2 = dir.file("pc2.toml", Self.storeConfig(url: url, node: "pc-2", station: "st2"))
        func migrate(_ config: String, _ pc: String, _ extra: [String] = []) throws -> Packd.Result {
            try Packd.run(["store", "migrate", "--from", "sqlite", "--to", "postgres", "--config", config, "--state", dir.sub("\(pc)/state")] + extra)
        }

        // A dry run says what would move and moves nothing.
        let dry = try migrate(pc1, "pc1", ["--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("dry run:") && dry.stdout.contains("orders: 5 new"), "\(dry.stdout)")
        #expect(try sql("SELECT count(*) FROM orders") == "0")

        let first = try migrate(pc1, "pc1")
        #expect(first.status == 0, "\(first.stderr)")
        for line in ["orders: 5 new, 0 merged into the store's; parcels: 2 shipped, 1 open", "stock ledger: 3 movement(s)", "stations: 1"] {
            #expect(first.stdout.contains(line), "\(line)\n\(first.stdout)")
        }
        #expect(try sql("SELECT quantity FROM stock_levels WHERE sku = 'MUG'") == "-3")
        #expect(try sql("SELECT quantity FROM stock_levels WHERE sku = 'CUP'") == "10")

        // Again: nothing changes.
        let again = try migrate(pc1, "pc1")
        #expect(again.status == 0, "\(again.stderr)")
        for line in ["orders: 0 new, 5 merged into the store's; parcels: 0 shipped, 0 open", "stock ledger: 0 movement(s); 3 already in the store",
                     "outbox: 0 event(s), 0 waiting for the core; "] {
            #expect(again.stdout.contains(line), "\(line)\n\(again.stdout)")
        }
        #expect(try sql("SELECT quantity FROM stock_levels WHERE sku = 'CUP'") == "10")

        // PC 1's journal under another node name would take over its station: refused, nothing moved.
        let clash = try migrate(pc1, "pc1", ["--node", "pc-9"])
        #expect(clash.status != 0)
        #expect(clash.stderr.contains("station st1 already belongs to node pc-1"), "\(clash.stderr)")

        // PC 2 merges: A4 ships in the store, A2 shipped twice is named and kept as the store has it.
        let second = try migrate(pc2, "pc2")
        #expect(second.status == 0, "\(second.stderr)")
        for line in ["orders: 0 new, 5 merged into the store's; parcels: 1 shipped, 0 open", "1 conflict(s), the store's state kept:",
                     "parcel A2-1 of order A2 was shipped here at st2 and also in the store at st1"] {
            #expect(second.stdout.contains(line), "\(line)\n\(second.stdout)")
        }
        #expect(try sql("SELECT string_agg(order_id || ':' || state || ':' || coalesce(shipped_station, open_station, '-'), ',' ORDER BY order_id) FROM parcels")
                == "A1:shipped:st1,A2:shipped:st1,A3:open:st1,A4:shipped:st2,A5:pending:-")
        // Both PCs' ledgers add up: PC 2's two mugs and one cup too.
        #expect(try sql("SELECT quantity FROM stock_levels WHERE sku = 'MUG'") == "-5")
        #expect(try sql("SELECT quantity FROM stock_levels WHERE sku = 'CUP'") == "9")
        #expect(try sql("SELECT count(*) FROM outbox WHERE type = 'parcel.shipped'") == "4")

        // PC 1 starts on the store: its station still has A3 open and finishes it.
        let packd = try RunningPackd(dir: dir.sub("pc1-fleet"), config: Self.storeConfig(url: url, node: "pc-1", station: "st1"))
        defer { _ = packd.stop() }
        #expect(try packd.scan("CUP", station: "st1")["outcome"] as? String == "parcel_completed")
        #expect(try sql("SELECT state FROM parcels WHERE order_id = 'A3'") == "shipped")
        #expect(try packd.scan("WA2", station: "st1")["outcome"] as? String == "already_shipped")
    }

    @Test func badArgumentsAndAMissingJournalAreRefused() throws {
        let dir = TempDirectory()
        let config = dir.file("c.toml", Self.storeConfig(url: "postgres://postgres@127.0.0.1:1/x?sslmode=disable", node: "n", station: "s"))
        let wrong = try Packd.run(["store", "migrate", "--from", "mysql", "--to", "postgres", "--config", config])
        #expect(wrong.status == 64 || wrong.status == 2, "\(wrong.status)")
        #expect(wrong.stderr.contains("--from must be \"sqlite\""), "\(wrong.stderr)")
        let missing = try Packd.run(["store", "migrate", "--from", "sqlite", "--to", "postgres", "--config", config, "--state", dir.sub("none")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("there is no journal at"), "\(missing.stderr)")
        let noURL = dir.file("n.toml", "[stations.s]\n")
        let unset = try Packd.run(["store", "migrate", "--from", "sqlite", "--to", "postgres", "--config", noURL])
        #expect(unset.stderr.contains("no [store] url"), "\(unset.stderr)")
    }

    /// A journal someone edited by hand (a number column holding text) is
    /// reported, and nothing moves; it does not crash the command.
    @Test func aJournalEditedByHandIsReportedAndNothingMoves() throws {
        guard let server = try PrivatePostgres.shared() else { return }
        let url = try server.createDatabase()
        let database = PrivatePostgres.database(of: url)
        let dir = TempDirectory()
        let state = dir.sub("state")
        let imported = try Packd.run(["orders", "import", dir.file("orders.json", Self.orders), "--state", state])
        #expect(imported.status == 0, "\(imported.stderr)")
        let edit = try ExternalTool.run(
            "/usr/bin/python3",
            ["-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(\"UPDATE orders SET revision = 'many' WHERE id = 'A1'\"); db.commit()",
             state + "/journal.sqlite"])
        #expect(edit.status == 0, "\(edit.stderr)")
        let config = dir.file("c.toml", Self.storeConfig(url: url, node: "pc-1", station: "st1"))
        let moved = try Packd.run(["store", "migrate", "--from", "sqlite", "--to", "postgres", "--config", config, "--state", state])
        #expect(moved.status == 2, "\(moved.stdout)\(moved.stderr)")
        #expect(moved.stderr.contains("nothing was moved"), "\(moved.stderr)")
        #expect(try server.psql("SELECT count(*) FROM orders", database: database).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }
}
