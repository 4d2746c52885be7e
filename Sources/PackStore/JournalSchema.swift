import Foundation
import PackCore
import GRDB

/// The journal's schema. Migrations are append-only: a released one is never edited,
/// a change is a new migration.
enum JournalSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: orders, parcels, stations, outbox, stock ledger") { db in
            try db.execute(sql: """
                CREATE TABLE orders (
                    id TEXT PRIMARY KEY,
                    folded_id TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL,
                    approved_at INTEGER,
                    station TEXT,
                    revision INTEGER NOT NULL,
                    received_at INTEGER NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE TABLE parcels (
                    order_id TEXT NOT NULL REFERENCES orders(id),
                    parcel_id TEXT NOT NULL,
                    folded_parcel_id TEXT NOT NULL,
                    waybill TEXT NOT NULL,
                    folded_waybill TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'open', 'shipped')),
                    open_station TEXT,
                    shipped_at INTEGER,
                    shipped_station TEXT,
                    in_order INTEGER NOT NULL DEFAULT 1,
                    PRIMARY KEY (order_id, parcel_id)
                );
                CREATE UNIQUE INDEX parcels_by_waybill ON parcels(folded_waybill) WHERE in_order = 1;
                CREATE UNIQUE INDEX parcels_by_id ON parcels(folded_parcel_id) WHERE in_order = 1;
                CREATE TABLE stations (
                    id TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    order_id TEXT NOT NULL,
                    parcel_id TEXT,
                    occurred_at INTEGER NOT NULL,
                    payload TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead', 'applied')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER,
                    last_error TEXT
                );
                CREATE INDEX outbox_by_state ON outbox(state, seq);
                CREATE TABLE stock_ledger (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    sku TEXT NOT NULL,
                    delta INTEGER NOT NULL,
                    balance INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('shipment', 'count')),
                    reference TEXT,
                    at INTEGER NOT NULL
                );
                CREATE INDEX stock_ledger_by_sku ON stock_ledger(sku, seq);
                CREATE TRIGGER stock_ledger_append_only_update BEFORE UPDATE ON stock_ledger
                BEGIN SELECT RAISE(ABORT, 'the stock ledger is append-only'); END;
                CREATE TRIGGER stock_ledger_append_only_delete BEFORE DELETE ON stock_ledger
                BEGIN SELECT RAISE(ABORT, 'the stock ledger is append-only'); END;
                """)
        }
        migrator.registerMigration("v2: print jobs") { db in
            try db.execute(sql: """
                CREATE TABLE print_jobs (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    printer TEXT NOT NULL,
                    station TEXT,
                    order_id TEXT,
                    parcel_id TEXT,
                    reprint INTEGER NOT NULL DEFAULT 0,
                    format TEXT NOT NULL,
                    document BLOB,
                    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'completed', 'failed', 'cancelled')),
                    cups_job_id INTEGER,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX print_jobs_open ON print_jobs(printer, seq) WHERE state IN ('queued', 'sent');
                """)
        }
        migrator.registerMigration("v3: labels printed on approval") { db in
            try db.execute(sql: """
                CREATE TABLE approval_labels (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    order_id TEXT NOT NULL,
                    parcel_id TEXT NOT NULL,
                    label_key TEXT NOT NULL,
                    waybill TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX approval_labels_by_parcel ON approval_labels(order_id, parcel_id, seq);
                """)
        }
        migrator.registerMigration("v4: compact book records") { db in
            // What the in-memory book needs of each order (PackCore.BookRecord) in a
            // narrow table of its own, so that a start reads a few dozen bytes per
            // order instead of parsing its JSON; `finished_at` says since when
            // nothing more happens to it (shipped, cancelled, refunded).
            try db.execute(sql: """
                CREATE TABLE order_books (
                    order_id TEXT PRIMARY KEY REFERENCES orders(id),
                    book BLOB NOT NULL,
                    finished_at INTEGER
                );
                """)
            let decoder = OrderDecoder.journaled
            let rows = try Row.fetchCursor(db, sql: "SELECT id, body, received_at FROM orders")
            while let row = try rows.next() {
                let body: String = row["body"]
                guard let order = try? decoder.decodeOrder(try JSONParser.parse(body)) else { continue }
                try db.execute(
                    sql: "INSERT INTO order_books (order_id, book) VALUES (?, ?)",
                    arguments: [order.id, Data(BookRecord.encode(order))])
                try BookRecordWriter.markFinished(orderId: order.id, at: row["received_at"], to: db)
            }
        }
        migrator.registerMigration("v5: parcels not pending") { db in
            // A start applies the parcels that are open or shipped: found through
            // this index instead of reading every parcel.
            try db.execute(sql: "CREATE INDEX parcels_not_pending ON parcels(order_id) WHERE in_order = 1 AND state <> 'pending'")
        }
        migrator.registerMigration("v6: delivery to the core, the order feed") { db in
            // SQLite cannot change a CHECK constraint: the outbox is copied into a
            // table that also knows `dropped` (a dead letter the operator let go)
            // and what delivery needs to say (when, and the core's refusal).
            try db.execute(sql: """
                CREATE TABLE outbox_v6 (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    order_id TEXT NOT NULL,
                    parcel_id TEXT,
                    occurred_at INTEGER NOT NULL,
                    payload TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead', 'dropped', 'applied')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER,
                    last_error TEXT,
                    delivered_at INTEGER,
                    dead_at INTEGER,
                    dead_status INTEGER,
                    dead_response TEXT,
                    drop_reason TEXT
                );
                INSERT INTO outbox_v6 (seq, id, type, order_id, parcel_id, occurred_at, payload, state, attempts, next_attempt_at, last_error)
                    SELECT seq, id, type, order_id, parcel_id, occurred_at, payload, state, attempts, next_attempt_at, last_error FROM outbox;
                DROP TABLE outbox;
                ALTER TABLE outbox_v6 RENAME TO outbox;
                CREATE INDEX outbox_by_state ON outbox(state, seq);
                CREATE INDEX outbox_undelivered ON outbox(seq) WHERE state IN ('pending', 'dead');
                CREATE INDEX outbox_by_order ON outbox(order_id, seq) WHERE state IN ('pending', 'dead');
                CREATE TABLE feed_cursors (
                    feed TEXT PRIMARY KEY,
                    cursor TEXT NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE input_dead_letters (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    source TEXT NOT NULL,
                    order_id TEXT,
                    path TEXT,
                    error TEXT NOT NULL,
                    body TEXT,
                    at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v7: shipped parcels remembered after retention") { db in
            // Retention deletes a finished order; an ERP that sends it again (after
            // an edit, a re-sync) must meet `already_shipped`, not a parcel to ship
            // twice. Written when retention deletes the order; kept
            // `retention.shipped_memory_days`.
            try db.execute(sql: """
                CREATE TABLE shipped_memory (
                    order_id TEXT NOT NULL,
                    parcel_id TEXT NOT NULL,
                    folded_parcel_id TEXT NOT NULL,
                    folded_waybill TEXT NOT NULL,
                    shipped_at INTEGER NOT NULL,
                    PRIMARY KEY (order_id, parcel_id)
                ) WITHOUT ROWID;
                CREATE INDEX shipped_memory_by_waybill ON shipped_memory(folded_waybill);
                CREATE INDEX shipped_memory_by_parcel ON shipped_memory(folded_parcel_id);
                CREATE INDEX shipped_memory_by_age ON shipped_memory(shipped_at);
                """)
        }
        return migrator
    }
}
