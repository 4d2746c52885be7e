import Logging
public import PackStore
import PostgresNIO

/// What `packd store migrate` did (or, with a dry run, would do).
public struct FleetImportSummary: Sendable, Equatable {
    public var ordersNew = 0
    public var ordersMerged = 0
    public var parcelsShipped = 0
    public var parcelsOpen = 0
    public var events = 0
    public var eventsWaiting = 0
    public var eventsAlreadyThere = 0
    public var movements = 0
    public var movementsAlreadyThere = 0
    public var stations = 0
    public var printJobs = 0
    public var feedCursors = 0
    public var inputDeadLetters = 0
    public var approvalLabels = 0
    /// Parcels whose state here and in the store disagree in a way the fleet
    /// would never have allowed (shipped on two PCs, open at two stations): the
    /// store's state is kept, and each is named for the operator.
    public var conflicts: [String] = []
}

public enum FleetImportError: Error, CustomStringConvertible {
    case stationOfAnotherNode(station: String, node: String)
    case dryRun(FleetImportSummary)

    public var description: String {
        switch self {
        case .stationOfAnotherNode(let station, let node):
            "station \(station) already belongs to node \(node) in the shared store: station ids must be unique across the fleet (rename it in this PC's configuration and journal, or give this PC the node name \(node))"
        case .dryRun: "dry run: nothing was written"
        }
    }
}

/// Moves a station's SQLite journal into the fleet's shared store, all in one
/// transaction: either everything arrives or nothing does. Moving the same
/// journal again changes nothing; journals of several PCs that held copies of
/// the same orders merge (a parcel shipped on this PC is shipped in the store).
public enum FleetJournalImport {
    static let page = 1000

