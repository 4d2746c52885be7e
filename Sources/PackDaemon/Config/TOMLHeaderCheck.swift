/// Finds table headers with no name (`[[` then a line break, `[ =`, `[[[1]]]`)
/// before TOMLKit sees the text: the toml++ release TOMLKit bundles asserts on
/// them (an abort, not a parse error: packd crashed on such a config; upstream
/// fixed it in marzer/tomlplusplus#301). Remove once TOMLKit ships that fix.
///
/// A header can only start a line at the top level, so the scan follows strings,
/// comments and the brackets of values that span lines, as TOML 1.0 writes them.
enum TOMLHeaderCheck {
    /// The 1-based line of the first header whose name cannot start where toml++
    /// expects one, or nil.
    static func firstNamelessHeader(in text: String) -> Int? {
        let b = Array(text.utf8)
        var i = 0
        var line = 1
        var depth = 0
        var atLineStart = true
        func at(_ k: Int) -> UInt8? { k < b.count ? b[k] : nil }
        func skipBlanks(_ k: inout Int) { while let c = at(k), c == 0x20 || c == 0x09 { k += 1 } }
        while i < b.count {
            let c = b[i]
            if c == 0x0A {
                line += 1
                atLineStart = true
                i += 1
                continue
            }
            if atLineStart, c == 0x20 || c == 0x09 || c == 0x0D {
                i += 1
                continue
            }
            if atLineStart, depth == 0, c == UInt8(ascii: "[") {
                var k = i + 1
                skipBlanks(&k)
                if at(k) == UInt8(ascii: "[") {
                    k += 1
                    skipBlanks(&k)
                }
                if let next = at(k), !(isBareKeyByte(next) || next == 0x22 || next == 0x27 || next == UInt8(ascii: "]")) {
                    return line
                }
                // The rest of the header line says nothing about what follows.
                while i < b.count, b[i] != 0x0A { i += 1 }
                continue
            }
            atLineStart = false
            switch c {
            case UInt8(ascii: "#"):
                while i < b.count, b[i] != 0x0A { i += 1 }
                continue
            case 0x22, 0x27:  // " or '
                let multi = at(i + 1) == c && at(i + 2) == c
                i += multi ? 3 : 1
                while i < b.count {
                    if c == 0x22, b[i] == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if b[i] == 0x0A {
                        line += 1
                        if !multi { break }  // an unterminated string ends at its line for this scan
                    }
                    if b[i] == c, !multi || (at(i + 1) == c && at(i + 2) == c) {
                        i += multi ? 3 : 1
                        // """" ends with the quote inside: up to two more quotes belong to the string.
                        while multi, at(i) == c { i += 1 }
                        break
                    }
                    i += 1
                }
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default:
                break
            }
            i += 1
        }
        return nil
    }

    static func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }
}
