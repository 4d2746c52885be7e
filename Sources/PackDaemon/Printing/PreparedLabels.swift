import OrderedCollections
public import PackCore
public import PackLabels
import Synchronization

/// Labels rendered while their parcel is being packed. A station that prints
/// when the last item is verified knows which label that will be as soon as the
/// parcel opens, seconds earlier; rendering it then takes the render (about
/// 2 ms of CPU) off the way from the completing scan to the printer.
///
/// Each entry only remembers one render and what it was rendered from. It is
/// used when the label at print time would be rendered from the same data (the
/// order and parcel as journaled then, the station, the print time to the
/// minute, the parcel's label spec) in the same format; otherwise the label is
/// rendered afresh, so a waybill changed or an address corrected meanwhile is
/// never printed stale.
public final class PreparedLabels: Sendable {
    public struct Key: Hashable, Sendable {
        public var orderId: String
        public var parcelId: String
        public var printer: String

        public init(orderId: String, parcelId: String, printer: String) {
            self.orderId = orderId
            self.parcelId = parcelId
            self.printer = printer
        }
    }

    /// One render and what it came from: the parcel (its label spec, template or
    /// carrier document), the values shown, the format.
    public struct Label: Sendable {
        public var parcel: Parcel
        public var data: LabelData
        public var format: LabelFormat
        public var bytes: [UInt8]

        public init(parcel: Parcel, data: LabelData, format: LabelFormat, bytes: [UInt8]) {
            self.parcel = parcel
            self.data = data
            self.format = format
            self.bytes = bytes
        }

        /// Whether this render is the label `parcel` gets with `data` in `format`.
        public func matches(parcel: Parcel, data: LabelData, format: LabelFormat) -> Bool {
            self.format == format && self.data == data && self.parcel == parcel
        }
    }

    /// Parcels opened and never completed (a packer called away, a parcel put
    /// aside) leave their entry behind: the oldest go beyond this many, so the
    /// memory stays bounded (a few KB per label) however long the daemon runs.
    public let capacity: Int
    /// Oldest first, for eviction.
    private let renders = Mutex(OrderedDictionary<Key, Task<Label?, Never>>())

    public init(capacity: Int = 64) { self.capacity = max(1, capacity) }

    /// Keeps the render under way for `key`, replacing an earlier one.
    public func store(_ key: Key, _ render: Task<Label?, Never>) {
        renders.withLock { renders in
            // Stored again, a parcel is the newest.
            renders.removeValue(forKey: key)
            renders[key] = render
            while renders.count > capacity { renders.removeFirst() }
        }
    }

    /// The render kept for `key`, handed out once.
    public func take(_ key: Key) -> Task<Label?, Never>? {
        renders.withLock { $0.removeValue(forKey: key) }
    }

    public var count: Int { renders.withLock { $0.count } }
}
