public import PackCore

/// A label packd was asked to print, as the journal keeps it until the printer
/// has it: written in the same transaction as the outcome that asked for it.
public struct PrintRequest: Sendable, Equatable {
    /// A ULID; the CUPS job is named `packd-<id>`, so that after a crash packd
    /// can ask CUPS whether it already has the job.
    public var id: String
    /// The printer (a `[printers.<name>]` profile, or a CUPS queue).
    public var printer: String
    public var station: String?
    public var orderId: String?
    public var parcelId: String?
    public var reprint: Bool
    /// zpl, tspl, pdf or png.
    public var format: String
    /// The rendered label; nil when it is to be rendered at delivery from the
    /// journaled order.
    public var document: [UInt8]?
    public var createdAt: Timestamp

    public init(
        id: String, printer: String, station: String? = nil, orderId: String? = nil, parcelId: String? = nil,
        reprint: Bool = false, format: String, document: [UInt8]?, createdAt: Timestamp
    ) {
        self.id = id
        self.printer = printer
        self.station = station
        self.orderId = orderId
        self.parcelId = parcelId
        self.reprint = reprint
        self.format = format
        self.document = document
        self.createdAt = createdAt
    }

    public var jobName: String { "packd-\(id)" }
}

/// Where a print job is.
public enum PrintJobState: String, Sendable, CaseIterable {
    /// Waiting its turn on its printer (after a crash, CUPS may already have it:
    /// the worker looks it up by name before submitting).
    case queued
    /// CUPS has it (`cupsJobId`).
    case sent
    /// CUPS reported the job completed.
    case completed
    /// Out of retries; the label stays available to reprint.
    case failed
    case cancelled
}

public struct PrintJob: Sendable, Equatable {
    public var request: PrintRequest
    /// Order of enqueueing, across printers.
    public var seq: Int
    public var state: PrintJobState
    public var cupsJobId: Int?
    public var attempts: Int
    public var lastError: String?
    public var updatedAt: Timestamp

    public init(
        request: PrintRequest, seq: Int, state: PrintJobState, cupsJobId: Int?, attempts: Int, lastError: String?,
        updatedAt: Timestamp
    ) {
        self.request = request
        self.seq = seq
        self.state = state
        self.cupsJobId = cupsJobId
        self.attempts = attempts
        self.lastError = lastError
        self.updatedAt = updatedAt
    }
}
