public import PackCore
public import PackStore
import Synchronization

/// Each station's scans are decided strictly in the order they are handed in, one
/// after the other; stations do not wait for each other. `enqueue` is synchronous,
/// so a scanner's reading loop hands its scans in without waiting for the disk,
/// and the order is exactly the order of the calls.
public final class StationLanes: Sendable {
    /// Told of each decision in its station's order, before the next scan of that
    /// station is decided (the SSE stream and metrics).
    /// It answers the outcome object the API and the SSE stream carry.
    public typealias Observer = @Sendable (
        _ station: String, _ scan: Scan, _ decision: ScanDecision, _ labels: [PrintRequest], _ received: ContinuousClock.Instant
    ) async -> JSONValue

    public struct Decided: Sendable {
        public var decision: ScanDecision
        /// The outcome object (the replay line's fields plus `station`).
        public var outcome: JSONValue
    }

    private let hub: StationHub
    private let observer: Observer
    private let tails = Mutex<[String: Task<Void, Never>]>([:])

    public init(hub: StationHub, observer: @escaping Observer) {
        self.hub = hub
        self.observer = observer
    }

    /// Queues a scan behind the station's earlier ones; the task answers its
    /// decision once durable where it has consequences.
    @discardableResult
    public func enqueue(_ scan: Scan, station: String, now: @escaping @Sendable () -> Timestamp) -> Task<Decided, any Error> {
        let received = ContinuousClock.now
        let hub = self.hub
        let observer = self.observer
        return chained(station) {
            let (decision, labels) = try await hub.handleQueuingLabels(scan, station: station, now: now())
            let outcome = await observer(station, scan, decision, labels, received)
            return Decided(decision: decision, outcome: outcome)
        }
    }

    /// Runs `body` in the station's lane, between two decisions: every scan handed
    /// in before has been decided and its outcome published, none after has. An
    /// event stream subscribes here, so that the state it is given and the outcomes
    /// it is sent after it meet exactly (contracts.md section 5).
    public func between<T: Sendable>(station: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await chained(station, body).value
    }

    /// `body` behind everything handed to the station's lane so far, and ahead of what comes next.
    private func chained<T: Sendable>(_ station: String, _ body: @escaping @Sendable () async throws -> T) -> Task<T, any Error> {
        tails.withLock { tails in
            let previous = tails[station]
            let task = Task {
                await previous?.value
                return try await body()
            }
            tails[station] = Task { _ = try? await task.value }
            return task
        }
    }

    /// Waits until every scan handed in so far is decided (shutdown).
    public func drain() async {
        for tail in tails.withLock({ Array($0.values) }) { await tail.value }
    }
}
