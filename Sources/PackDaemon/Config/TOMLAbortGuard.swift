/// Finds, before TOMLKit sees the text, the constructs on which the toml++ 3.4.0
/// that TOMLKit bundles asserts (an abort, not a parse error) instead of
/// reporting. packd crashed on such configs; each was found by the config fuzzer.
/// From an audit of every assertion in toml++'s parser, input reaches only two:
///
/// - `parse_key` on a table header with no name (`[[` then a line break, `[ =`,
///   `[[[1]]]`); fixed upstream in marzer/tomlplusplus#301.
/// - `parse_value` on an array element that starts with a value terminator the
///   array loop does not consume: `}` (`[}`, `[1, }`) or a Unicode line or
///   paragraph separator (U+0085, U+2028, U+2029), which TOML never allows outside
///   strings and comments anyway.
///
/// Remove once TOMLKit bundles a toml++ that reports these.
///
/// A header can only start a line at the top level, so the scan follows strings,
/// comments and the brackets of values that span lines, as TOML 1.0 writes them.
enum TOMLAbortGuard {
    struct Finding: Equatable {
        /// 1-based.
        var line: Int
        var message: String
    }

    static let namelessHeader = "a table header needs a name ([name] or [[name]])"
    static let elementStartsWithBrace = "an array element cannot start with '}'"
    static let separatorOutsideString = "a Unicode line separator (U+0085, U+2028 or U+2029) may only appear in strings and comments"

    static func firstFinding(in text: String) -> Finding? {
        let b = Array(text.utf8)
        var i = 0
        var line = 1
        // The open '[' (arrays) and '{' (inline tables) of the value being read.
        var open: [UInt8] = []
        // After an array's '[' or one of its ',': the next significant byte starts an element.
        var expectingElement = false
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
            if c == 0x20 || c == 0x09 || c == 0x0D {
                i += 1
                continue
            }
            if atLineStart, open.isEmpty, c == UInt8(ascii: "[") {
                var k = i + 1
                skipBlanks(&k)
                if at(k) == UInt8(ascii: "[") {
                    k += 1
                    skipBlanks(&k)
                }
                if let next = at(k), !(isBareKeyByte(next) || next == 0x22 || next == 0x27 || next == UInt8(ascii: "]")) {
                    return Finding(line: line, message: namelessHeader)
                }
                // The rest of the header line says nothing about what follows.
                while i < b.count, b[i] != 0x0A { i += 1 }
                continue
            }
            atLineStart = false
            if c == UInt8(ascii: "#") {
                while i < b.count, b[i] != 0x0A { i += 1 }
                continue
            }
            if isLineSeparator(b, at: i) {
                return Finding(line: line, message: separatorOutsideString)
            }
            let startsElement = expectingElement
            expectingElement = false
            switch c {
            case 0x22, 0x27:  // " or '
                skipString(b, &i, &line, quote: c)
                continue
            case UInt8(ascii: "["):
                open.append(c)
                expectingElement = true
            case UInt8(ascii: "{"):
                open.append(c)
            case UInt8(ascii: "}"):
                if startsElement {
                    return Finding(line: line, message: elementStartsWithBrace)
                }
                _ = open.popLast()
            case UInt8(ascii: "]"):
                _ = open.popLast()
            case UInt8(ascii: ","):
                expectingElement = open.last == UInt8(ascii: "[")
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// Moves past the string starting at `i`; an unterminated single-line string
    /// ends at its line for this scan.
    private static func skipString(_ b: [UInt8], _ i: inout Int, _ line: inout Int, quote c: UInt8) {
        func at(_ k: Int) -> UInt8? { k < b.count ? b[k] : nil }
        let multi = at(i + 1) == c && at(i + 2) == c
        i += multi ? 3 : 1
        while i < b.count {
            if c == 0x22, b[i] == UInt8(ascii: "\\") {
                if at(i + 1) == 0x0A { line += 1 }
                i += 2
                continue
            }
            if b[i] == 0x0A {
                if !multi { return }
                line += 1
            }
            if b[i] == c, !multi || (at(i + 1) == c && at(i + 2) == c) {
                i += multi ? 3 : 1
                // """" ends with the quote inside: up to two more quotes belong to the string.
                while multi, at(i) == c { i += 1 }
                return
            }
            i += 1
        }
    }

    /// U+0085 is C2 85, U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
    private static func isLineSeparator(_ b: [UInt8], at i: Int) -> Bool {
        if b[i] == 0xC2 { return i + 1 < b.count && b[i + 1] == 0x85 }
        if b[i] == 0xE2 { return i + 2 < b.count && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9) }
        return false
    }

    static func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }
}
