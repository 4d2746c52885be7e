/// Deterministic made-up orders for benchmarks, soak runs and the durability probe.
public enum SyntheticOrders {
    /// `count` approved orders `<prefix>-0000001`..., one parcel each (waybill
    /// `<prefix>WB0000001`), holding one unit of each of `skusPerOrder` SKUs drawn
    /// from a catalogue of `catalogueSize` SKUs with EAN-13 barcodes.
    public static func make(
        count: Int, prefix: String = "SO", skusPerOrder: Int = 1, catalogueSize: Int = 5_000, startIndex: Int = 0,
        approvedAt base: Timestamp = Timestamp(millisecondsSinceEpoch: 1_790_000_000_000)
    ) -> [Order] {
        (startIndex..<startIndex + count).map { i in
            let id = "\(prefix)-\(digits(i, 7))"
            var lines: [OrderLine] = []
            for k in 0..<skusPerOrder {
                let n = (i &* 7919 &+ k &* 104_729) % catalogueSize
                let sku = sku(n)
                if lines.contains(where: { $0.sku == sku }) { continue }
                lines.append(OrderLine(sku: sku, qty: 1, barcodes: [ean13(n)]))
            }
            return Order(
                id: id, platform: "synthetic", platformOrderId: "P\(digits(i, 9))", status: .approved,
                approvedAt: base.adding(milliseconds: Int64(i) * 1000), lines: lines,
                parcels: [
                    Parcel(
                        id: "\(id)-1", waybill: "\(prefix)WB\(digits(i, 7))",
                        lines: lines.map { ParcelLine(sku: $0.sku, qty: $0.qty) })
                ])
        }
    }

    public static func sku(_ n: Int) -> String { "SKU-\(digits(n, 5))" }

    /// A valid EAN-13 for catalogue entry `n` (prefix 690, check digit computed).
    public static func ean13(_ n: Int) -> String {
        let body = "690" + digits(n, 9)
        return body + String(GTIN.checkDigit(for: body))
    }

    static func digits(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
