import Foundation
import PackCore
import PackDaemon
import PackDevices
import PackLabels
import Synchronization

/// The properties the fuzz targets check beyond "does not crash".
enum FuzzChecks {
    /// Orders a decoder accepted: their JSON (what the journal stores) decodes
    /// again to the same orders, their compact book record reads back, the order
    /// book takes them, and each parcel's label data can be made.
    static func acceptedOrders(_ orders: [Order]) {
        let text = JSONValue.array(orders.map(\.json)).serialized()
        guard let reread = try? OrderDecoder().decodeFile(Array(text.utf8)) else {
            fatalError("accepted orders do not decode from their own JSON: \(text.prefix(300))")
        }
        guard reread.count == orders.count else { fatalError("accepted orders changed count on the way back") }
        var book = OrderBook()
        for order in orders {
            guard BookRecord.decode(BookRecord.encode(order)) != nil else {
                fatalError("the book record of order \(order.id) does not read back")
            }
            book.upsert(order)
            for parcel in order.parcels {
                _ = LabelData(order: order, parcel: parcel, printedAt: Timestamp(millisecondsSinceEpoch: 0))
            }
        }
        _ = book.orderCount
    }

    static let labelData: LabelData = {
        let order = Order(
            id: "FUZZ-1", status: .approved, carrier: Carrier(code: "YT", service: "STD"),
            recipient: Address(name: "王小明", address1: "1 Market St", city: "San Francisco", country: "US"),
            lines: [OrderLine(sku: "SKU-1", name: "剃须刀", qty: 1, barcodes: ["6901234567892"])],
            parcels: [Parcel(id: "FUZZ-1-1", waybill: "YT2412345678901", lines: [ParcelLine(sku: "SKU-1", qty: 1)])])
        return LabelData(order: order, parcel: order.parcels[0], printedAt: Timestamp(millisecondsSinceEpoch: 0))
    }()

    /// A book with a parcel open, so that codes reach every matching step.
    static let station: (book: OrderBook, state: StationState) = {
        let order = Order(
            id: "FUZZ-1", status: .approved,
            lines: [
                OrderLine(sku: "SKU-1", qty: 2, barcodes: ["6901234567892"]),
                OrderLine(sku: "09501101530003", qty: 1),
            ],
            parcels: [
                Parcel(
                    id: "FUZZ-1-1", waybill: "YT2412345678901",
                    lines: [ParcelLine(sku: "SKU-1", qty: 2), ParcelLine(sku: "09501101530003", qty: 1)])
            ])
        let single = Order(
            id: "FUZZ-2", status: .approved, lines: [OrderLine(sku: "SKU-2", qty: 1, barcodes: ["4006381333931"])],
            parcels: [Parcel(id: "FUZZ-2-1", waybill: "YT2400000000002", lines: [ParcelLine(sku: "SKU-2", qty: 1)])])
        var book = OrderBook(orders: [order, single])
        let engine = ScanEngine()
        let opened = engine.decide(
            Scan(code: "YT2412345678901", device: "fuzz", atMs: 0), state: StationState(station: "fuzz"), book: book,
            now: Timestamp(millisecondsSinceEpoch: 0))
        book.apply(opened.bookChanges)
        return (book, opened.state)
    }()

    static func scan(_ text: String) {
        let code = ScannedCode(text)
        if let gtin = code.gtin, GTIN.normalize(gtin) != gtin { fatalError("a GTIN that is not its own normal form: \(gtin)") }
        let engine = ScanEngine()
        let now = Timestamp(millisecondsSinceEpoch: 10_000)
        for state in [station.state, StationState(station: "fuzz")] {
            _ = engine.decide(Scan(code: text, device: "fuzz", atMs: 10_000), state: state, book: station.book, now: now)
        }
    }

