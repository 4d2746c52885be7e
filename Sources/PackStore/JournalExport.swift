import Foundation
import GRDB

/// Reads a station's SQLite journal as it is, page by page, for `packd store
/// migrate` to move into the fleet's shared store. Opens the file read-only: the
/// journal is left exactly as it was (a migration that goes wrong changes nothing
/// here, and can be run again).
public final class JournalExport: Sendable {
    private let queue: DatabaseQueue
    public let path: String

    public struct OrderRow: Sendable {
        public var id: String
        public var foldedId: String
        public var status: String
        public var approvedAt: Int64?
        public var station: String?
        public var revision: Int64
        public var receivedAt: Int64
        public var body: String
        public var book: [UInt8]
        public var finishedAt: Int64?
        public var parcels: [ParcelRow]
    }

    public struct ParcelRow: Sendable {
        public var parcelId: String
        public var foldedParcelId: String
        public var waybill: String
        public var foldedWaybill: String
        public var state: String
        public var openStation: String?
        public var shippedAt: Int64?
        public var shippedStation: String?
        public var inOrder: Bool
    }

    public struct StationRow: Sendable {
        public var id: String
        public var state: String
        public var updatedAt: Int64
    }

    public struct EventRow: Sendable {
        public var seq: Int64
        public var id: String
        public var type: String
        public var orderId: String
        public var parcelId: String?
        public var occurredAt: Int64
        public var payload: String
        public var state: String
        public var attempts: Int64
        public var nextAttemptAt: Int64?
        public var lastError: String?
        public var deliveredAt: Int64?
        public var deadAt: Int64?
        public var deadStatus: Int64?
        public var deadResponse: String?
        public var dropReason: String?
    }

    public struct MovementRow: Sendable {
        public var seq: Int64
        public var sku: String
        public var delta: Int64
        public var kind: String
        public var reference: String?
        public var at: Int64
    }

    public struct PrintJobRow: Sendable {
        public var seq: Int64
        public var id: String
        public var printer: String
        public var station: String?
        public var orderId: String?
        public var parcelId: String?
        public var reprint: Bool
        public var format: String
        public var document: [UInt8]?
        public var state: String
        public var cupsJobId: Int64?
        public var attempts: Int64
        public var lastError: String?
        public var createdAt: Int64
        public var updatedAt: Int64
    }

    public struct CursorRow: Sendable {
        public var feed: String
        public var cursor: String
        public var updatedAt: Int64
    }

    public struct InputDeadLetterRow: Sendable {
        public var seq: Int64
        public var source: String
        public var orderId: String?
        public var path: String?
        public var error: String
        public var body: String?
        public var at: Int64
    }

    public struct ApprovalLabelRow: Sendable {
        public var orderId: String
        public var parcelId: String
        public var labelKey: String
        public var waybill: String
        public var jobId: String
        public var reason: String
        public var at: Int64
    }

    public enum ExportError: Error, CustomStringConvertible {
        case missing(String)
        case unreadable(String, String)
        case tooOld(String)

        public var description: String {
            switch self {
            case .missing(let path): "there is no journal at \(path)"
            case .unreadable(let path, let why): "the journal \(path) cannot be read: \(why)"
            case .tooOld(let path): "the journal \(path) is older than this packd: start this packd on it once (it migrates it), then move it"
            }
        }
    }

