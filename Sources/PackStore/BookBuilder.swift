import Dispatch
import PackCore

/// Builds an order book on a thread of its own while the caller reads and
/// decodes the next records: a start on a million orders uses both cores.
/// Batches go in order, so the book is the same as one built in a loop.
final class BookBuilder: @unchecked Sendable {
    static let batchSize = 2_000

    private let queue = DispatchQueue(label: "packd.book-builder")
    /// At most this many batches wait, so memory stays bounded.
    private let slots = DispatchSemaphore(value: 4)
    // Touched only on `queue` until `finish`.
    private var book = OrderBook()

    init(capacity: Int) {
        book.reserveCapacity(capacity)
    }

    func add(_ orders: [Order]) {
        guard !orders.isEmpty else { return }
        slots.wait()
        queue.async {
            for order in orders { self.book.upsert(order) }
            self.slots.signal()
        }
    }

    /// Waits for every batch and hands the book over (moved out, so that the
    /// caller's changes do not copy it).
    func finish() -> OrderBook {
        queue.sync {
            let built = book
            book = OrderBook()
            return built
        }
    }
}
