/// Runs scans through the engine the way a station does, with a clock driven by
/// the scans' `at_ms`. `packd replay` uses it; so do tests and benchmarks.
///
/// Two steps per scan, so that an owner with a journal can make the decision
/// durable between them: `decide`, then `accept`.
public struct ReplaySession: Sendable {
    public let engine: ScanEngine
    public private(set) var book: OrderBook
    public private(set) var state: StationState
    public private(set) var events: [OutboundEvent] = []
    public private(set) var counts: [OutcomeKind: Int] = [:]
    public private(set) var labelsRequested = 0
    public private(set) var seq = 0
    /// Wall-clock time of `at_ms` 0.
    public let start: Timestamp
    private var ids: ULIDGenerator<SplitMix64>

    public static let defaultSeed: UInt64 = 0x7061_636B_64  // "packd"

    public init(
        engine: ScanEngine = ScanEngine(), book: OrderBook, station: StationState, start: Timestamp,
        seed: UInt64 = ReplaySession.defaultSeed
    ) {
        self.engine = engine
        self.book = book
        self.state = station
        self.start = start
        self.ids = ULIDGenerator(rng: SplitMix64(seed: seed))
    }

    /// A decision with its sequence number and its events identified.
    public struct Step: Sendable {
        public var seq: Int
        public var scan: Scan
        public var decision: ScanDecision
        public var events: [OutboundEvent]
    }

    public mutating func decide(_ scan: Scan) -> Step {
        let now = start.adding(milliseconds: scan.atMs)
        let decision = engine.decide(scan, state: state, book: book, now: now)
        let events = decision.events.map { $0.identified(by: ids.next(at: $0.occurredAt)) }
        return Step(seq: seq + 1, scan: scan, decision: decision, events: events)
    }

    public mutating func accept(_ step: Step) {
        seq = step.seq
        state = step.decision.state
        book.apply(step.decision.bookChanges)
        events += step.events
        counts[step.decision.outcome.kind, default: 0] += 1
        labelsRequested += step.decision.labels.count
    }

    public mutating func upsert(_ order: Order) { book.upsert(order) }

    /// Decide and accept in one go, for runs without a journal.
    public mutating func process(_ scan: Scan) -> Step {
        let step = decide(scan)
        accept(step)
        return step
    }
}
