public import PackCore

/// The journal: everything packd must not forget. A small protocol so that a shared
/// PostgreSQL order book can stand beside the embedded SQLite one later.
public protocol PackJournal: Sendable {
    /// Adds or replaces orders, all or nothing.
    func importOrders(_ orders: [Order], at time: Timestamp) async throws -> ImportSummary
    /// The same, queueing the labels of approved orders (`on_approval`) in the
    /// same transaction.
    func importOrders(_ orders: [Order], at time: Timestamp, approval: ApprovalPrinting?) async throws -> ImportSummary
    /// The order book with every parcel's state as journaled.
    func loadBook() async throws -> OrderBook
    /// The same without orders finished before `finishedBefore` (nil: all).
    func loadBook(finishedBefore: Timestamp?) async throws -> OrderBook
    /// Returns once every commit queued so far is on disk (or failed).
    func flush() async
    func loadStation(_ id: String) async throws -> StationState?
    /// Makes one decision durable. Returns only once it is on disk.
    func record(_ commit: ScanCommit) async throws
    /// Queues a decision for the next transaction, in call order; the ticket says
    /// when it is on disk. For decisions nobody outside the station depends on.
    func enqueue(_ commit: ScanCommit) -> CommitTicket
    /// How many queued commits could not be written (the owner must then reload).
    var failedCommits: Int { get }
    func stockLevels() async throws -> [StockLevel]
    func stockMovements(sku: String?, limit: Int) async throws -> [StockMovement]
    /// Records a stock count: the ledger gets the difference to what it held.
    func setStock(sku: String, quantity: Int, at time: Timestamp, note: String?) async throws -> StockMovement
    func outbox(limit: Int) async throws -> [OutboxEntry]
    /// A page of the core's order feed: each order on its own (one that clashes
    /// becomes an input dead letter), the page's rejects and the cursor, in one
    /// transaction. Returns what was imported and the orders taken.
    func importFeedPage(
        _ orders: [Order], positions: [Int]?, rejected: [InputDeadLetter], cursor: String, feed: String, at time: Timestamp,
        approval: ApprovalPrinting?
    ) async throws -> (summary: ImportSummary, accepted: [Order], rejected: [InputDeadLetter])
}

/// What one scan changes durably, written in one transaction.
public struct ScanCommit: Sendable, Equatable {
    /// The station's new state, when its journaled part changed.
    public var station: StationState?
    public var changes: [BookChange]
    public var events: [OutboundEvent]
    /// Labels to print, queued in the same transaction.
    public var labels: [PrintRequest]
    /// The journal's `failedCommits` when the decision was made. A decision made
    /// before a failure it did not know of stands on memory the disk never got: it
    /// is refused, not written after the failed one (nil: not checked).
    public var decidedAfterFailures: Int?

    public init(station: StationState?, changes: [BookChange], events: [OutboundEvent], labels: [PrintRequest] = []) {
        self.station = station
        self.changes = changes
        self.events = events
        self.labels = labels
    }

    /// What a decision changes durably: the station state only when its journaled
    /// part changed (debounce times are not journaled).
    public init(decision: ScanDecision, previous: StationState, events: [OutboundEvent]) {
        self.init(
            station: decision.state.durablyDiffers(from: previous) ? decision.state : nil,
            changes: decision.bookChanges, events: events)
    }

    public var isEmpty: Bool { station == nil && changes.isEmpty && events.isEmpty && labels.isEmpty }

    /// Whether anyone outside the station depends on it (a shipment, an event, a
    /// label), so that it must be on disk before the station answers.
    public static func hasConsequences(_ decision: ScanDecision) -> Bool {
        !decision.events.isEmpty || !decision.labels.isEmpty
            || decision.bookChanges.contains { if case .ship = $0 { true } else { false } }
    }
}

public struct ImportSummary: Sendable, Equatable {
    public var added: Int
    public var replaced: Int
    /// Labels queued because the orders arrived approved (`on_approval`).
    public var labels: [ApprovalLabel] = []
    /// Queued approval labels cancelled because their order no longer ships.
    public var cancelledLabels: [String] = []
    /// Parcels of orders sent again after retention deleted them, which shipped
    /// before (the shipped memory): they are shipped again in the journal and the
    /// book, and answer `already_shipped`.
    public var alreadyShipped: [ParcelKey] = []

    public init(added: Int, replaced: Int, labels: [ApprovalLabel] = [], cancelledLabels: [String] = []) {
        self.added = added
        self.replaced = replaced
        self.labels = labels
        self.cancelledLabels = cancelledLabels
    }
}

public struct StockLevel: Sendable, Equatable {
    public var sku: String
    public var quantity: Int
    public var movements: Int
    public var lastMovementAt: Timestamp

    public init(sku: String, quantity: Int, movements: Int, lastMovementAt: Timestamp) {
        self.sku = sku
        self.quantity = quantity
        self.movements = movements
        self.lastMovementAt = lastMovementAt
    }
}

public struct StockMovement: Sendable, Equatable {
    public enum Kind: String, Sendable { case shipment, count }
    public var seq: Int64
    public var sku: String
    public var delta: Int
    public var balance: Int
    public var kind: Kind
    public var reference: String?
    public var at: Timestamp

    public init(seq: Int64, sku: String, delta: Int, balance: Int, kind: Kind, reference: String?, at: Timestamp) {
        self.seq = seq
        self.sku = sku
        self.delta = delta
        self.balance = balance
        self.kind = kind
        self.reference = reference
        self.at = at
    }
}

public struct OutboxEntry: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Waiting to be sent to the core.
        case pending
        case delivered
        /// Refused by the core for good; kept for the operator.
        case dead
        /// A dead letter the operator let go (`packd outbox drop`), with a reason.
        case dropped
        /// Local mode: applied to the embedded stock ledger.
        case applied
    }
    public var seq: Int64
    public var id: String
    public var type: EventType
    public var state: State
    public var payload: String

    public init(seq: Int64, id: String, type: EventType, state: State, payload: String) {
        self.seq = seq
        self.id = id
        self.type = type
        self.state = state
        self.payload = payload
    }
}

/// Where events go: the core's stock module, or the embedded ledger.
public enum CoreMode: String, Sendable {
    case local
    case remote
}

public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    case waybillTaken(waybill: String, byOrder: String, orderIndex: Int)
    case parcelTaken(parcel: String, byOrder: String, orderIndex: Int)
    case alreadyShipped(ParcelKey)
    case unknownParcel(ParcelKey)
    case corrupt(String)
    /// Not written because an earlier decision could not be: it was made on memory
    /// the disk does not have.
    case earlierCommitFailed
    /// A shared store refused a transition another packd made first (the parcel was
    /// opened, claimed or shipped elsewhere, or its order stopped shipping): the
    /// decision is made again on the store's state.
    case lostRace(ParcelKey, reason: String)

    /// Another packd changed the parcel first (a shared store's refusal).
    public var isLostRace: Bool {
        switch self {
        case .lostRace, .alreadyShipped: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .waybillTaken(let w, let o, let i):
            "orders[\(i)]: waybill \"\(w)\" already belongs to order \(o)"
        case .parcelTaken(let p, let o, let i):
            "orders[\(i)]: parcel id \"\(p)\" already belongs to order \(o)"
        case .alreadyShipped(let k): "parcel \(k) is already shipped"
        case .unknownParcel(let k): "parcel \(k) is not in the journal"
        case .corrupt(let what): "the journal is damaged: \(what)"
        case .earlierCommitFailed: "not written: an earlier decision could not be written (scan again)"
        case .lostRace(let k, let reason): "parcel \(k) \(reason)"
        }
    }
}
