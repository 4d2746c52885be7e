import Logging
import PostgresNIO

/// The shared store's schema. Like the SQLite journal's, migrations are named and
/// append-only: a released one is never edited, a change is a new migration.
/// packd applies them at start, one packd at a time (an advisory lock), so a
/// fleet upgraded PC by PC migrates once.
enum FleetSchema {
    /// The advisory lock key for migrations ("packd" in ASCII).
    static let migrationLock: Int64 = 0x7061_636B_64

    static let migrations: [(name: String, sql: [String])] = [
        (
            "v1: orders, parcels, stations, outbox, stock ledger, print jobs, feed",
            [
                """
                CREATE TABLE orders (
                    id text PRIMARY KEY,
                    folded_id text NOT NULL UNIQUE,
                    status text NOT NULL,
                    approved_at bigint,
                    station text,
                    revision bigint NOT NULL,
                    received_at bigint NOT NULL,
                    body text NOT NULL,
                    book bytea NOT NULL,
                    finished_at bigint
                )
                """,
                """
                CREATE TABLE parcels (
                    order_id text NOT NULL REFERENCES orders(id),
                    parcel_id text NOT NULL,
                    folded_parcel_id text NOT NULL,
                    waybill text NOT NULL,
                    folded_waybill text NOT NULL,
                    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'open', 'shipped')),
                    open_station text,
                    open_node text,
                    shipped_at bigint,
                    shipped_station text,
                    in_order boolean NOT NULL DEFAULT true,
                    PRIMARY KEY (order_id, parcel_id)
                )
                """,
                "CREATE UNIQUE INDEX parcels_by_waybill ON parcels(folded_waybill) WHERE in_order",
                "CREATE UNIQUE INDEX parcels_by_id ON parcels(folded_parcel_id) WHERE in_order",
                "CREATE INDEX parcels_not_pending ON parcels(order_id) WHERE in_order AND state <> 'pending'",
                """
                CREATE TABLE stations (
                    id text PRIMARY KEY,
                    node text NOT NULL,
                    state text NOT NULL,
                    updated_at bigint NOT NULL
                )
                """,
                """
                CREATE TABLE outbox (
                    seq bigserial PRIMARY KEY,
                    id text NOT NULL UNIQUE,
                    type text NOT NULL,
                    order_id text NOT NULL,
                    parcel_id text,
                    node text NOT NULL,
                    occurred_at bigint NOT NULL,
                    payload text NOT NULL,
                    state text NOT NULL CHECK (state IN ('pending', 'delivered', 'dead', 'dropped', 'applied')),
                    attempts integer NOT NULL DEFAULT 0,
                    next_attempt_at bigint,
                    last_error text,
                    delivered_at bigint,
                    dead_at bigint,
                    dead_status integer,
                    dead_response text,
                    drop_reason text
                )
                """,
                "CREATE INDEX outbox_undelivered ON outbox(seq) WHERE state IN ('pending', 'dead')",
                "CREATE INDEX outbox_by_order ON outbox(order_id, seq) WHERE state IN ('pending', 'dead')",
                """
                CREATE TABLE stock_levels (
                    sku text PRIMARY KEY,
                    quantity bigint NOT NULL,
                    movements bigint NOT NULL,
                    last_at bigint NOT NULL
                )
                """,
                """
                CREATE TABLE stock_ledger (
                    seq bigserial PRIMARY KEY,
                    sku text NOT NULL,
                    delta bigint NOT NULL,
                    balance bigint NOT NULL,
                    kind text NOT NULL CHECK (kind IN ('shipment', 'count')),
                    reference text,
                    at bigint NOT NULL
                )
                """,
                "CREATE INDEX stock_ledger_by_sku ON stock_ledger(sku, seq)",
                """
                CREATE FUNCTION stock_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the stock ledger is append-only'; END $$
                """,
                """
                CREATE TRIGGER stock_ledger_append_only BEFORE UPDATE OR DELETE ON stock_ledger
                FOR EACH ROW EXECUTE FUNCTION stock_ledger_append_only()
                """,
                """
                CREATE TABLE print_jobs (
                    seq bigserial PRIMARY KEY,
                    id text NOT NULL UNIQUE,
                    node text NOT NULL,
                    printer text NOT NULL,
                    station text,
                    order_id text,
                    parcel_id text,
                    reprint boolean NOT NULL DEFAULT false,
                    format text NOT NULL,
                    document bytea,
                    state text NOT NULL CHECK (state IN ('queued', 'sent', 'completed', 'failed', 'cancelled')),
                    cups_job_id integer,
                    attempts integer NOT NULL DEFAULT 0,
                    last_error text,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL
                )
                """,
                "CREATE INDEX print_jobs_open ON print_jobs(node, printer, seq) WHERE state IN ('queued', 'sent')",
                """
                CREATE TABLE feed_cursors (
                    feed text PRIMARY KEY,
                    cursor text NOT NULL,
                    updated_at bigint NOT NULL
                )
                """,
                """
                CREATE TABLE input_dead_letters (
                    seq bigserial PRIMARY KEY,
                    source text NOT NULL,
                    order_id text,
                    path text,
                    error text NOT NULL,
                    body text,
                    at bigint NOT NULL
                )
                """,
            ]
        ),
        (
            "v2: labels printed on approval, stations' printers",
            [
                // Which packd prints a station's labels on approval, and on what:
                // each packd writes its own stations' rows as it starts.
                """
                CREATE TABLE station_printers (
                    station text PRIMARY KEY,
                    node text NOT NULL,
                    printer text,
                    format text,
                    on_approval boolean NOT NULL,
                    updated_at bigint NOT NULL
                )
                """,
                """
                CREATE TABLE approval_labels (
                    seq bigserial PRIMARY KEY,
                    order_id text NOT NULL,
                    parcel_id text NOT NULL,
                    label_key text NOT NULL,
                    waybill text NOT NULL,
                    job_id text NOT NULL UNIQUE,
                    reason text NOT NULL,
                    at bigint NOT NULL
                )
                """,
                "CREATE INDEX approval_labels_by_parcel ON approval_labels(order_id, parcel_id, seq)",
            ]
        ),
        (
            "v3: one round trip per scan commit (packd_commit)",
            FleetCommitFunction.v3
        ),
        (
            "v4: shipped parcels remembered after retention",
            [
                // As the SQLite journal's v7 (PackStore/ShippedMemory.swift).
                """
                CREATE TABLE shipped_memory (
                    order_id text NOT NULL,
                    parcel_id text NOT NULL,
                    folded_parcel_id text NOT NULL,
                    folded_waybill text NOT NULL,
                    shipped_at bigint NOT NULL,
                    PRIMARY KEY (order_id, parcel_id)
                )
                """,
                "CREATE INDEX shipped_memory_by_waybill ON shipped_memory(folded_waybill)",
                "CREATE INDEX shipped_memory_by_parcel ON shipped_memory(folded_parcel_id)",
                "CREATE INDEX shipped_memory_by_age ON shipped_memory(shipped_at)",
            ]
        ),
        (
            "v5: a scan commit's notifications after it (packd_commit_notes)",
            FleetCommitFunction.v5
        ),
        (
            "v6: a scan commit in one round trip (packd_commit_durably)",
            FleetCommitFunction.v6
        ),
    ]

