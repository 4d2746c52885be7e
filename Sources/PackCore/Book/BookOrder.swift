/// The engine's compact copy of an order: only what matching and shipping need.
/// Addresses, names and labels stay in the journal; a station holding a million
/// orders must fit in a few hundred megabytes.
struct BookOrder: Sendable {
    var id: String
    var platformOrderId: String?
    var status: OrderStatus
    var approvedAtMs: Int64?
    var parcels: [BookParcel]
}

struct BookParcel: Sendable {
    var id: String
    var waybill: String
    var items: [BookItem]
    var shipped: Bool
    /// The station verifying it now, if any.
    var openAt: String?
    /// Bumped whenever the parcel's claim eligibility may have changed; a claim queue
    /// entry with an older generation is stale.
    var claimGeneration: UInt32

    /// The SKU of a parcel that holds exactly one unit of one item.
    var singleUnitSku: SkuID? {
        items.count == 1 && items[0].qty == 1 ? items[0].sku : nil
    }
}

struct BookItem: Sendable, Equatable {
    var sku: SkuID
    var qty: Int32
}

/// A parcel's place in the book.
struct ParcelRef: Sendable, Hashable {
    var slot: Int32
    var index: Int32
}
