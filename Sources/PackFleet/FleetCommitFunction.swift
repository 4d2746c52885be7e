/// `packd_commit(jsonb)`: a scan's whole commit in one statement, so that it costs
/// three round trips to PostgreSQL (BEGIN, it, COMMIT: only COMMIT's answer says
/// the commit is on disk; one since v6's procedure) instead of about twelve (begin, the orders' row
/// locks, each parcel, the station, the outbox, the stock level and ledger, the
/// notifications, commit), each a wake-up of packd and of a server backend.
///
/// It decides exactly what `FleetCommitWriter` used to decide statement by
/// statement: the orders locked in id order with their status as stored now; a
/// parcel opens only while its order is approved and it is pending or already
/// open at this station; ships only while its order is approved and it is
/// pending (a claim) or open at this station; and refuses the whole commit
/// otherwise, raising SQLSTATE PD001 with what the parcel is now in DETAIL
/// (`FleetCommit.refusal` reads it).
///
/// Released migrations are never edited: a change to the function is a new
/// migration with `CREATE OR REPLACE FUNCTION`.
enum FleetCommitFunction {
    static let v3 = [commit, refuse, lost]

    /// `packd_commit_notes(jsonb) RETURNS text[]`: `packd_commit` that returns its
    /// notifications instead of sending them, so that they go after the commit
    /// (FleetNoteSender says why). Made from v3's released text, which never
    /// changes; `packd_commit` stays for packd of the version before during an
    /// upgrade of the fleet.
    /// (The text's lines are as the raw literal gives them: its indentation removed.)
    static let v5 = [
        commit
            .replacingOccurrences(of: "CREATE FUNCTION packd_commit(c jsonb) RETURNS void", with: "CREATE FUNCTION packd_commit_notes(c jsonb) RETURNS text[]")
            .replacingOccurrences(of: "    note_ text;\n", with: "    note_ text;\n    notes_ text[] := '{}';\n")
            .replacingOccurrences(of: "PERFORM pg_notify('packd_orders', note_);", with: "notes_ := notes_ || note_;")
            .replacingOccurrences(of: "    END LOOP;\nEND\n$fn$", with: "    END LOOP;\n    RETURN notes_;\nEND\n$fn$")
    ]

