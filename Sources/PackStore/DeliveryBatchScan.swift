public import PackCore

/// Picks a delivery batch from undelivered outbox rows read in journal order:
/// an event waits while an earlier event of its order is dead or backing off, so
/// nothing overtakes within an order, while other orders go on. Both journals
/// feed it the rows their own SQL reads.
package struct DeliveryBatchScan {
    /// Rows read per step while looking for sendable events.
    package static let step = 2_000
    /// A batch looks this far past held events at most, so one call stays short
    /// however many events a dead letter holds.
    package static let limit = 50_000

    private let batchLimit: Int
    private let nowMs: Int64
    private var events: [DeliveryBatch.Event] = []
    private var heldOrders = Set<String>()
    private var nextDue: Int64?
    private(set) package var scanned = 0
    /// The last row's seq: the next step reads after it.
    private(set) package var after: Int64 = 0

    package init(limit: Int, now: Timestamp) {
        batchLimit = limit
        nowMs = now.millisecondsSinceEpoch
    }

    /// Whether the batch is full or enough rows were read.
    package var isDone: Bool { events.count >= batchLimit || scanned >= Self.limit }

    /// One undelivered row (`dead`: a dead letter; `due`: when a backing-off event may go).
    package mutating func offer(
        seq: Int64, id: String, orderId: String, occurredAt: Int64, payload: String, dead: Bool, attempts: Int, due: Int64?
    ) {
        scanned += 1
        after = seq
        guard events.count < batchLimit, !heldOrders.contains(orderId) else { return }
        if dead {
            heldOrders.insert(orderId)
            return
        }
        if let due, due > nowMs {
            heldOrders.insert(orderId)
            nextDue = min(nextDue ?? due, due)
            return
        }
        events.append(
            DeliveryBatch.Event(
                seq: seq, id: id, orderId: orderId, occurredAt: Timestamp(millisecondsSinceEpoch: occurredAt),
                payload: payload, attempts: attempts))
    }

    package var batch: DeliveryBatch {
        DeliveryBatch(events: events, nextDue: nextDue.map(Timestamp.init(millisecondsSinceEpoch:)))
    }
}