    public static func run(
        _ source: JournalExport, into journal: PostgresJournal, dryRun: Bool = false,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> FleetImportSummary {
        let node = journal.node
        let logger = journal.logger
        do {
            return try await journal.client.checkedTransaction(logger: logger) { db in
                // One migration at a time: two PCs merging the same orders at once
                // would each decide against a store the other is changing.
                try await db.checkedQuery("SELECT pg_advisory_xact_lock(\(FleetSchema.migrationLock))", logger: logger)
                var summary = FleetImportSummary()
                try await stations(source, node: node, db, logger, &summary)
                try await orders(source, node: node, db, logger, &summary, progress)
                try await events(source, node: node, db, logger, &summary, progress)
                try await movements(source, db, logger, &summary, progress)
                try await rest(source, node: node, db, logger, &summary)
                if dryRun { throw FleetImportError.dryRun(summary) }
                return summary
            }
        } catch {
            let cause = PostgresJournal.cause(of: error)
            if case FleetImportError.dryRun(let summary) = cause { return summary }
            throw cause
        }
    }

    /// Whether the statement answered a row (it found one, or its `RETURNING`
    /// says it inserted one).
    private static func returnsRow(_ query: PostgresQuery, _ db: PostgresConnection, _ logger: Logger) async throws -> Bool {
        for try await _ in try await db.checkedQuery(query, logger: logger) { return true }
        return false
    }

    private static func stations(
        _ source: JournalExport, node: String, _ db: PostgresConnection, _ logger: Logger, _ summary: inout FleetImportSummary
    ) async throws {
        for station in try source.stations() {
            var owner: String?
            for try await existing in try await db.checkedQuery("SELECT node FROM stations WHERE id = \(station.id) FOR UPDATE", logger: logger)
                .decode(String.self)
            {
                owner = existing
            }
            if let owner, owner != node { throw FleetImportError.stationOfAnotherNode(station: station.id, node: owner) }
            guard owner == nil else { continue }
            try await db.checkedQuery(
                "INSERT INTO stations (id, node, state, updated_at) VALUES (\(station.id), \(node), \(station.state), \(station.updatedAt))",
                logger: logger)
            summary.stations += 1
        }
    }

    private static func orders(
        _ source: JournalExport, node: String, _ db: PostgresConnection, _ logger: Logger, _ summary: inout FleetImportSummary,
        _ progress: @Sendable (String) -> Void
    ) async throws {
        var after = ""
        while true {
            let orders = try source.orders(after: after, limit: page)
            guard let last = orders.last else { return }
            after = last.id
            for order in orders {
                if try await returnsRow("SELECT 1 FROM orders WHERE id = \(order.id) FOR UPDATE", db, logger) {
                    // The store's order stays (the ERP's feed keeps it current); what
                    // happened to its parcels on this PC joins it.
                    summary.ordersMerged += 1
                    for parcel in order.parcels where parcel.inOrder {
                        try await merge(parcel, of: order.id, node: node, db, logger, &summary)
                    }
                } else {
                    summary.ordersNew += 1
                    try await insert(order, node: node, db, logger, &summary)
                }
                try await FleetNotifier.announce(orderId: order.id, node: node, on: db, logger: logger)
            }
            progress("orders: \(summary.ordersNew + summary.ordersMerged)")
        }
    }

    private static func insert(
        _ order: JournalExport.OrderRow, node: String, _ db: PostgresConnection, _ logger: Logger, _ summary: inout FleetImportSummary
    ) async throws {
        let book = ByteBuffer(bytes: order.book)
        try await db.checkedQuery(
            """
            INSERT INTO orders (id, folded_id, status, approved_at, station, revision, received_at, body, book, finished_at)
            VALUES (\(order.id), \(order.foldedId), \(order.status), \(order.approvedAt), \(order.station), \(order.revision),
                    \(order.receivedAt), \(order.body), \(book), \(order.finishedAt))
            """, logger: logger)
        for parcel in order.parcels {
            let openNode: String? = parcel.state == "open" ? node : nil
            try await db.checkedQuery(
                """
                INSERT INTO parcels (order_id, parcel_id, folded_parcel_id, waybill, folded_waybill, state, open_station, open_node,
                                     shipped_at, shipped_station, in_order)
                VALUES (\(order.id), \(parcel.parcelId), \(parcel.foldedParcelId), \(parcel.waybill), \(parcel.foldedWaybill),
                        \(parcel.state), \(parcel.openStation), \(openNode), \(parcel.shippedAt), \(parcel.shippedStation), \(parcel.inOrder))
                """, logger: logger)
            if parcel.inOrder, parcel.state == "shipped" { summary.parcelsShipped += 1 }
            if parcel.inOrder, parcel.state == "open" { summary.parcelsOpen += 1 }
        }
    }

    private static func merge(
        _ parcel: JournalExport.ParcelRow, of orderId: String, node: String, _ db: PostgresConnection, _ logger: Logger,
        _ summary: inout FleetImportSummary
    ) async throws {
        guard parcel.state != "pending" else { return }
        var stored: (state: String, openStation: String?, shippedAt: Int64?, shippedStation: String?)?
        for try await row in try await db.checkedQuery(
            """
            SELECT state, open_station, shipped_at, shipped_station FROM parcels
            WHERE order_id = \(orderId) AND parcel_id = \(parcel.parcelId) AND in_order FOR UPDATE
            """, logger: logger
        ).decode((String, String?, Int64?, String?).self) {
            stored = (row.0, row.1, row.2, row.3)
        }
        let name = "parcel \(parcel.parcelId) of order \(orderId)"
        guard let stored else {
            summary.conflicts.append("\(name) is \(parcel.state) here but no longer part of the order in the store: left as the store has it")
            return
        }
        switch (parcel.state, stored.state) {
        case ("open", "pending"):
            try await db.checkedQuery(
                """
                UPDATE parcels SET state = 'open', open_station = \(parcel.openStation), open_node = \(node)
                WHERE order_id = \(orderId) AND parcel_id = \(parcel.parcelId)
                """, logger: logger)
            summary.parcelsOpen += 1
        case ("open", "open") where stored.openStation == parcel.openStation:
            break
        case ("open", _):
            summary.conflicts.append(
                "\(name) is open at \(parcel.openStation ?? "?") here but \(stored.state) at \(stored.openStation ?? stored.shippedStation ?? "?") in the store: left as the store has it")
        case ("shipped", "pending"), ("shipped", "open"):
            try await db.checkedQuery(
                """
                UPDATE parcels SET state = 'shipped', open_station = NULL, open_node = NULL, shipped_at = \(parcel.shippedAt),
                    shipped_station = \(parcel.shippedStation)
                WHERE order_id = \(orderId) AND parcel_id = \(parcel.parcelId)
                """, logger: logger)
            summary.parcelsShipped += 1
        case ("shipped", "shipped") where stored.shippedStation == parcel.shippedStation && stored.shippedAt == parcel.shippedAt:
            break
        default:
            summary.conflicts.append(
                "\(name) was shipped here at \(parcel.shippedStation ?? "?") and also in the store at \(stored.shippedStation ?? "?"): shipped twice before the fleet; left as the store has it")
        }
    }

    private static func events(
        _ source: JournalExport, node: String, _ db: PostgresConnection, _ logger: Logger, _ summary: inout FleetImportSummary,
        _ progress: @Sendable (String) -> Void
    ) async throws {
        var after: Int64 = 0
        while true {
            let events = try source.events(after: after, limit: page)
            guard let last = events.last else { return }
            after = last.seq
            for e in events {
                // In the journal's order: the shared outbox delivers in seq order per order.
                let inserted = try await returnsRow(
                    """
                    INSERT INTO outbox (id, type, order_id, parcel_id, node, occurred_at, payload, state, attempts, next_attempt_at,
                                        last_error, delivered_at, dead_at, dead_status, dead_response, drop_reason)
                    VALUES (\(e.id), \(e.type), \(e.orderId), \(e.parcelId), \(node), \(e.occurredAt), \(e.payload), \(e.state),
                            \(Int32(clamping: e.attempts)), \(e.nextAttemptAt), \(e.lastError), \(e.deliveredAt), \(e.deadAt),
                            \(e.deadStatus.map { Int32(clamping: $0) }), \(e.deadResponse), \(e.dropReason))
                    ON CONFLICT (id) DO NOTHING RETURNING seq
                    """, db, logger)
                if inserted {
                    summary.events += 1
                    if e.state == "pending" || e.state == "dead" { summary.eventsWaiting += 1 }
                } else {
                    summary.eventsAlreadyThere += 1
                }
            }
            progress("events: \(summary.events + summary.eventsAlreadyThere)")
        }
    }

    private static func movements(
        _ source: JournalExport, _ db: PostgresConnection, _ logger: Logger, _ summary: inout FleetImportSummary,
        _ progress: @Sendable (String) -> Void
    ) async throws {
        var after: Int64 = 0
        while true {
            let movements = try source.movements(after: after, limit: page)
            guard let last = movements.last else { return }
            after = last.seq
            for m in movements {
                // Moving a journal twice must not count its movements twice.
                let there = try await returnsRow(
                    """
                    SELECT 1 FROM stock_ledger WHERE sku = \(m.sku) AND delta = \(m.delta) AND kind = \(m.kind)
                      AND reference IS NOT DISTINCT FROM \(m.reference) AND at = \(m.at) LIMIT 1
                    """, db, logger)
                guard !there else {
                    summary.movementsAlreadyThere += 1
                    continue
                }
                // A movement is a change (a count is recorded as the change it
                // made): the levels of several PCs' ledgers add up.
                var balance: Int64 = 0
                for try await value in try await db.checkedQuery(
                    """
                    INSERT INTO stock_levels (sku, quantity, movements, last_at) VALUES (\(m.sku), \(m.delta), 1, \(m.at))
                    ON CONFLICT (sku) DO UPDATE SET quantity = stock_levels.quantity + excluded.quantity,
                        movements = stock_levels.movements + 1, last_at = GREATEST(stock_levels.last_at, excluded.last_at)
                    RETURNING quantity
                    """, logger: logger
                ).decode(Int64.self) {
                    balance = value
                }
                try await db.checkedQuery(
                    """
                    INSERT INTO stock_ledger (sku, delta, balance, kind, reference, at)
                    VALUES (\(m.sku), \(m.delta), \(balance), \(m.kind), \(m.reference), \(m.at))
                    """, logger: logger)
                summary.movements += 1
            }
            progress("stock movements: \(summary.movements + summary.movementsAlreadyThere)")
        }
    }

    private static func rest(
        _ source: JournalExport, node: String, _ db: PostgresConnection, _ logger: Logger, _ summary: inout FleetImportSummary
    ) async throws {
        for job in try source.unfinishedPrintJobs() {
            let document = job.document.map { ByteBuffer(bytes: $0) }
            if try await returnsRow(
                """
                INSERT INTO print_jobs (id, node, printer, station, order_id, parcel_id, reprint, format, document, state, cups_job_id,
                                        attempts, last_error, created_at, updated_at)
                VALUES (\(job.id), \(node), \(job.printer), \(job.station), \(job.orderId), \(job.parcelId), \(job.reprint), \(job.format),
                        \(document), \(job.state), \(job.cupsJobId.map { Int32(clamping: $0) }), \(Int32(clamping: job.attempts)),
                        \(job.lastError), \(job.createdAt), \(job.updatedAt))
                ON CONFLICT (id) DO NOTHING RETURNING seq
                """, db, logger) { summary.printJobs += 1 }
        }
        for cursor in try source.feedCursors() {
            // The fleet pulls one feed: a cursor already in the store is the fleet's.
            if try await returnsRow(
                """
                INSERT INTO feed_cursors (feed, cursor, updated_at) VALUES (\(cursor.feed), \(cursor.cursor), \(cursor.updatedAt))
                ON CONFLICT (feed) DO NOTHING RETURNING 1
                """, db, logger) { summary.feedCursors += 1 }
        }
        for letter in try source.inputDeadLetters() {
            if try await returnsRow(
                """
                INSERT INTO input_dead_letters (source, order_id, path, error, body, at)
                SELECT \(letter.source), \(letter.orderId), \(letter.path), \(letter.error), \(letter.body), \(letter.at)
                WHERE NOT EXISTS (SELECT 1 FROM input_dead_letters WHERE source = \(letter.source) AND error = \(letter.error) AND at = \(letter.at))
                RETURNING seq
                """, db, logger) { summary.inputDeadLetters += 1 }
        }
        for label in try source.approvalLabels() {
            if try await returnsRow(
                """
                INSERT INTO approval_labels (order_id, parcel_id, label_key, waybill, job_id, reason, at)
                VALUES (\(label.orderId), \(label.parcelId), \(label.labelKey), \(label.waybill), \(label.jobId), \(label.reason),
                        \(label.at))
                ON CONFLICT (job_id) DO NOTHING RETURNING 1
                """, db, logger) { summary.approvalLabels += 1 }
        }
    }
}
