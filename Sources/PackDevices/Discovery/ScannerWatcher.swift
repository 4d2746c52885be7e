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
        /// A scanner was found but the plan leaves it alone (not bound to a station).
        case ignored(DeviceIdentity)
    }

    public nonisolated let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let plan: Plan
    private let monitor = UdevMonitor()
    private var readers: [String: DeviceReader] = [:]

    public init(plan: @escaping Plan) {
        self.plan = plan
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Starts the monitor first, then picks up the devices already present, so a
    /// scanner plugged in meanwhile is not missed (a device seen twice is read once).
    public func start() throws(DeviceError) {
        try monitor.start()
        let changes = monitor.changes
        Task { for await change in changes { await self.apply(change) } }
        for identity in try UdevEnumerator.devices() { apply(.added(identity)) }
    }

    public func stop() {
        monitor.stop()
        for reader in readers.values { reader.stop() }
        readers = [:]
        continuation.finish()
    }

    private func apply(_ change: UdevMonitor.Change) {
        switch change {
        case .added(let identity):
            guard readers[identity.devnode] == nil else { return }
            guard let reader = plan(identity) else {
                if ScannerRecognition.reason(for: identity) != nil { continuation.yield(.ignored(identity)) }
                return
            }
            readers[identity.devnode] = reader
            let continuation = self.continuation
            Task { for await event in reader.events { continuation.yield(.device(event)) } }
            reader.start()
        case .removed(let devnode):
            guard let reader = readers.removeValue(forKey: devnode) else { return }
            reader.stop()
            continuation.yield(.released(devnode: devnode))
        }
    }
}
