/// Names one parcel of one order, as the journal and the outbound events do.
public struct ParcelKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var orderId: String
    public var parcelId: String

    public init(orderId: String, parcelId: String) {
        self.orderId = orderId
        self.parcelId = parcelId
    }

    public var description: String { "\(orderId)/\(parcelId)" }
}

/// A change the engine asks of the shared order book. Applied after the journal has
/// it, so the book and the journal never disagree.
public enum BookChange: Sendable, Hashable, Codable {
    /// A station began verifying the parcel: single-item claims pass it by.
    case open(ParcelKey, station: String)
    /// The station stopped (abandoned, intercepted) without shipping it.
    case release(ParcelKey, station: String)
    /// Shipment confirmed.
    case ship(ParcelKey)

    public var parcel: ParcelKey {
        switch self {
        case .open(let k, _), .release(let k, _), .ship(let k): k
        }
    }
}
