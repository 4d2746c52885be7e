import PackCore

/// Scans against a book of a million open orders: the engine's decision plus
/// applying it to the book, as a station does before the durable commit.
enum ScanBench {
    struct Result {
        var orders: Int
        var buildNs: UInt64
        var rssBeforeMB: Double
        var rssAfterMB: Double
        var scans: Samples
        var outcomes: [OutcomeKind: Int]
        var naive: Samples
    }

    static func run(orders orderCount: Int, scans scanCount: Int) -> Result {
        let rssBefore = residentMegabytes()
        let start = now()
        var book = OrderBook()
        // Half single-item orders (一单一件), half with two or three lines.
        let chunk = 50_000
        var made = 0
        while made < orderCount {
            let n = min(chunk, orderCount - made)
            let skus = made % 100_000 < 50_000 ? 1 : 3
            for order in SyntheticOrders.make(count: n, prefix: "SO", skusPerOrder: skus, startIndex: made) {
                book.upsert(order)
            }
            made += n
        }
        let buildNs = now() - start
        let rssAfter = residentMegabytes()

        let engine = ScanEngine()
        var state = StationState(station: "pack-01")
        var samples = Samples(capacity: scanCount)
        var outcomes: [OutcomeKind: Int] = [:]
        var rng = SplitMix64(seed: 42)
        var at: Int64 = 0
        var script: [String] = []
        while samples.count < scanCount {
            if script.isEmpty { script = nextParcelScript(orderCount: orderCount, rng: &rng) }
            let code = script.removeFirst()
            at += 1000
            let scan = Scan(code: code, device: "gun-1", atMs: at)
            let t = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000 + at)
            let t0 = now()
            let decision = engine.decide(scan, state: state, book: book, now: t)
            book.apply(decision.bookChanges)
            let elapsed = now() - t0
            state = decision.state
            // The packer acknowledges an error before going on, as at a real station.
            if state.pendingError != nil { script.insert("PACKD:ACK", at: 0) }
            samples.add(elapsed)
            outcomes[decision.outcome.kind, default: 0] += 1
        }

        // The naive way: look every code up by walking the orders.
        let all = SyntheticOrders.make(count: min(orderCount, 200_000), prefix: "SO", skusPerOrder: 1)
        var naive = Samples(capacity: 200)
        for _ in 0..<200 {
            let target = all[Int.random(in: 0..<all.count, using: &rng)].parcels[0].waybill.lowercased()
            let t0 = now()
            let folded = target.uppercased()
            let hit = all.first { $0.parcels.contains { $0.waybill.uppercased() == folded } }
            precondition(hit != nil)
            naive.add(now() - t0)
        }
        return Result(
            orders: orderCount, buildNs: buildNs, rssBeforeMB: rssBefore, rssAfterMB: rssAfter, scans: samples,
            outcomes: outcomes, naive: naive)
    }

    /// What a packer scans for one random order: the waybill then each item (by
    /// barcode or SKU), or, for a single-item order, just the item.
    static func nextParcelScript(orderCount: Int, rng: inout SplitMix64) -> [String] {
        let i = Int.random(in: 0..<orderCount, using: &rng)
        let skus = i % 100_000 < 50_000 ? 1 : 3
        let order = SyntheticOrders.make(count: 1, prefix: "SO", skusPerOrder: skus, startIndex: i)[0]
        if order.lines.count == 1 && Bool.random(using: &rng) {
            return [order.lines[0].barcodes[0]]
        }
        return [order.parcels[0].waybill]
            + order.lines.map { Bool.random(using: &rng) ? $0.barcodes[0] : $0.sku }
    }
}