    /// `packd_commit_durably(jsonb, INOUT text[])`: `packd_commit_notes` in a
    /// procedure that commits before it answers, so that a scan's commit is one
    /// round trip instead of three (BEGIN, the function, COMMIT), each a wake-up
    /// of packd and of a backend: most of the fleet's shipment tail (docs/
    /// benchmarks.md). Called outside a transaction block (PostgreSQL allows
    /// COMMIT in a procedure only there), the COMMIT inside flushes the WAL
    /// (synchronous_commit on) before CALL returns its row, so the answer still
    /// reaches packd only once the commit is on disk. A refusal (PD001) or a
    /// deadlock raised before the COMMIT rolls everything back, as before.
    static let v6 = [
        #"""
        CREATE PROCEDURE packd_commit_durably(c jsonb, INOUT notes text[] DEFAULT NULL) LANGUAGE plpgsql AS $fn$
        BEGIN
            notes := packd_commit_notes(c);
            COMMIT;
        END
        $fn$
        """#
    ]

    static let commit = #"""
        CREATE FUNCTION packd_commit(c jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
        DECLARE
            order_id_ text;
            status_ text;
            statuses jsonb := '{}';
            change jsonb;
            event jsonb;
            movement jsonb;
            label jsonb;
            balance_ bigint;
            node_ text := c->>'node';
            note_ text;
        BEGIN
            FOR order_id_ IN SELECT value FROM jsonb_array_elements_text(c->'orders') ORDER BY 1 LOOP
                SELECT status INTO status_ FROM orders WHERE id = order_id_ FOR NO KEY UPDATE;
                IF FOUND THEN statuses := statuses || jsonb_build_object(order_id_, status_); END IF;
            END LOOP;
            FOR change IN SELECT value FROM jsonb_array_elements(c->'changes') LOOP
                status_ := statuses->>(change->>'order');
                IF status_ IS NULL THEN
                    PERFORM packd_refuse('unknown', change, NULL);
                END IF;
                IF change->>'kind' = 'open' THEN
                    IF status_ <> 'approved' THEN
                        PERFORM packd_refuse('race', change, 'cannot be opened: its order is ' || status_);
                    END IF;
                    UPDATE parcels SET state = 'open', open_station = change->>'station', open_node = node_
                    WHERE order_id = change->>'order' AND parcel_id = change->>'parcel' AND in_order
                      AND (state = 'pending' OR (state = 'open' AND open_station = change->>'station'));
                    IF NOT FOUND THEN PERFORM packd_lost(change); END IF;
                ELSIF change->>'kind' = 'release' THEN
                    UPDATE parcels SET state = 'pending', open_station = NULL, open_node = NULL
                    WHERE order_id = change->>'order' AND parcel_id = change->>'parcel' AND state = 'open'
                      AND open_station = change->>'station';
                ELSE
                    -- A parcel ships only while its order is approved: a cancellation
                    -- committed first (the order's row is locked now) is never shipped.
                    IF status_ <> 'approved' THEN
                        PERFORM packd_refuse('race', change, 'was not shipped: its order is ' || status_);
                    END IF;
                    UPDATE parcels SET state = 'shipped', open_station = NULL, open_node = NULL,
                        shipped_at = (change->>'at')::bigint, shipped_station = change->>'station'
                    WHERE order_id = change->>'order' AND parcel_id = change->>'parcel' AND in_order
                      AND (state = 'pending' OR (state = 'open' AND open_station = change->>'station'));
                    IF NOT FOUND THEN PERFORM packd_lost(change); END IF;
                    UPDATE orders SET finished_at = CASE
                        WHEN status IN ('cancelled', 'refunded', 'shipped')
                          OR NOT EXISTS (SELECT 1 FROM parcels p WHERE p.order_id = change->>'order' AND p.in_order
                                         AND p.state <> 'shipped')
                        THEN COALESCE(finished_at, COALESCE((change->>'at')::bigint, 0)) ELSE NULL END
                    WHERE id = change->>'order';
                END IF;
            END LOOP;
            IF c->'station' IS NOT NULL AND jsonb_typeof(c->'station') = 'object' THEN
                INSERT INTO stations (id, node, state, updated_at)
                VALUES (c->'station'->>'id', node_, c->'station'->>'state', (c->'station'->>'at')::bigint)
                ON CONFLICT (id) DO UPDATE SET node = excluded.node, state = excluded.state, updated_at = excluded.updated_at;
            END IF;
            FOR event IN SELECT value FROM jsonb_array_elements(c->'events') LOOP
                INSERT INTO outbox (id, type, order_id, parcel_id, node, occurred_at, payload, state)
                VALUES (event->>'id', event->>'type', event->>'order', event->>'parcel', node_, (event->>'at')::bigint,
                        event->>'payload', event->>'state');
                -- One SKU after another in one order (sorted by packd), so two
                -- shipments never deadlock on the levels.
                FOR movement IN SELECT value FROM jsonb_array_elements(COALESCE(event->'stock', '[]')) LOOP
                    INSERT INTO stock_levels (sku, quantity, movements, last_at)
                    VALUES (movement->>'sku', (movement->>'delta')::bigint, 1, (event->>'at')::bigint)
                    ON CONFLICT (sku) DO UPDATE SET quantity = stock_levels.quantity + excluded.quantity,
                        movements = stock_levels.movements + 1, last_at = GREATEST(stock_levels.last_at, excluded.last_at)
                    RETURNING quantity INTO balance_;
                    INSERT INTO stock_ledger (sku, delta, balance, kind, reference, at)
                    VALUES (movement->>'sku', (movement->>'delta')::bigint, balance_, 'shipment', event->>'id',
                            (event->>'at')::bigint);
                END LOOP;
            END LOOP;
            FOR label IN SELECT value FROM jsonb_array_elements(c->'labels') LOOP
                INSERT INTO print_jobs (id, node, printer, station, order_id, parcel_id, reprint, format, document, state,
                    created_at, updated_at)
                VALUES (label->>'id', node_, label->>'printer', label->>'station', label->>'order', label->>'parcel',
                    (label->>'reprint')::boolean, label->>'format', decode(label->>'document', 'base64'), 'queued',
                    (label->>'at')::bigint, (label->>'at')::bigint);
            END LOOP;
            -- Every other packd hears of the orders, with their changed parcels' new
            -- states, so that it needs no read to follow (FleetNotifier.Note); one
            -- too long for a notification names the order only.
            FOR order_id_ IN SELECT value FROM jsonb_array_elements_text(c->'orders') ORDER BY 1 LOOP
                SELECT E'\x02' || node_ || E'\n' || jsonb_build_object('o', order_id_, 'p', COALESCE(jsonb_agg(
                           jsonb_build_array(p.parcel_id, p.state, p.open_station)), '[]'))::text
                INTO note_
                FROM parcels p
                WHERE p.order_id = order_id_ AND p.in_order AND p.parcel_id IN (
                    SELECT value->>'parcel' FROM jsonb_array_elements(c->'changes') WHERE value->>'order' = order_id_);
                IF octet_length(note_) > 7900 THEN note_ := node_ || E'\n' || order_id_; END IF;
                PERFORM pg_notify('packd_orders', note_);
            END LOOP;
        END
        $fn$
        """#

    /// Refuses the commit: PD001, with what the parcel is now in DETAIL.
    static let refuse = #"""
        CREATE FUNCTION packd_refuse(kind text, change jsonb, reason text) RETURNS void LANGUAGE plpgsql AS $fn$
        BEGIN
            RAISE EXCEPTION USING ERRCODE = 'PD001', MESSAGE = 'packd: the commit lost a race',
                DETAIL = jsonb_build_object('kind', kind, 'order', change->>'order', 'parcel', change->>'parcel',
                                            'reason', reason)::text;
        END
        $fn$
        """#

    /// Why a transition was refused: what the parcel is now.
    static let lost = #"""
        CREATE FUNCTION packd_lost(change jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
        DECLARE
            state_ text;
            station_ text;
        BEGIN
            SELECT state, open_station INTO state_, station_ FROM parcels
            WHERE order_id = change->>'order' AND parcel_id = change->>'parcel' AND in_order;
            IF NOT FOUND THEN
                PERFORM packd_refuse('unknown', change, NULL);
            ELSIF state_ = 'shipped' THEN
                PERFORM packd_refuse('shipped', change, NULL);
            ELSIF state_ = 'open' THEN
                PERFORM packd_refuse('race', change, 'is open at station ' || COALESCE(station_, '?'));
            ELSE
                PERFORM packd_refuse('race', change, 'changed at another station');
            END IF;
        END
        $fn$
        """#
}
