import PackCore
import PropertyBased
import Testing

/// The compact book record the journal keeps beside each order.
@Suite struct BookRecordTests {
    static let order = Order(
        id: "SO-1001", platformOrderId: "8123456789", status: .approved,
        approvedAt: Timestamp(millisecondsSinceEpoch: 1_795_334_400_123),
        lines: [OrderLine(sku: "剃须刀-01", qty: 2, barcodes: ["6901234567892", "]C1010950110153000310LOT42\u{1D}21X"]), OrderLine(sku: "CASE", qty: 1)],
        parcels: [
            Parcel(id: "SO-1001-1", waybill: "YT2412345678901", lines: [ParcelLine(sku: "剃须刀-01", qty: 2)]),
            Parcel(id: "SO-1001-2", waybill: "YT2412345678902", lines: [ParcelLine(sku: "CASE", qty: 1)]),
        ])

    @Test func aRecordReadsBackAsTheBookSeesTheOrder() throws {
        let back = try #require(BookRecord.decode(BookRecord.encode(Self.order)))
        #expect(back.id == Self.order.id)
        #expect(back.platformOrderId == Self.order.platformOrderId)
        #expect(back.status == Self.order.status)
        #expect(back.approvedAt == Self.order.approvedAt)
        #expect(back.lines == Self.order.lines)
        #expect(back.parcels == Self.order.parcels)
        let bare = Order(id: "X", status: .cancelled, lines: [OrderLine(sku: "S", qty: 1)], parcels: [Parcel(id: "X-1", waybill: "W", lines: [ParcelLine(sku: "S", qty: 1)])])
        let bareBack = try #require(BookRecord.decode(BookRecord.encode(bare)))
        #expect(bareBack.approvedAt == nil && bareBack.platformOrderId == nil && bareBack.status == .cancelled)
    }

    @Test func everyCutShortRecordIsRefused() {
        let bytes = BookRecord.encode(Self.order)
        for length in 0..<bytes.count { #expect(BookRecord.decode(Array(bytes.prefix(length))) == nil, "\(length)") }
        #expect(BookRecord.decode(bytes + [0]) == nil)
    }

    @Test func randomBytesNeverCrashTheReader() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 0...Int.max)) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            let bytes = (0..<Int(rng.next() % 80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = BookRecord.decode([1] + bytes)
        }
        // A damaged line or parcel count claiming two billion entries: refused, and
        // nothing that size is allocated.
        let header: [UInt8] = [1, 1, UInt8(ascii: "A"), 8] + Array("approved".utf8) + [0, 0]
        #expect(BookRecord.decode(header + [0xFF, 0xFF, 0xFF, 0xFF, 0x07]) == nil)
        #expect(BookRecord.decode(header + [0, 0xFF, 0xFF, 0xFF, 0xFF, 0x07]) == nil)
        // Lengths and counts that claim more than there is.
        #expect(BookRecord.decode([1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == nil)
        #expect(BookRecord.decode([1] + Array(repeating: 0xFF, count: 12)) == nil)
    }
}
