/// The text rules of contracts.md section 2: what is trimmed off a scan, and how
/// codes that match case-insensitively (waybills, order and parcel ids) are folded.
public enum CodeText {
    /// Removes ASCII whitespace and control characters from both ends. GS (0x1D)
    /// inside the code is kept: it separates GS1 fields.
    public static func trim(_ code: String) -> String {
        let scalars = code.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isTrimmed($0) })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return code }
        return String(scalars[first...last])
    }

    static func isTrimmed(_ s: Unicode.Scalar) -> Bool {
        s.value <= 0x20 || s.value == 0x7F
    }

    /// Case-folds for case-insensitive matching. Waybills and ids are ASCII in
    /// practice, so ASCII is folded quickly; anything else goes through Unicode.
    public static func fold(_ code: String) -> String {
        var needsWork = false
        for b in code.utf8 {
            if b >= 0x80 { return code.uppercased() }
            if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { needsWork = true }
        }
        guard needsWork else { return code }
        return String(decoding: code.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }
}
