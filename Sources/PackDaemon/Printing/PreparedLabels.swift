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
/// minute, the parcel's label spec) in the same format; otherwise the label is rendered afresh, so a
/// waybill changed or an address corrected meanwhile is never printed stale.
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

    private struct Entries {
        var renders: [Key: Task<Label?, Never>] = [:]
        /// Oldest first, for eviction.
        var order: [Key] = []
    }

    /// Parcels opened and never completed (a packer called away, a parcel put
    /// aside) leave their entry behind: the oldest go beyond this many, so the
    /// memory stays bounded (a few KB per label) however long the daemon runs.
    public let capacity: Int
    private let entries = Mutex(Entries())

    public init(capacity: Int = 64) { self.capacity = max(1, capacity) }

    /// Keeps the render under way for `key`, replacing an earlier one.
    public func store(_ key: Key, _ render: Task<Label?, Never>) {
        entries.withLock { entries in
            if entries.renders.updateValue(render, forKey: key) != nil {
                entries.order.removeAll { $0 == key }
            }
            entries.order.append(key)
            while entries.order.count > capacity {
                entries.renders[entries.order.removeFirst()] = nil
            }
        }
    }

    /// The render kept for `key`, handed out once.
    public func take(_ key: Key) -> Task<Label?, Never>? {
        entries.withLock { entries in
            guard let render = entries.renders.removeValue(forKey: key) else { return nil }
            entries.order.removeAll { $0 == key }
            return render
        }
    }

    public var count: Int { entries.withLock { $0.renders.count } }
}
