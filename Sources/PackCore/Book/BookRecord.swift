/// The part of an order the book needs (ids, status, approval time, SKUs with
/// their barcodes, parcels with their items), in a compact binary form the
/// journal keeps beside the order's JSON: a daemon starting on a million orders
/// reads these instead of parsing and validating a million JSON documents.
///
/// Strings are a LEB128 length and UTF-8 bytes; counts and quantities LEB128;
/// the approval time eight little-endian bytes. `decode` checks every length
/// and answers nil for anything it cannot read whole.
public enum BookRecord {
    static let version: UInt8 = 1

    public static func encode(_ order: Order) -> [UInt8] {
        var out: [UInt8] = [version]
        out.reserveCapacity(64 + order.lines.count * 32 + order.parcels.count * 48)
        put(order.id, &out)
        put(order.status.rawValue, &out)
        if let pid = order.platformOrderId {
            out.append(1)
            put(pid, &out)
        } else {
            out.append(0)
        }
        if let approved = order.approvedAt {
            out.append(1)
            withUnsafeBytes(of: approved.millisecondsSinceEpoch.littleEndian) { out.append(contentsOf: $0) }
        } else {
            out.append(0)
        }
        put(UInt64(order.lines.count), &out)
        for line in order.lines {
            put(line.sku, &out)
            put(UInt64(line.qty), &out)
            put(UInt64(line.barcodes.count), &out)
            for barcode in line.barcodes { put(barcode, &out) }
        }
        put(UInt64(order.parcels.count), &out)
        for parcel in order.parcels {
            put(parcel.id, &out)
            put(parcel.waybill, &out)
            put(UInt64(parcel.lines.count), &out)
            for line in parcel.lines {
                put(line.sku, &out)
                put(UInt64(line.qty), &out)
            }
        }
        return out
    }

    /// The order as far as the book needs it (no addresses, labels or unknown
    /// fields); nil when the bytes are not a whole record.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> Order? {
        var reader = Reader(bytes: bytes)
        guard reader.byte() == version, let id = reader.string(), let statusText = reader.string(),
            let status = OrderStatus(rawValue: statusText), let hasPid = reader.byte()
        else { return nil }
        var platformOrderId: String?
        if hasPid == 1 {
            guard let pid = reader.string() else { return nil }
            platformOrderId = pid
        }
        guard let hasApproval = reader.byte() else { return nil }
        var approvedAt: Timestamp?
        if hasApproval == 1 {
            guard let ms = reader.int64() else { return nil }
            approvedAt = Timestamp(millisecondsSinceEpoch: ms)
        }
        guard let lineCount = reader.count() else { return nil }
        var lines: [OrderLine] = []
        // A damaged count may claim billions: reserve no more than the bytes left
        // could hold (every entry takes at least one byte).
        lines.reserveCapacity(min(lineCount, reader.remaining))
        for _ in 0..<lineCount {
            guard let sku = reader.string(), let qty = reader.count(), let barcodeCount = reader.count() else { return nil }
            var barcodes: [String] = []
            for _ in 0..<barcodeCount {
                guard let barcode = reader.string() else { return nil }
                barcodes.append(barcode)
            }
            lines.append(OrderLine(sku: sku, qty: qty, barcodes: barcodes))
        }
        guard let parcelCount = reader.count() else { return nil }
        var parcels: [Parcel] = []
        parcels.reserveCapacity(min(parcelCount, reader.remaining))
        for _ in 0..<parcelCount {
            guard let pid = reader.string(), let waybill = reader.string(), let itemCount = reader.count() else { return nil }
            var items: [ParcelLine] = []
            for _ in 0..<itemCount {
                guard let sku = reader.string(), let qty = reader.count() else { return nil }
                items.append(ParcelLine(sku: sku, qty: qty))
            }
            parcels.append(Parcel(id: pid, waybill: waybill, lines: items))
        }
        guard reader.atEnd else { return nil }
        return Order(id: id, platformOrderId: platformOrderId, status: status, approvedAt: approvedAt, lines: lines, parcels: parcels)
    }

    public static func decode(_ bytes: [UInt8]) -> Order? { bytes.withUnsafeBytes { decode($0) } }

    private static func put(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func put(_ text: String, _ out: inout [UInt8]) {
        put(UInt64(text.utf8.count), &out)
        out.append(contentsOf: text.utf8)
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var atEnd: Bool { offset == bytes.count }
        var remaining: Int { bytes.count - offset }

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let b = byte() {
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
                if shift > 63 { return nil }
            }
            return nil
        }

        /// A count or quantity: small enough for any list packd accepts.
        mutating func count() -> Int? {
            guard let v = varint(), v <= UInt64(Int32.max) else { return nil }
            return Int(v)
        }

        mutating func int64() -> Int64? {
            guard offset + 8 <= bytes.count else { return nil }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            return Int64(bitPattern: v)
        }

        mutating func string() -> String? {
            guard let length = count(), offset + length <= bytes.count else { return nil }
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
            offset += length
            // What packd wrote from valid strings; damaged bytes come back with
            // U+FFFD, never a crash (and the order's JSON stays the truth).
            return String(decoding: slice.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        }
    }
}
