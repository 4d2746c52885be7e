/// The engine's compact copy of an order: only what matching and shipping need.
/// Addresses, names and labels stay in the journal; a station holding a million
/// orders must fit in a few hundred megabytes.
struct BookOrder: Sendable {
    var id: String
    var platformOrderId: String?
    var status: OrderStatus
    /// `Int64.max` when the order has no approval time (it sorts last).
    var approvedAtMs: Int64
    var parcels: InlineList<BookParcel>
    /// The barcodes its lines give, so that a newer version can take them back
    /// from the catalogue.
    var barcodeUses: [BarcodeUse] = []
}

struct BookParcel: Sendable {
    var id: String
    var waybill: String
    var items: InlineList<BookItem>
    var shipped: Bool
    /// The station verifying it now, if any (a number from the book's station table).
    var openAt: StationSlot?
    /// Bumped whenever the parcel's claim eligibility may have changed; a claim queue
    /// entry with an older generation is stale.
    var claimGeneration: UInt32

    /// The SKU of a parcel that holds exactly one unit of one item.
    var singleUnitSku: SkuID? {
        items.tail.isEmpty && items.head.qty == 1 ? items.head.sku : nil
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

/// A station's number in one book; the book keeps the names.
struct StationSlot: Sendable, Hashable {
    var raw: UInt16
}
