public import PackCore
public import PackDevices
import Synchronization

/// The scanners the daemon has seen, with their udev identity, station and state,
/// for `GET /v1/devices`, the station display and the devices gauge. A lock, not
/// an actor: the scanner watcher's plan consults it synchronously.
public final class DeviceRegistry: Sendable {
    public struct Entry: Sendable, Equatable {
        public var identity: DeviceIdentity
        public var station: String?
        /// `reading`, `waiting` (opened, not yet or no longer there), `ignored`, `removed`
        public var state: String
        public var detail: String?
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    public func seen(_ identity: DeviceIdentity, station: String?, state: String, detail: String? = nil) {
        entries.withLock { $0[identity.devnode] = Entry(identity: identity, station: station, state: state, detail: detail) }
    }

    /// A reader's device (its id is the devnode) changed state.
    @discardableResult
    public func update(devnode: String, state: String, detail: String? = nil) -> Entry? {
        entries.withLock { entries in
            guard var entry = entries[devnode] else { return nil }
            entry.state = state
            entry.detail = detail
            entries[devnode] = entry
            return entry
        }
    }

    public func station(of devnode: String) -> String? { entries.withLock { $0[devnode]?.station } }

    public var all: [Entry] { entries.withLock { $0.values.sorted { $0.identity.devnode < $1.identity.devnode } } }

    public var connected: Int { entries.withLock { $0.values.filter { $0.state == "reading" }.count } }
}

extension DeviceRegistry.Entry {
    public var json: JSONValue {
        let i = identity
        return [
            "devnode": .string(i.devnode), "kind": .string(i.kind.rawValue), "name": .optional(i.name),
            "idSerial": .optional(i.serial), "idPath": .optional(i.path), "usb": .optional(i.vendorProduct),
            "station": .optional(station), "state": .string(state), "detail": .optional(detail),
        ]
    }
}