    /// The first byte chooses the framing; the rest arrives in chunks the
    /// second byte sizes.
    static func serial(_ bytes: [UInt8]) {
        guard bytes.count >= 2 else { return }
        let terminators: [SerialFraming.Terminator] = [.any, .cr, .lf, .crlf, .suffix([0x23]), .suffix([0x0D, 0x0A, 0x03])]
        let terminator = terminators[Int(bytes[0]) % terminators.count]
        let prefix: [UInt8] = bytes[0] & 0x80 != 0 ? [0x02] : []
        var framer = SerialFramer(framing: SerialFraming(terminator: terminator, prefix: prefix, maxFrameLength: 64))
        let chunk = max(1, Int(bytes[1]) % 32)
        var rest = bytes.dropFirst(2)
        while !rest.isEmpty {
            for frame in framer.feed(rest.prefix(chunk)) {
                if case .code(let code) = frame, code.utf8.count > 64 * 4 { fatalError("a frame over its limit") }
            }
            rest = rest.dropFirst(chunk)
        }
    }

    /// A scale's bytes (the first byte picks the protocol, the second how read(2)
    /// cuts them): the frames are the same whole and cut, and every weight is one
    /// a scale could hold. HID reports: six bytes at a time.
    static func scale(_ bytes: [UInt8]) {
        guard bytes.count >= 2 else { return }
        let rest = Array(bytes.dropFirst(2))
        let names = ScaleProtocolName.allCases.filter { $0.serialFramer() != nil }
        if bytes[0] == 0xFF {
            var report = rest[...]
            while !report.isEmpty {
                if case .sample(let sample)? = HIDScaleReport.decode(Array(report.prefix(6))) { checkWeight(sample) }
                report = report.dropFirst(6)
            }
            return
        }
        guard let make = names[Int(bytes[0]) % names.count].serialFramer() else { return }
        func frames(chunk: Int) -> [ScaleFrame] {
            var framer = make
            var out: [ScaleFrame] = []
            var pending = rest[...]
            while !pending.isEmpty {
                out += framer.feed(pending.prefix(chunk))
                pending = pending.dropFirst(chunk)
            }
            return out
        }
        let whole = frames(chunk: max(rest.count, 1))
        guard frames(chunk: max(1, Int(bytes[1]) % 17)) == whole else {
            fatalError("the frames depend on how the bytes were cut")
        }
        for case .sample(let sample) in whole { checkWeight(sample) }
    }

    static func checkWeight(_ sample: ScaleSample) {
        guard abs(Int64(sample.grams)) <= ScaleDecimal.maxGrams else { fatalError("a weight no scale holds: \(sample.grams) g") }
        switch sample.stability {
        case .overload, .underload, .error:
            if sample.grams != 0 { fatalError("a weight with \(sample.stability): \(sample.grams) g") }
        case .stable, .motion, .unflagged: break
        }
    }

    /// Reports as read(2) returns them, each after a byte giving its size (0 to 64).
    static func hidPOS(_ bytes: [UInt8]) {
        var decoder = HIDPOSDecoder(maxCodeLength: 256)
        var rest = bytes[...]
        while let size = rest.first {
            rest = rest.dropFirst()
            let length = Int(size) % 65
            _ = decoder.feed(rest.prefix(length))
            rest = rest.dropFirst(length)
        }
    }

    /// Loaded once (xkbcommon takes milliseconds to compile a keymap); one input at a time uses it.
    static let usKeymap = Mutex<KeymapDecoder?>(try? KeymapDecoder(layout: "us"))

    /// Key events as (code, value, milliseconds since the last) triples.
    static func keyboard(_ bytes: [UInt8]) {
        usKeymap.withLock { keymap in
            guard let keymap else { return }
            keyboard(bytes, keymap)
        }
    }

    private static func keyboard(_ bytes: [UInt8], _ keymap: KeymapDecoder) {
        keymap.reset()
        var assembler = KeyScanAssembler(interKeyTimeoutMs: 100, maxCodeLength: 128)
        var at: Int64 = 0
        var i = 0
        while i + 3 <= bytes.count {
            let code = UInt16(bytes[i]) | UInt16(bytes[i + 1] & 0x01) << 8
            let value = Int32(bytes[i + 1] >> 1 & 0x03)  // 0 up, 1 down, 2 repeat, 3 unknown
            at += Int64(bytes[i + 2])
            _ = assembler.feed(keymap.feed(code: code, value: value), atMs: at)
            _ = assembler.flush(ifIdleAt: at)
            i += 3
        }
    }
}
