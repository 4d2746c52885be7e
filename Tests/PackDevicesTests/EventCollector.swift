import PackDevices

/// Collects a reader's events and lets a test wait, with a time limit, until they
/// satisfy a condition.
actor EventCollector {
    private(set) var events: [DeviceEvent] = []
    private var waiters: [(id: Int, condition: @Sendable ([DeviceEvent]) -> Bool, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextId = 0

    nonisolated func collect(from reader: DeviceReader) {
        Task {
            for await event in reader.events { await self.append(event) }
        }
    }

    private func append(_ event: DeviceEvent) {
        events.append(event)
        let ready = waiters.filter { $0.condition(events) }
        waiters.removeAll { w in ready.contains { $0.id == w.id } }
        for w in ready { w.continuation.resume(returning: true) }
    }

    /// True once `condition` holds; false if it did not within `seconds`.
    func wait(seconds: Double = 10, until condition: @escaping @Sendable ([DeviceEvent]) -> Bool) async -> Bool {
        if condition(events) { return true }
        let id = nextId
        nextId += 1
        return await withCheckedContinuation { continuation in
            waiters.append((id, condition, continuation))
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                self.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }

    var codes: [String] { events.compactMap { if case .scan(let s) = $0 { s.code } else { nil } } }

    func count(_ kind: (DeviceEvent) -> Bool) -> Int { events.filter(kind).count }
}

extension DeviceEvent {
    var isOpened: Bool { if case .opened = self { true } else { false } }
    var isClosed: Bool { if case .closed = self { true } else { false } }
    var isRejected: Bool { if case .rejected = self { true } else { false } }
}
