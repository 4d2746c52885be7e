/// Finds the first byte that is not valid UTF-8, so a message can point at it.
public enum UTF8Check {
    public static func validate(_ bytes: [UInt8]) throws(JSONSyntaxError) {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: throw invalid(at: i, in: bytes)
            }
            guard i + length <= n else { throw invalid(at: i, in: bytes) }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { throw invalid(at: i, in: bytes) }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
                throw invalid(at: i, in: bytes)
            }
            i += length
        }
    }

    private static func invalid(at i: Int, in bytes: [UInt8]) -> JSONSyntaxError {
        JSONSyntaxError(
            message: "invalid UTF-8 byte 0x\(String(bytes[i], radix: 16, uppercase: true))",
            position: TextPosition(of: i, in: bytes))
    }
}
