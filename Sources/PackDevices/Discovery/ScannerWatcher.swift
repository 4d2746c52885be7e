/// Keeps a reader running for every scanner that is plugged in: the ones present
/// at start, and the ones added later; a removed scanner's reader is stopped and
/// its partial code dropped. All their events come out of one stream.
public actor ScannerWatcher {
    /// How to read a device, or nil to leave it alone.
    public typealias Plan = @Sendable (DeviceIdentity) -> DeviceReader?

    public enum Event: Sendable, Equatable {
        case device(DeviceEvent)
        /// A scanner was unplugged and its reader stopped.
        case released(devnode: String)
        /// A scanner was found but is not read, and why.
        case ignored(DeviceIdentity, reason: String)
    }

    public nonisolated let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let plan: Plan
    private let monitor = UdevMonitor()
    private var readers: [String: (identity: DeviceIdentity, reader: DeviceReader)] = [:]

    public init(plan: @escaping Plan) {
        self.plan = plan
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Starts the monitor first, then picks up the devices already present, so a
    /// scanner plugged in meanwhile is not missed (a device seen twice is read once).
    public func start() throws(DeviceError) {
        try monitor.start()
        let changes = monitor.changes
        Task { for await change in changes { self.apply(change) } }
        for identity in try UdevEnumerator.devices() { apply(.added(identity)) }
    }

    public func stop() {
        monitor.stop()
        for entry in readers.values { entry.reader.stop() }
        readers = [:]
        continuation.finish()
    }

    /// Two interfaces of one USB scanner: a HID POS one and another, with one serial.
    static func sameScanner(_ a: DeviceIdentity, _ b: DeviceIdentity) -> Bool {
        guard let serial = a.serial, serial == b.serial else { return false }
        return (a.kind == .hidpos) != (b.kind == .hidpos)
    }

    private func apply(_ change: UdevMonitor.Change) {
        switch change {
        case .added(let identity):
            guard readers[identity.devnode] == nil else { return }
            // One scanner with a keyboard and a HID POS interface is read once, through
            // HID POS: no layout can garble it.
            if identity.kind == .input, let hid = readers.values.first(where: { Self.sameScanner($0.identity, identity) }) {
                continuation.yield(.ignored(identity, reason: "the same scanner is read through HID POS (\(hid.identity.devnode))"))
                return
            }
            guard let reader = plan(identity) else {
                if ScannerRecognition.reason(for: identity) != nil {
                    continuation.yield(.ignored(identity, reason: "not bound to a station"))
                }
                return
            }
            if identity.kind == .hidpos {
                for (node, entry) in readers where entry.identity.kind == .input && Self.sameScanner(entry.identity, identity) {
                    entry.reader.stop()
                    readers[node] = nil
                    continuation.yield(.released(devnode: node))
                }
            }
            readers[identity.devnode] = (identity, reader)
            let continuation = self.continuation
            Task { for await event in reader.events { continuation.yield(.device(event)) } }
            reader.start()
        case .removed(let devnode):
            guard let reader = readers.removeValue(forKey: devnode)?.reader else { return }
            reader.stop()
            continuation.yield(.released(devnode: devnode))
        }
    }
}
