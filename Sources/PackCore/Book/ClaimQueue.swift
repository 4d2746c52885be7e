import HeapModule

/// The single-item parcels waiting to be claimed (一单一件), oldest first per SKU.
///
/// Entries are removed lazily: a parcel that ships, opens, or changes keeps its
/// entry until it reaches the top, where the book's cleanup drops it. The book keeps
/// every queue's top valid, so finding the next parcel is a peek.
struct ClaimQueue: Sendable {
    struct Candidate: Sendable, Comparable {
        var approvedAtMs: Int64
        var orderId: String
        var ref: ParcelRef
        var generation: UInt32

        static func < (a: Candidate, b: Candidate) -> Bool {
            if a.approvedAtMs != b.approvedAtMs { return a.approvedAtMs < b.approvedAtMs }
            if a.orderId != b.orderId { return a.orderId < b.orderId }
            return a.ref.index < b.ref.index
        }

        static func == (a: Candidate, b: Candidate) -> Bool {
            a.approvedAtMs == b.approvedAtMs && a.orderId == b.orderId && a.ref == b.ref
                && a.generation == b.generation
        }
    }

    private var heaps: [SkuID: Heap<Candidate>] = [:]

    mutating func push(_ candidate: Candidate, sku: SkuID) {
        heaps[sku, default: Heap()].insert(candidate)
    }

    func peek(sku: SkuID) -> Candidate? { heaps[sku]?.min }

    /// Drops stale entries from the top of one SKU's queue.
    /// Up to `limit` candidates in claim order that `isValid` accepts (a copy of
    /// the heap is taken apart: for the rare caller, not the scan path).
    func first(_ limit: Int, sku: SkuID, isValid: (Candidate) -> Bool) -> [Candidate] {
        guard var heap = heaps[sku] else { return [] }
        var found: [Candidate] = []
        while found.count < limit, let top = heap.popMin() {
            if isValid(top) { found.append(top) }
        }
        return found
    }

    mutating func clean(sku: SkuID, isValid: (Candidate) -> Bool) {
        guard var heap = heaps.removeValue(forKey: sku) else { return }
        while let top = heap.min, !isValid(top) { heap.removeMin() }
        if !heap.isEmpty { heaps[sku] = heap }
    }
}
