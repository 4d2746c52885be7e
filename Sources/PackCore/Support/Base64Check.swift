/// Checks standard base64 (RFC 4648, with padding; whitespace between groups allowed)
/// without decoding it, so a corrupt carrier label is refused when the order arrives.
enum Base64Check {
    static func isValid(_ text: String) -> Bool {
        var count = 0
        var padding = 0
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                if padding > 0 { return false }
                count += 1
            case UInt8(ascii: "="):
                padding += 1
                if padding > 2 { return false }
                count += 1
            case 0x20, 0x0A, 0x0D, 0x09:
                continue
            default:
                return false
            }
        }
        return count > 0 && count % 4 == 0
    }
}
