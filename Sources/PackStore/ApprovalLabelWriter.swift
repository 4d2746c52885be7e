import GRDB
public import PackCore

/// `on_approval` printing: which printer an approved order's labels go to as it
/// arrives, decided by the daemon's configuration.
public struct ApprovalPrinting: Sendable {
    public struct Target: Sendable, Equatable {
        public var printer: String
        public var station: String?
        public var format: String

        public init(printer: String, station: String?, format: String) {
            self.printer = printer
            self.station = station
            self.format = format
        }
    }

    /// The printer for this order's labels on approval; nil when it does not print on approval.
    public var target: @Sendable (Order) -> Target?
    /// A new print job id.
    public var newId: @Sendable (Timestamp) -> String

    public init(target: @escaping @Sendable (Order) -> Target?, newId: @escaping @Sendable (Timestamp) -> String) {
        self.target = target
        self.newId = newId
    }
}

/// A label queued because its order arrived approved, and why.
public struct ApprovalLabel: Sendable, Equatable {
    public var request: PrintRequest
    /// `approved`, `waybill changed from A to B`, `label changed`, `approved again`.
    public var reason: String
    /// With a shared store, the packd whose printer it is when that is another
    /// one (nil: this packd prints it).
    public var node: String?

    public init(request: PrintRequest, reason: String, node: String? = nil) {
        self.request = request
        self.reason = reason
        self.node = node
    }
}

/// Inside the import transaction: one label per parcel and label revision.
public enum ApprovalLabelWriter {
    static func apply(
        _ order: Order, approval: ApprovalPrinting, at time: Timestamp, to db: Database, summary: inout ImportSummary
    ) throws {
        if order.status.intercepts || order.status == .shipped {
            try cancelQueued(order, at: time, to: db, summary: &summary)
            return
        }
        guard order.status == .approved, let target = approval.target(order) else { return }
        for parcel in order.parcels {
            let shipped = try db.fetchString(
                cached: "SELECT state FROM parcels WHERE order_id = ? AND parcel_id = ?", arguments: [order.id, parcel.id])
            guard shipped != "shipped" else { continue }
            let key = labelKey(order, parcel)
            let last = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT a.label_key, a.waybill, a.job_id, j.state FROM approval_labels a LEFT JOIN print_jobs j ON j.id = a.job_id
                        WHERE a.order_id = ? AND a.parcel_id = ? ORDER BY a.seq DESC LIMIT 1
                        """),
                arguments: [order.id, parcel.id])
            let previous = last.map { row in
                ApprovalLabelWriter.Previous(
                    key: row["label_key"], waybill: row["waybill"], jobState: row["state"], jobId: row["job_id"])
            }
            guard let reason = reason(previous: previous, key: key, waybill: parcel.waybill) else { continue }
            // The old revision's label must not come out beside the new one (a parcel
            // with two waybills): still waiting, here or in CUPS, it is cancelled.
            if let previous, let jobId = previous.jobId, previous.isWaiting {
                try cancel(jobId, why: "replaced: \(reason)", at: time, to: db)
                summary.cancelledLabels.append(jobId)
            }
            let request = PrintRequest(
                id: approval.newId(time), printer: target.printer, station: target.station, orderId: order.id,
                parcelId: parcel.id, reprint: false, format: target.format, document: nil, createdAt: time)
            try PrintJobWriter.insert(request, to: db)
            try db.execute(
                cached: """
                    INSERT INTO approval_labels (order_id, parcel_id, label_key, waybill, job_id, reason, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [order.id, parcel.id, key, parcel.waybill, request.id, reason, time.millisecondsSinceEpoch])
            summary.labels.append(ApprovalLabel(request: request, reason: reason))
        }
    }

    /// The label last queued for a parcel on approval.
    public struct Previous: Sendable {
        public var key: String
        public var waybill: String
        /// Its print job's state (nil: the job is gone, pruned or never moved).
        public var jobState: String?
        public var jobId: String?

        public init(key: String, waybill: String, jobState: String?, jobId: String? = nil) {
            self.key = key
            self.waybill = waybill
            self.jobState = jobState
            self.jobId = jobId
        }

        /// Its label has not printed yet: queued here, or sent to CUPS and waiting there.
        public var isWaiting: Bool { jobState == "queued" || jobState == "sent" }
    }

    /// Why a parcel's label prints again, or nil when it does not: once per label
    /// revision, and again only when the last one was cancelled.
    public static func reason(previous: Previous?, key: String, waybill: String) -> String? {
        guard let previous else { return "approved" }
        if previous.key == key { return previous.jobState == "cancelled" ? "approved again" : nil }
        if previous.waybill != waybill { return "waybill changed from \(previous.waybill) to \(waybill)" }
        return "label changed"
    }

    /// An order cancelled, refunded or put on hold before its label printed: the
    /// label still waiting does not print, wherever it waits (contracts.md section 6).
    /// One queued here is simply never sent; one already sent waits in CUPS (a
    /// stopped queue, a printer out of paper) and would print when the queue
    /// resumes: its job is journaled cancelled with its CUPS id kept, and the
    /// printer's worker, which sees it leave its queue, cancels it in CUPS.
    static func cancelQueued(_ order: Order, at time: Timestamp, to db: Database, summary: inout ImportSummary) throws {
        let ids = try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT j.id FROM print_jobs j JOIN approval_labels a ON a.job_id = j.id
                    WHERE a.order_id = ? AND j.state IN ('queued', 'sent')
                    """),
            arguments: [order.id])
        for id in ids {
            try cancel(id, why: "order \(order.status.rawValue) before its label printed", at: time, to: db)
        }
        summary.cancelledLabels += ids
    }

    private static func cancel(_ id: String, why: String, at time: Timestamp, to db: Database) throws {
        try db.execute(
            cached: "UPDATE print_jobs SET state = 'cancelled', last_error = ?, updated_at = ? WHERE id = ?",
            arguments: [why, time.millisecondsSinceEpoch, id])
    }

    /// What the label shows: waybill, label spec, addresses and carrier. A change
    /// to any of them is a new label revision.
    public static func labelKey(_ order: Order, _ parcel: Parcel) -> String {
        var text = parcel.waybill + "\u{1}"
        switch parcel.label {
        case .template(let name, let fields):
            text += "t:" + name
            for key in fields.keys.sorted() { text += "\u{1}\(key)=\(fields[key]!)" }
        case .document(let format, let base64):
            text += "d:\(format.rawValue):\(base64)"
        case nil:
            text += "-"
        }
        let json = order.json
        for part in ["recipient", "sender", "carrier"] { text += "\u{1}" + (json[part]?.serialized() ?? "null") }
        return fnv1a(text)
    }

    static func fnv1a(_ text: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b &* 0x100_0000_01b3) ^ UInt64(byte)
        }
        return String(a, radix: 16) + String(b, radix: 16) + ":\(text.utf8.count)"
    }
}
