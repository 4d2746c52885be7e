import Foundation

/// Makes customer text safe to lay out: control characters (NUL, ESC, DEL, C1...)
/// become spaces, CR LF and lone CR become line breaks. Pango takes C strings, so
/// a NUL would cut the text short; the rest would draw as boxes.
enum TextSanitizer {
    static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            if scalar == "\n" {
                if !previousCR { out.append("\n") }
            } else if scalar == "\r" {
                out.append("\n")
            } else if isControl(scalar) {
                out.append(" ")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Template text after its fields are filled: a line's leading and trailing
    /// spaces (left by empty fields, such as a missing company) are dropped.
    static func tidy(_ text: String) -> String {
        let cleaned = clean(text)
        var needsTrim = false
        var previous: UInt8 = 0x0A
        for byte in cleaned.utf8 {
            if (byte == 0x20 && previous == 0x0A) || (byte == 0x0A && previous == 0x20) {
                needsTrim = true
                break
            }
            previous = byte
        }
        guard needsTrim || previous == 0x20 else { return cleaned }
        return cleaned.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "\n")
    }

    private static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0)
    }
}
