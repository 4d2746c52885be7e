public import PackCore

/// What delivery to the core needs of the journal's outbox (contracts.md section
/// 4): the next events it may send, and what became of them. A protocol so that
/// the delivery loop can be tested on its own and a shared store can stand in.
public protocol OutboxStore: Sendable {
    /// Up to `limit` pending events in journal order that may go now: an event
    /// waits while an earlier event of its order is pending but not yet due
    /// (backing off) or dead, so that nothing overtakes within an order, while
    /// other orders go on.
    func deliveryBatch(limit: Int, now: Timestamp) async throws -> DeliveryBatch
    /// The core has these events (2xx or 409).
    func markDelivered(_ seqs: [Int64], at time: Timestamp) async throws
    /// Sending failed for a reason that may pass; try again from `nextAttemptAt`.
    func markRetry(_ seqs: [Int64], error: String, nextAttemptAt: Timestamp) async throws
    /// The core refused this event for good: a dead letter, with the core's answer.
    func markDead(_ seq: Int64, status: Int, response: String, at time: Timestamp) async throws
}

/// Events to send together, in journal order.
public struct DeliveryBatch: Sendable, Equatable {
    public struct Event: Sendable, Equatable {
        public var seq: Int64
        public var id: String
        public var orderId: String
        public var occurredAt: Timestamp
        /// The event's wire JSON (contracts.md section 4), exactly as journaled.
        public var payload: String
        /// Earlier attempts to send it.
        public var attempts: Int

        public init(seq: Int64, id: String, orderId: String, occurredAt: Timestamp, payload: String, attempts: Int) {
            self.seq = seq
            self.id = id
            self.orderId = orderId
            self.occurredAt = occurredAt
            self.payload = payload
            self.attempts = attempts
        }
    }

    public var events: [Event]
    /// When the earliest event now backing off is due (nil: none is).
    public var nextDue: Timestamp?

    public init(events: [Event], nextDue: Timestamp?) {
        self.events = events
        self.nextDue = nextDue
    }
}

/// An event the core refused for good, or that the operator dropped.
public struct DeadLetter: Sendable, Equatable {
    public var seq: Int64
    public var id: String
    public var type: String
    public var orderId: String
    public var occurredAt: Timestamp
    public var state: OutboxEntry.State
    public var attempts: Int
    /// The core's HTTP status and (the start of) its answer.
    public var status: Int?
    public var response: String?
    public var deadAt: Timestamp?
    public var dropReason: String?
    /// Later events of the same order that wait behind it.
    public var held: Int

    public init(
        seq: Int64, id: String, type: String, orderId: String, occurredAt: Timestamp, state: OutboxEntry.State, attempts: Int,
        status: Int?, response: String?, deadAt: Timestamp?, dropReason: String?, held: Int
    ) {
        self.seq = seq
        self.id = id
        self.type = type
        self.orderId = orderId
        self.occurredAt = occurredAt
        self.state = state
        self.attempts = attempts
        self.status = status
        self.response = response
        self.deadAt = deadAt
        self.dropReason = dropReason
        self.held = held
    }
}

/// Ids named for retry or drop that are not dead letters: nothing was changed.
public struct NotDeadLetters: Error, Sendable, Equatable, CustomStringConvertible {
    public var ids: [String]
    /// Where the first of them stands in the list given.
    public var firstIndex: Int

    public init(ids: [String], firstIndex: Int) {
        self.ids = ids
        self.firstIndex = firstIndex
    }

    public var description: String { "not a dead letter: \(ids.joined(separator: ", "))" }
}
