import CZlib
import Foundation
import Synchronization

/// Zebra's `:Z64:` graphic encoding: zlib-deflated bytes in base64, then a
/// CRC-16/XMODEM of the base64 text in hex.
enum Z64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let deflated = DeflaterPool.shared.compress(bytes)
        let base64 = Data(deflated).base64EncodedString()
        return ":Z64:\(base64):\(hex16(crc16(Array(base64.utf8))))"
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
    func compress(_ input: [UInt8]) -> [UInt8] {
        let taken = idle.withLock { $0.popLast() } ?? Stream(pointer: Self.makeStream())
        defer { idle.withLock { $0.append(taken) } }
        let stream = taken.pointer
        deflateReset(stream)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, uLong(input.count))))
        let written = input.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.pointee.avail_in = uInt(src.count)
                stream.pointee.next_out = dst.baseAddress
                stream.pointee.avail_out = uInt(dst.count)
                let status = deflate(stream, Z_FINISH)
                // deflateBound guarantees room; anything else is a zlib bug or no memory.
                precondition(status == Z_STREAM_END, "zlib deflate failed: \(status)")
                return dst.count - Int(stream.pointee.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }

    private static func makeStream() -> UnsafeMutablePointer<z_stream> {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit_(stream, 1, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit failed: \(status)")
        return stream
    }
}
