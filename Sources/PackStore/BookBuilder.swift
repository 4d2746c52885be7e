import Dispatch
package import PackCore
import Synchronization

/// Builds an order book on a thread of its own while the caller reads and
/// decodes the next records: a start on a million orders uses both cores.
/// Batches go in order, so the book is the same as one built in a loop.
package final class BookBuilder: @unchecked Sendable {
    package static let batchSize = 2_000

    private let queue = DispatchQueue(label: "packd.book-builder")
    /// At most this many batches wait, so memory stays bounded.
    private let slots = DispatchSemaphore(value: 4)
    /// Batches the builder is done with. They are freed by the caller's thread, which
    /// made them: the builder is the slower of the two, and freeing another
    /// thread's memory also fights over its malloc arena.
    private let done = Mutex<[[Order]]>([])
    private let expectedOrders: Int
    // Touched only on `queue` until `finish`.
    private var book = OrderBook()
    private var platformIndexReserved = false

    package init(capacity: Int) {
        expectedOrders = capacity
        book.reserveCapacity(capacity)
    }

    package func add(_ orders: [Order]) {
        guard !orders.isEmpty else { return }
        slots.wait()
        // Taken out under the lock, freed here when dropped.
        _ = done.withLock { batches in
            defer { batches = [] }
            return batches
        }
        queue.async {
            self.reservePlatformIndex(likeIn: orders)
            for order in orders { self.book.upsert(order) }
            self.done.withLock { $0.append(orders) }
            self.slots.signal()
        }
    }

    /// Waits for every batch and hands the book over (moved out, so that the
    /// caller's changes do not copy it).
    package func finish() -> OrderBook {
        queue.sync {
            done.withLock { $0.removeAll() }
            let built = book
            book = OrderBook()
            return built
        }
    }

    /// Room in the platform order id index for as many orders as the first batch
    /// suggests have one (most shops give one for every order, some for none):
    /// growing it a million entries at a time rehashes every key again and again.
    private func reservePlatformIndex(likeIn orders: [Order]) {
        guard !platformIndexReserved else { return }
        platformIndexReserved = true
        let withId = orders.reduce(0) { $0 + ($1.platformOrderId == nil ? 0 : 1) }
        book.reservePlatformIndexCapacity(expectedOrders * withId / orders.count + 16)
    }
}
