import Foundation
import GRDB
import PackCore

/// Rows of `print_jobs`, inside the caller's transaction.
enum PrintJobWriter {
    static func insert(_ r: PrintRequest, to db: Database) throws {
        try db.execute(
            cached: """
                INSERT INTO print_jobs (id, printer, station, order_id, parcel_id, reprint, format, document, state,
                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)
                """,
            arguments: [
                r.id, r.printer, r.station, r.orderId, r.parcelId, r.reprint, r.format, r.document.map { Data($0) },
                r.createdAt.millisecondsSinceEpoch, r.createdAt.millisecondsSinceEpoch,
            ])
    }

    static func job(_ row: Row) throws -> PrintJob {
        let document: Data? = row["document"]
        guard let state = PrintJobState(rawValue: row["state"]) else {
            throw JournalError.corrupt("print_jobs.state \(String(describing: row["state"]))")
        }
        return PrintJob(
            request: PrintRequest(
                id: row["id"], printer: row["printer"], station: row["station"], orderId: row["order_id"],
                parcelId: row["parcel_id"], reprint: row["reprint"], format: row["format"], document: document.map { [UInt8]($0) },
                createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"])),
            seq: row["seq"], state: state, cupsJobId: row["cups_job_id"], attempts: row["attempts"],
            lastError: row["last_error"], updatedAt: Timestamp(millisecondsSinceEpoch: row["updated_at"]))
    }
}
