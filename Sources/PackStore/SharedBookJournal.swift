public import PackCore

/// A journal many packd share (a fleet): every transition another station could
/// race is decided in the store, in the transaction that records it, and the
/// store tells each packd what the others changed.
///
/// `record` throws `JournalError.lostRace` when another packd got there first;
/// the caller reads the orders again with `current(orderIds:)` and decides anew.
public protocol SharedBookJournal: PackJournal {
    /// The orders as the store holds them now, with their parcels' states.
    func current(orderIds: [String]) async throws -> [SharedOrder]
}

/// One order as a shared store holds it (nil `order`: no longer there).
public struct SharedOrder: Sendable, Equatable {
    public var id: String
    public var order: Order?
    public var parcels: [ParcelKey: ParcelState]

    public init(id: String, order: Order?, parcels: [ParcelKey: ParcelState]) {
        self.id = id
        self.order = order
        self.parcels = parcels
    }
}

extension OrderBook {
    /// Takes a shared store's word on these orders: their latest versions and
    /// where each parcel stands.
    public mutating func adopt(_ shared: [SharedOrder]) {
        for entry in shared {
            guard let order = entry.order else { continue }
            upsert(order)
            for parcel in order.parcels {
                let key = ParcelKey(orderId: order.id, parcelId: parcel.id)
                restate(key, to: entry.parcels[key] ?? .pending)
            }
        }
    }
}
