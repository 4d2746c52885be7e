import PackCore

/// Small orders and a station harness for engine tests.
enum Fixtures {
    static func order(
        _ id: String, status: OrderStatus = .approved, approvedAt: String? = "2026-11-22T08:00:00Z",
        platformOrderId: String? = nil, station: String? = nil,
        lines: [(sku: String, qty: Int, barcodes: [String])], parcels: [(id: String, waybill: String, lines: [(String, Int)])]
    ) -> Order {
        Order(
            id: id, platformOrderId: platformOrderId, status: status,
            approvedAt: approvedAt.flatMap { Timestamp(rfc3339: $0) }, station: station,
            lines: lines.map { OrderLine(sku: $0.sku, qty: $0.qty, barcodes: $0.barcodes) },
            parcels: parcels.map { p in
                Parcel(id: p.id, waybill: p.waybill, lines: p.lines.map { ParcelLine(sku: $0.0, qty: $0.1) })
            })
    }

    /// One parcel holding every line.
    static func simple(
        _ id: String, waybill: String, status: OrderStatus = .approved, approvedAt: String? = "2026-11-22T08:00:00Z",
        platformOrderId: String? = nil, _ lines: [(String, Int)], barcodes: [String: [String]] = [:]
    ) -> Order {
        order(
            id, status: status, approvedAt: approvedAt, platformOrderId: platformOrderId,
            lines: lines.map { ($0.0, $0.1, barcodes[$0.0] ?? []) },
            parcels: [("\(id)-1", waybill, lines)])
    }
}

/// A station driven scan by scan, the way the daemon drives one.
struct Bench {
    var book: OrderBook
    var states: [String: StationState] = [:]
    var engine: ScanEngine
    var clock: Int64 = 0
    var events: [EventDraft] = []
    var labels: [(ParcelKey, Bool)] = []

    init(_ orders: [Order], config: EngineConfig = EngineConfig()) {
        book = OrderBook(orders: orders)
        engine = ScanEngine(config: config)
    }

    /// Scans `code` at `station`, `after` ms after the previous scan.
    @discardableResult
    mutating func scan(_ code: String, station: String = "pack-01", device: String? = nil, after: Int64 = 1000)
        -> Outcome
    {
        clock += after
        let state = states[station] ?? StationState(station: station)
        let decision = engine.decide(
            Scan(code: code, device: device ?? station, atMs: clock), state: state, book: book,
            now: Timestamp(millisecondsSinceEpoch: 1_790_000_000_000 + clock))
        states[station] = decision.state
        book.apply(decision.bookChanges)
        events += decision.events
        labels += decision.labels.map { ($0.parcel, $0.reprint) }
        lastEffects = decision.effects
        return decision.outcome
    }

    var lastEffects: [Effect] = []

    func state(_ station: String = "pack-01") -> StationState { states[station] ?? StationState(station: station) }

    func parcel(_ order: String, _ parcel: String) -> ParcelView? {
        book.parcel(ParcelKey(orderId: order, parcelId: parcel))
    }
}
