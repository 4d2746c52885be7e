import Logging
import PackCore
import PackStore
import PostgresNIO

/// Writes one decision inside the caller's transaction, deciding every transition
/// another station could race on the rows themselves.
enum FleetCommitWriter {
    static func write(_ commit: ScanCommit, node: String, mode: CoreMode, to db: PostgresConnection, logger: Logger) async throws {
        // The orders this decision touches, locked in one order (no deadlocks between
        // packd), with their status as the store holds it now.
        let orderIds = Set(commit.changes.map(\.parcel.orderId)).sorted()
        var statuses: [String: String] = [:]
        for id in orderIds {
            let rows = try await db.checkedQuery("SELECT status FROM orders WHERE id = \(id) FOR NO KEY UPDATE", logger: logger)
            for try await status in rows.decode(String.self) { statuses[id] = status }
        }
        for change in commit.changes {
            try await apply(change, commit: commit, status: statuses[change.parcel.orderId], node: node, to: db, logger: logger)
        }
        if let station = commit.station {
            let json = station.json.serialized()
            let at = commit.events.first?.draft.occurredAt.millisecondsSinceEpoch ?? 0
            try await db.checkedQuery(
                """
                INSERT INTO stations (id, node, state, updated_at) VALUES (\(station.station), \(node), \(json), \(at))
                ON CONFLICT (id) DO UPDATE SET node = excluded.node, state = excluded.state, updated_at = excluded.updated_at
                """, logger: logger)
        }
        for event in commit.events {
            try await FleetOutboxWriter.append(event, node: node, mode: mode, to: db, logger: logger)
        }
        for label in commit.labels {
            try await FleetPrintJobWriter.insert(label, node: node, to: db, logger: logger)
        }
        for id in orderIds {
            try await FleetNotifier.announce(orderId: id, node: node, on: db, logger: logger)
        }
    }

    private static func apply(
        _ change: BookChange, commit: ScanCommit, status: String?, node: String, to db: PostgresConnection, logger: Logger
    ) async throws {
        let key = change.parcel
        guard let status else { throw JournalError.unknownParcel(key) }
        switch change {
        case .open(_, let station):
            guard status == OrderStatus.approved.rawValue else {
                throw JournalError.lostRace(key, reason: "cannot be opened: its order is \(status)")
            }
            let rows = try await db.checkedQuery(
                """
                UPDATE parcels SET state = 'open', open_station = \(station), open_node = \(node)
                WHERE order_id = \(key.orderId) AND parcel_id = \(key.parcelId) AND in_order
                  AND (state = 'pending' OR (state = 'open' AND open_station = \(station)))
                RETURNING 1
                """, logger: logger)
            if try await rows.decode(Int.self).first(where: { _ in true }) == nil {
                throw try await lost(key, db: db, logger: logger)
            }
        case .release(_, let station):
            try await db.checkedQuery(
                """
                UPDATE parcels SET state = 'pending', open_station = NULL, open_node = NULL
                WHERE order_id = \(key.orderId) AND parcel_id = \(key.parcelId) AND state = 'open' AND open_station = \(station)
                """, logger: logger)
        case .ship:
            // A parcel ships only while its order is approved: a cancellation
            // committed first (the order's row is locked now) is never shipped.
            guard status == OrderStatus.approved.rawValue else {
                throw JournalError.lostRace(key, reason: "was not shipped: its order is \(status)")
            }
            let shipped = commit.events.first { $0.type == .parcelShipped && $0.draft.parcelId == key.parcelId }
            let station = shipped?.draft.station
            let at = shipped?.draft.occurredAt.millisecondsSinceEpoch
            // Either verified at this station, or claimed whole (一单一件) while nobody had it.
            let rows = try await db.checkedQuery(
                """
                UPDATE parcels SET state = 'shipped', open_station = NULL, open_node = NULL, shipped_at = \(at),
                    shipped_station = \(station)
                WHERE order_id = \(key.orderId) AND parcel_id = \(key.parcelId) AND in_order
                  AND (state = 'pending' OR (state = 'open' AND open_station = \(station)))
                RETURNING 1
                """, logger: logger)
            if try await rows.decode(Int.self).first(where: { _ in true }) == nil {
                throw try await lost(key, db: db, logger: logger)
            }
            try await FleetOrderWriter.markFinished(orderId: key.orderId, at: at ?? 0, on: db, logger: logger)
        }
    }

    /// Why a transition was refused: what the parcel is now.
    private static func lost(_ key: ParcelKey, db: PostgresConnection, logger: Logger) async throws -> JournalError {
        let rows = try await db.checkedQuery(
            """
            SELECT state, open_station FROM parcels
            WHERE order_id = \(key.orderId) AND parcel_id = \(key.parcelId) AND in_order
            """, logger: logger)
        for try await (state, station) in rows.decode((String, String?).self) {
            switch state {
            case "shipped": return .alreadyShipped(key)
            case "open": return .lostRace(key, reason: "is open at station \(station ?? "?")")
            default: return .lostRace(key, reason: "changed at another station")
            }
        }
        return .unknownParcel(key)
    }
}

/// Tells every packd that an order or one of its parcels changed; PostgreSQL
/// delivers it when (and only if) the transaction commits.
enum FleetNotifier {
    static func announce(orderId: String, node: String, on db: PostgresConnection, logger: Logger) async throws {
        let payload = "\(node)\n\(orderId)"
        try await db.checkedQuery("SELECT pg_notify(\(PostgresJournal.channel), \(payload))", logger: logger)
    }

    /// Tells the packd that owns a printer that a label for it was queued by
    /// another one. The payload starts with BEL, which no node name holds.
    static func printQueued(jobId: String, owner: String, by node: String, on db: PostgresConnection, logger: Logger) async throws {
        let payload = "\(printMark)\(owner)\n\(node)\n\(jobId)"
        try await db.checkedQuery("SELECT pg_notify(\(PostgresJournal.channel), \(payload))", logger: logger)
    }

    static let printMark: Character = "\u{7}"

    /// A notification's meaning: an order changed, or a label was queued.
    enum Note: Equatable {
        case order(id: String, by: String)
        case print(jobId: String, owner: String, by: String)

        init?(payload: String) {
            if payload.first == FleetNotifier.printMark {
                let parts = payload.dropFirst().split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3 else { return nil }
                self = .print(jobId: String(parts[2]), owner: String(parts[0]), by: String(parts[1]))
            } else {
                guard let split = payload.firstIndex(of: "\n") else { return nil }
                self = .order(id: String(payload[payload.index(after: split)...]), by: String(payload[..<split]))
            }
        }
    }
}
