import Logging
import PackCore
import PackStore
import PostgresNIO

/// `on_approval` in a fleet: an approved order's labels go to the printer of the
/// packd that owns the order's station, whichever packd received the order, at
/// most once per parcel and label revision across the whole fleet. Runs inside
/// the import's transaction, after the order is written.
enum FleetApprovalLabelWriter {
    static func apply(
        _ order: Order, approval: ApprovalPrinting, node: String, at time: Timestamp, on db: PostgresConnection, logger: Logger,
        summary: inout ImportSummary
    ) async throws {
        if order.status.intercepts || order.status == .shipped {
            try await cancelQueued(order, at: time, on: db, logger: logger, summary: &summary)
            return
        }
        guard order.status == .approved,
            let (owner, target) = try await target(order, approval: approval, node: node, on: db, logger: logger)
        else { return }
        for parcel in order.parcels {
            var state: String?
            for try await value in try await db.checkedQuery(
                "SELECT state FROM parcels WHERE order_id = \(order.id) AND parcel_id = \(parcel.id)", logger: logger
            ).decode(String.self) {
                state = value
            }
            guard state != "shipped" else { continue }
            let key = ApprovalLabelWriter.labelKey(order, parcel)
            var previous: ApprovalLabelWriter.Previous?
            for try await (lastKey, waybill, jobId, jobState) in try await db.checkedQuery(
                """
                SELECT a.label_key, a.waybill, a.job_id, j.state FROM approval_labels a LEFT JOIN print_jobs j ON j.id = a.job_id
                WHERE a.order_id = \(order.id) AND a.parcel_id = \(parcel.id) ORDER BY a.seq DESC LIMIT 1
                """, logger: logger
            ).decode((String, String, String, String?).self) {
                previous = ApprovalLabelWriter.Previous(key: lastKey, waybill: waybill, jobState: jobState, jobId: jobId)
            }
            guard let reason = ApprovalLabelWriter.reason(previous: previous, key: key, waybill: parcel.waybill) else { continue }
            // The old revision's label, still waiting (here or in CUPS), must not print beside the new one.
            if let previous, let jobId = previous.jobId, previous.isWaiting {
                try await cancel(
                    job: jobId, order: nil, why: "replaced: \(reason)", at: time, on: db, logger: logger, summary: &summary)
            }
            let request = PrintRequest(
                id: approval.newId(time), printer: target.printer, station: target.station, orderId: order.id,
                parcelId: parcel.id, reprint: false, format: target.format, document: nil, createdAt: time)
            try await FleetPrintJobWriter.insert(request, node: owner, to: db, logger: logger)
            try await db.checkedQuery(
                """
                INSERT INTO approval_labels (order_id, parcel_id, label_key, waybill, job_id, reason, at)
                VALUES (\(order.id), \(parcel.id), \(key), \(parcel.waybill), \(request.id), \(reason), \(time.millisecondsSinceEpoch))
                """, logger: logger)
            if owner != node { try await FleetNotifier.printQueued(jobId: request.id, owner: owner, by: node, on: db, logger: logger) }
            summary.labels.append(ApprovalLabel(request: request, reason: reason, node: owner == node ? nil : owner))
        }
    }

    /// Where the order's labels print: a station some packd registered prints as
    /// that packd said (`station_printers`); an order naming no station, or one no
    /// packd has, prints as this packd's configuration says.
    static func target(
        _ order: Order, approval: ApprovalPrinting, node: String, on db: PostgresConnection, logger: Logger
    ) async throws -> (node: String, target: ApprovalPrinting.Target)? {
        if let station = order.station {
            for try await (owner, printer, format, onApproval) in try await db.checkedQuery(
                "SELECT node, printer, format, on_approval FROM station_printers WHERE station = \(station)", logger: logger
            ).decode((String, String?, String?, Bool).self) {
                guard onApproval, let printer, let format else { return nil }
                return (owner, ApprovalPrinting.Target(printer: printer, station: station, format: format))
            }
        }
        return approval.target(order).map { (node, $0) }
    }

    /// An order cancelled, refunded or put on hold before its label printed: the
    /// label still waiting does not print, whichever packd it waits at, and whether
    /// it waits in that packd's queue or in CUPS (the owner's print worker sees a
    /// sent job leave its queue and cancels it in CUPS; see ApprovalLabelWriter).
    static func cancelQueued(
        _ order: Order, at time: Timestamp, on db: PostgresConnection, logger: Logger, summary: inout ImportSummary
    ) async throws {
        try await cancel(
            job: nil, order: order.id, why: "order \(order.status.rawValue) before its label printed", at: time, on: db, logger: logger,
            summary: &summary)
    }

    /// Cancels one job (`job`) or every approval label of an order (`order`) still waiting.
    private static func cancel(
        job: String?, order: String?, why: String, at time: Timestamp, on db: PostgresConnection, logger: Logger,
        summary: inout ImportSummary
    ) async throws {
        for try await id in try await db.checkedQuery(
            """
            UPDATE print_jobs SET state = 'cancelled', last_error = \(why), updated_at = \(time.millisecondsSinceEpoch)
            WHERE state IN ('queued', 'sent')
              AND (id = \(job) OR id IN (SELECT job_id FROM approval_labels WHERE order_id = \(order)))
            RETURNING id
            """, logger: logger
        ).decode(String.self) {
            summary.cancelledLabels.append(id)
        }
    }
}
