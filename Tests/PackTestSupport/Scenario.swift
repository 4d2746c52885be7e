public import PackCore

/// A random but reproducible packing session: orders, and scans from two stations
/// with status changes arriving in between. Property tests run the engine over
/// thousands of these and check the invariants that protect parcels and stock.
public struct Scenario: Sendable, CustomStringConvertible {
    public enum Step: Sendable {
        case scan(station: String, device: String, code: String, afterMs: Int64)
        case upsert(Order)
    }

    public var seed: UInt64
    public var orders: [Order]
    public var steps: [Step]

    public var description: String { "Scenario(seed: \(seed), orders: \(orders.count), steps: \(steps.count))" }

    public static func random(seed: UInt64) -> Scenario {
        var rng = SplitMix64(seed: seed)
        let skuCount = Int.random(in: 2...5, using: &rng)
        let skus = (0..<skuCount).map { "S\($0)" }
        var barcodes: [String: [String]] = [:]
        for (i, sku) in skus.enumerated() where Bool.random(using: &rng) {
            barcodes[sku] = [SyntheticOrders.ean13(1000 + i)]
        }
        let orderCount = Int.random(in: 1...8, using: &rng)
        var orders: [Order] = []
        for o in 0..<orderCount {
            orders.append(makeOrder(index: o, skus: skus, barcodes: barcodes, rng: &rng))
        }

        var pool: [String] = ["PACKD:ACK", "PACKD:ACK", "PACKD:ACK", "PACKD:CANCEL", "PACKD:REPRINT", "OP:op-1", "JUNK", ""]
        for order in orders {
            pool.append(order.id)
            pool.append(order.id.lowercased())
            for p in order.parcels { pool += [p.waybill, p.waybill.lowercased(), p.id] }
        }
        for sku in skus {
            pool += [sku, sku, sku]
            for b in barcodes[sku] ?? [] { pool += [b, "0" + b, "]C101" + "0" + b] }
        }

        var steps: [Step] = []
        let target = Int.random(in: 10...150, using: &rng)
        while steps.count < target {
            let roll = Int.random(in: 0..<100, using: &rng)
            if roll < 6 {
                var changed = orders.randomElement(using: &rng)!
                changed.status = [.approved, .approved, .cancelled, .refunded, .onHold, .shipped].randomElement(using: &rng)!
                steps.append(.upsert(changed))
                continue
            }
            let station = Bool.random(using: &rng) ? "pack-01" : "pack-02"
            let device = "\(station)-\(Int.random(in: 0...1, using: &rng))"
            if roll < 45 {
                // A packer working through one parcel: its code, then its units in
                // some order, each by SKU or one of its barcode forms.
                let order = orders.randomElement(using: &rng)!
                let parcel = order.parcels.randomElement(using: &rng)!
                steps.append(.scan(station: station, device: device, code: parcel.waybill, afterMs: 1000))
                var units = parcel.lines.flatMap { Array(repeating: $0.sku, count: $0.qty) }
                // Sometimes one unit too many goes in the box.
                if Int.random(in: 0..<5, using: &rng) == 0 { units.append(units[0]) }
                units.shuffle(using: &rng)
                for sku in units {
                    let forms = [sku] + (barcodes[sku] ?? []).flatMap { [$0, "0" + $0] }
                    steps.append(
                        .scan(
                            station: station, device: device, code: forms.randomElement(using: &rng)!,
                            afterMs: [400, 1000].randomElement(using: &rng)!))
                }
                continue
            }
            steps.append(
                .scan(
                    station: station, device: device, code: pool.randomElement(using: &rng)!,
                    afterMs: [0, 100, 299, 300, 1000, 1000, 1000].randomElement(using: &rng)!))
        }
        return Scenario(seed: seed, orders: orders, steps: steps)
    }

    static func makeOrder(index: Int, skus: [String], barcodes: [String: [String]], rng: inout SplitMix64) -> Order {
        let id = "O\(index)"
        let lineCount = Int.random(in: 1...min(3, skus.count), using: &rng)
        let chosen = Array(skus.shuffled(using: &rng).prefix(lineCount))
        let lines = chosen.map {
            OrderLine(sku: $0, qty: Int.random(in: 1...3, using: &rng), barcodes: barcodes[$0] ?? [])
        }
        // One parcel, or the units split over two.
        var parcels: [Parcel]
        let units = lines.flatMap { Array(repeating: $0.sku, count: $0.qty) }
        if units.count >= 2 && Bool.random(using: &rng) {
            let cut = Int.random(in: 1..<units.count, using: &rng)
            parcels = [Array(units[..<cut]), Array(units[cut...])].enumerated().map { k, part in
                var counts: [String: Int] = [:]
                for u in part { counts[u, default: 0] += 1 }
                return Parcel(
                    id: "\(id)-\(k + 1)", waybill: "WB\(index)X\(k + 1)",
                    lines: counts.sorted { $0.key < $1.key }.map { ParcelLine(sku: $0.key, qty: $0.value) })
            }
        } else {
            parcels = [Parcel(id: "\(id)-1", waybill: "WB\(index)X1", lines: lines.map { ParcelLine(sku: $0.sku, qty: $0.qty) })]
        }
        let status: OrderStatus = [.approved, .approved, .approved, .approved, .cancelled, .onHold].randomElement(using: &rng)!
        return Order(
            id: id, platformOrderId: "P\(index)", status: status,
            approvedAt: Timestamp(millisecondsSinceEpoch: 1_790_000_000_000 + Int64.random(in: 0...5, using: &rng) * 60_000),
            lines: lines, parcels: parcels)
    }
}