    /// Applies the migrations the store does not have yet, in order, in one
    /// transaction (PostgreSQL's DDL is transactional: all or none), while holding
    /// the fleet's migration lock.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.checkedTransaction(logger: logger) { db in
            try await db.checkedQuery("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await db.checkedQuery(
                """
                CREATE TABLE IF NOT EXISTS packd_migrations (
                    name text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: Set<String> = []
            for try await name in try await db.checkedQuery("SELECT name FROM packd_migrations", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            let known = Set(migrations.map(\.name))
            if let unknown = applied.subtracting(known).sorted().first {
                throw FleetStoreError.newerSchema(unknown)
            }
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.sql {
                    try await db.checkedQuery(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await db.checkedQuery("INSERT INTO packd_migrations (name) VALUES (\(migration.name))", logger: logger)
                logger.info("store migrated", metadata: ["migration": "\(migration.name)"])
            }
        }
    }
}

public enum FleetStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store was migrated by a newer packd: this one would not understand it.
    case newerSchema(String)
    case unreachable(String)
    /// The store answered with an error (a bug, or a store changed by hand).
    case failed(String)
    /// A station this packd is configured with belongs to another packd that is
    /// connected now.
    case stationInUse(station: String, node: String)
    /// Another packd runs as this packd's node id now (FleetNodeClaim).
    case nodeInUse(node: String, from: String)

    /// What went wrong, with PostgreSQL's own message (PostgresNIO hides it from
    /// `description` lest it leak data; the store's messages name no secrets).
    public static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                let detail = psql.serverInfo?[.detail].map { ": \($0)" } ?? ""
                return "PostgreSQL: \(message)\(detail) (\(psql.serverInfo?[.sqlState] ?? "?"))"
            }
            return "PostgreSQL connection: \(psql.code)"
        }
        return "\(error)"
    }

    public var description: String {
        switch self {
        case .newerSchema(let name):
            "the shared store has migration \"\(name)\", which this packd does not know: upgrade this packd first"
        case .unreachable(let why): "the shared store cannot be reached: \(why)"
        case .failed(let why): "the shared store refused: \(why)"
        case .nodeInUse(let node, let from):
            "another packd runs as fleet node \"\(node)\" now (connected from \(from)): each packd of a fleet needs a node id of its own; set [store] node in one of the two configurations, or stop the other packd"
        case .stationInUse(let station, let node):
            "station \(station) belongs to packd \(node), which is connected to the store now: station ids must be unique across the fleet (rename the station in one of the two configurations)"
        }
    }
}