    /// Opens the journal in `directory` without changing it.
    public init(directory: String) throws {
        path = (directory as NSString).appendingPathComponent(SQLiteJournal.fileName)
        guard FileManager.default.fileExists(atPath: path) else { throw ExportError.missing(path) }
        var config = Configuration()
        config.readonly = true
        config.label = "packd.journal.export"
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            let applied = try queue.read { db in try JournalSchema.migrator.hasCompletedMigrations(db) }
            guard applied else { throw ExportError.tooOld(path) }
        } catch let error as ExportError {
            throw error
        } catch {
            throw ExportError.unreadable(path, "\(error)")
        }
    }

    /// Orders after `id` in id order, at most `limit`, each with its parcels.
    public func orders(after id: String, limit: Int) throws -> [OrderRow] {
        try queue.read { db in
            var orders = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.id, o.folded_id, o.status, o.approved_at, o.station, o.revision, o.received_at, o.body, b.book, b.finished_at
                    FROM orders o LEFT JOIN order_books b ON b.order_id = o.id WHERE o.id > ? ORDER BY o.id LIMIT ?
                    """, arguments: [id, limit]
            ).map { row in
                try OrderRow(
                    id: row.at(0), foldedId: row.at(1), status: row.at(2), approvedAt: row.at(3), station: row.at(4),
                    revision: row.at(5), receivedAt: row.at(6), body: row.at(7), book: [UInt8]((row.at(8) as Data?) ?? Data()),
                    finishedAt: row.at(9), parcels: [])
            }
            guard let first = orders.first?.id, let last = orders.last?.id else { return [] }
            var index: [String: Int] = [:]
            for (i, order) in orders.enumerated() { index[order.id] = i }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT order_id, parcel_id, folded_parcel_id, waybill, folded_waybill, state, open_station, shipped_at, shipped_station, in_order
                    FROM parcels WHERE order_id BETWEEN ? AND ? ORDER BY order_id, parcel_id
                    """, arguments: [first, last])
            while let row = try rows.next() {
                guard let i = try index[row.at(0)] else { continue }
                orders[i].parcels.append(
                    try ParcelRow(
                        parcelId: row.at(1), foldedParcelId: row.at(2), waybill: row.at(3), foldedWaybill: row.at(4),
                        state: row.at(5), openStation: row.at(6), shippedAt: row.at(7), shippedStation: row.at(8),
                        inOrder: (row.at(9) as Int64) != 0))
            }
            return orders
        }
    }

    public func stations() throws -> [StationRow] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, state, updated_at FROM stations ORDER BY id").map {
                try StationRow(id: $0.at(0), state: $0.at(1), updatedAt: $0.at(2))
            }
        }
    }

    /// Outbox events after `seq`, in order (every state: delivered ones too, so
    /// the fleet's history and the core's ids stay whole).
    public func events(after seq: Int64, limit: Int) throws -> [EventRow] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, id, type, order_id, parcel_id, occurred_at, payload, state, attempts, next_attempt_at, last_error,
                           delivered_at, dead_at, dead_status, dead_response, drop_reason
                    FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?
                    """, arguments: [seq, limit]
            ).map {
                try EventRow(
                    seq: $0.at(0), id: $0.at(1), type: $0.at(2), orderId: $0.at(3), parcelId: $0.at(4), occurredAt: $0.at(5),
                    payload: $0.at(6), state: $0.at(7), attempts: $0.at(8), nextAttemptAt: $0.at(9), lastError: $0.at(10),
                    deliveredAt: $0.at(11), deadAt: $0.at(12), deadStatus: $0.at(13), deadResponse: $0.at(14),
                    dropReason: $0.at(15))
            }
        }
    }

    public func movements(after seq: Int64, limit: Int) throws -> [MovementRow] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, sku, delta, kind, reference, at FROM stock_ledger WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [seq, limit]
            ).map {
                try MovementRow(seq: $0.at(0), sku: $0.at(1), delta: $0.at(2), kind: $0.at(3), reference: $0.at(4), at: $0.at(5))
            }
        }
    }

    /// Labels not printed yet (queued, or sent and not confirmed).
    public func unfinishedPrintJobs() throws -> [PrintJobRow] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, id, printer, station, order_id, parcel_id, reprint, format, document, state, cups_job_id, attempts,
                           last_error, created_at, updated_at
                    FROM print_jobs WHERE state IN ('queued', 'sent') ORDER BY seq
                    """
            ).map {
                try PrintJobRow(
                    seq: $0.at(0), id: $0.at(1), printer: $0.at(2), station: $0.at(3), orderId: $0.at(4), parcelId: $0.at(5),
                    reprint: ($0.at(6) as Int64) != 0, format: $0.at(7), document: ($0.at(8) as Data?).map { [UInt8]($0) },
                    state: $0.at(9), cupsJobId: $0.at(10), attempts: $0.at(11), lastError: $0.at(12), createdAt: $0.at(13),
                    updatedAt: $0.at(14))
            }
        }
    }

    public func feedCursors() throws -> [CursorRow] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT feed, cursor, updated_at FROM feed_cursors").map {
                try CursorRow(feed: $0.at(0), cursor: $0.at(1), updatedAt: $0.at(2))
            }
        }
    }

    public func inputDeadLetters() throws -> [InputDeadLetterRow] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, source, order_id, path, error, body, at FROM input_dead_letters ORDER BY seq").map {
                try InputDeadLetterRow(
                    seq: $0.at(0), source: $0.at(1), orderId: $0.at(2), path: $0.at(3), error: $0.at(4), body: $0.at(5), at: $0.at(6))
            }
        }
    }

    /// The record of labels queued on approval: it keeps a parcel's label from
    /// printing twice when its order arrives again.
    public func approvalLabels() throws -> [ApprovalLabelRow] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT order_id, parcel_id, label_key, waybill, job_id, reason, at FROM approval_labels ORDER BY seq"
            ).map {
                try ApprovalLabelRow(
                    orderId: $0.at(0), parcelId: $0.at(1), labelKey: $0.at(2), waybill: $0.at(3), jobId: $0.at(4),
                    reason: $0.at(5), at: $0.at(6))
            }
        }
    }
}

extension Row {
    /// The column's value, or an error naming what did not decode: a journal
    /// edited by hand must not crash `packd store migrate` (GRDB's subscripts trap).
    fileprivate func at<Value: DatabaseValueConvertible>(_ index: Int) throws -> Value {
        try decode(atIndex: index)
    }
}
