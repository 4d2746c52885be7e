import CZlib
import Foundation

/// Zebra's `:Z64:` graphic encoding: zlib-deflated bytes in base64, then a
/// CRC-16/XMODEM of the base64 text in hex.
enum Z64 {
    static func encode(_ bytes: [UInt8]) -> String {
        var length = compressBound(uLong(bytes.count))
        var deflated = [UInt8](repeating: 0, count: Int(length))
        let status = compress2(&deflated, &length, bytes, uLong(bytes.count), 6)
        // compress2 fails only without memory or with a short buffer; compressBound rules out the latter.
        precondition(status == Z_OK, "zlib compress2 failed: \(status)")
        let base64 = Data(deflated[0..<Int(length)]).base64EncodedString()
        return ":Z64:\(base64):\(hex16(crc16(Array(base64.utf8))))"
    }

    static func crc16(_ bytes: [UInt8]) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }

    private static func hex16(_ v: UInt16) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}
