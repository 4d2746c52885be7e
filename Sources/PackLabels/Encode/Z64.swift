import CZlib
import Foundation
import Synchronization

/// Zebra's `:Z64:` graphic encoding: zlib-deflated bytes in base64, then a
/// CRC-16/XMODEM of the base64 text in hex.
enum Z64 {
    /// The `^GF` data: Z64, or plain ASCII hex (which every ZPL printer also
    /// takes, only longer) when zlib cannot compress (no memory for a stream).
    static func encode(_ bytes: [UInt8]) -> String {
        guard let deflated = DeflaterPool.shared.compress(bytes) else { return hex(bytes) }
        let base64 = Data(deflated).base64EncodedString()
        return ":Z64:\(base64):\(hex16(crc16(Array(base64.utf8))))"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func crc16(_ bytes: [UInt8]) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ crcTable[Int(UInt8(crc >> 8) ^ byte)]
        }
        return crc
    }

    private static let crcTable: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    private static func hex16(_ v: UInt16) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}

/// zlib deflate streams kept for reuse: a stream holds a few hundred kilobytes of
/// window and hash tables, which would otherwise be mapped and unmapped per label.
final class DeflaterPool: Sendable {
    static let shared = DeflaterPool()

    /// A stream is used by one caller at a time: taken from `idle`, put back after.
    private struct Stream: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<z_stream>
    }

    private let idle = Mutex<[Stream]>([])

    /// zlib format (what Z64 carries), level 1: labels are mostly white, so the
    /// fastest level compresses nearly as well as the default.
    /// nil when zlib fails (it can only run out of memory here).
    func compress(_ input: [UInt8]) -> [UInt8]? {
        guard let taken = idle.withLock({ $0.popLast() }) ?? Self.makeStream().map(Stream.init) else { return nil }
        defer { idle.withLock { $0.append(taken) } }
        let stream = taken.pointer
        deflateReset(stream)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(input.count))))
        let written = input.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst -> Int? in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.pointee.avail_in = uInt(src.count)
                stream.pointee.next_out = dst.baseAddress
                stream.pointee.avail_out = uInt(dst.count)
                // deflateBound guarantees room: anything but the end is a failure.
                guard deflate(stream, Z_FINISH) == Z_STREAM_END else { return nil }
                return dst.count - Int(stream.pointee.avail_out)
            }
        }
        guard let written else { return nil }
        output.removeSubrange(written...)
        return output
    }

    private static func makeStream() -> UnsafeMutablePointer<z_stream>? {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard deflateInit_(stream, 1, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            return nil
        }
        return stream
    }
}
