public import PackCore

/// Runs a scenario through the engine, checking after every decision that
///  - a parcel ships only with every unit verified (or as a one-unit single-item claim),
///  - only a parcel of an approved order ships,
///  - no parcel ships twice.
/// Returns the problems found (empty when all held) and every shipped parcel's items.
public struct CheckedRun {
    public private(set) var book: OrderBook
    public private(set) var states: [String: StationState] = [:]
    public private(set) var problems: [String] = []
    public private(set) var shipped: [ParcelKey: [ParcelLine]] = [:]
    public private(set) var events: [OutboundEvent] = []
    public private(set) var decisions: [(station: String, decision: ScanDecision, events: [OutboundEvent])] = []
    private var clock: Int64 = 0
    private let engine: ScanEngine
    private var ids = ULIDGenerator(rng: SplitMix64(seed: 99))

    public init(orders: [Order], config: EngineConfig = EngineConfig()) {
        book = OrderBook(orders: orders)
        engine = ScanEngine(config: config)
    }

    public mutating func run(_ scenario: Scenario) {
        for step in scenario.steps { perform(step) }
    }

    public mutating func perform(_ step: Scenario.Step) {
        switch step {
        case .upsert(let order):
            book.upsert(order)
        case .scan(let station, let device, let code, let after):
            clock += after
            let before = states[station] ?? StationState(station: station)
            let decision = engine.decide(
                Scan(code: code, device: device, atMs: clock), state: before, book: book,
                now: Timestamp(millisecondsSinceEpoch: 1_790_000_000_000 + clock))
            check(decision, before: before, code: code)
            states[station] = decision.state
            book.apply(decision.bookChanges)
            let identified = decision.events.map { $0.identified(by: ids.next(at: $0.occurredAt)) }
            events += identified
            decisions.append((station, decision, identified))
        }
    }

    private mutating func check(_ decision: ScanDecision, before: StationState, code: String) {
        for change in decision.bookChanges {
            guard case .ship(let key) = change else { continue }
            guard let parcel = book.parcel(key) else {
                problems.append("shipped unknown parcel \(key)")
                continue
            }
            if parcel.shipped { problems.append("\(key) shipped twice (scan \(code))") }
            if parcel.orderStatus != .approved {
                problems.append("\(key) shipped while its order is \(parcel.orderStatus.rawValue)")
            }
            switch decision.outcome.kind {
            case .parcelCompleted:
                var counted = before.open?.verified ?? [:]
                if let sku = decision.outcome.sku { counted[sku, default: 0] += 1 }
                let expected = Dictionary(uniqueKeysWithValues: parcel.items.map { ($0.sku, $0.qty) })
                if counted != expected { problems.append("\(key) shipped with \(counted), expected \(expected)") }
                if before.open?.key != key { problems.append("\(key) completed but \(String(describing: before.open?.key)) was open") }
            case .singleItemClaimed:
                if parcel.items.count != 1 || parcel.items[0].qty != 1 || parcel.items[0].sku != decision.outcome.sku {
                    problems.append("\(key) claimed as single item but holds \(parcel.items)")
                }
                if parcel.openAt != nil { problems.append("\(key) claimed while open at \(parcel.openAt!)") }
            default:
                problems.append("\(key) shipped by a \(decision.outcome.kind.rawValue) outcome")
            }
            shipped[key] = parcel.items
        }
        let shipEvents = decision.events.filter { $0.type == .parcelShipped }
        if shipEvents.count != decision.bookChanges.filter({ if case .ship = $0 { true } else { false } }).count {
            problems.append("parcel.shipped events and shipments differ for scan \(code)")
        }
    }
}
